// The shapes of the migration format (private to the spec module): every map the spec
// reader reads, its keys, what each key holds, which are required, and what each means.
//
// One table for two uses, so they cannot drift: the readers take their allowed and required
// keys from it (YamlMap::Read(v, Shape("alter_column"), &map)) and their keywords from the
// lists named here, and `pgphase schema` prints it as a JSON Schema (json_schema.cc). A key a
// reader accepts is a key the schema documents, by construction. Rules between keys
// (alter_column changes something, a generated column has no default) stay in the readers;
// the schema checks keys, types, required keys and keywords.
#pragma once

#include <string_view>
#include <vector>

namespace pgphase::spec_internal {

enum class Kind {
  kString,      // any scalar, as written
  kIdentifier,  // a name: 1 to 63 bytes
  kType,        // a column type, as written
  kSql,         // an SQL expression or statements
  kBool,
  kPositiveInt,
  kDuration,     // "200ms", "1h30m"
  kKeyword,      // one of `keywords`, in any case
  kMap,          // a map of shape `shape`
  kList,         // a sequence of `shape` maps, or of `element` scalars when `shape` is ""
  kColumnExprs,  // a map of column name: SQL expression
  kLintRule,     // the name of a lint rule (pgphase/lint.h; the planner checks it)
};

struct Field {
  std::string_view key;
  Kind kind;
  bool required = false;
  std::string_view description;
  const std::vector<std::string_view>* keywords = nullptr;  // kKeyword, and a kList of them
  std::string_view shape = "";                              // kMap, kList
  Kind element = Kind::kString;                             // kList without a shape
  bool nullable = false;   // null is allowed (and means "none" or "remove")
  bool or_name = false;    // a plain identifier may stand for the map (its first key)
  bool or_string = false;  // kList: one string may stand for the list
  bool non_empty = true;   // kList: at least one element
};

struct ShapeInfo {
  std::string_view name;
  std::string_view description;
  std::vector<Field> fields;
  bool exactly_one = false;  // exactly one of the keys
};

// The shape named `name` ("alter_column", "column", "settings", ...). Aborts on a name the
// table lacks: a reader asking for one is a programming error the unit tests catch.
const ShapeInfo& Shape(std::string_view name);

// Every shape, the document's ("migration") first.
const std::vector<ShapeInfo>& AllShapes();

// The keywords the readers take (ReadKeyword), as the schema lists them.
extern const std::vector<std::string_view> kReferentialActions;    // NO ACTION, CASCADE, ...
extern const std::vector<std::string_view> kMatchTypes;            // SIMPLE, FULL
extern const std::vector<std::string_view> kIdentityKinds;         // ALWAYS, BY DEFAULT
extern const std::vector<std::string_view> kIndexMethods;          // btree, hash, ...
extern const std::vector<std::string_view> kSortOrders;            // ASC, DESC
extern const std::vector<std::string_view> kNullsOrders;           // FIRST, LAST
extern const std::vector<std::string_view> kReplicaIdentities;     // FULL, DEFAULT, ...
extern const std::vector<std::string_view> kConstraintTypes;       // check, unique, ...
extern const std::vector<std::string_view> kAddedConstraintTypes;  // create_constraint's

}  // namespace pgphase::spec_internal
