// Strict reading of yaml-cpp nodes, with every error as
// "file:line:col: path.to.key: what" (private to the spec module).
//
// yaml-cpp marks are 0-based; messages and SourceLocation are 1-based.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgphase/spec.h"
#include "pgphase/status.h"
#include "spec/shapes.h"

namespace pgphase::spec_internal {

// A node together with where it was found. `file` must be set and outlive the Value.
//
// Not assignable: YAML::Node's operator= writes through to the node it refers to (and
// so into the document), which would corrupt the tree being read. Values are only
// ever constructed.
struct Value {
  Value(const YAML::Node& n, std::string p, YAML::Mark m, const std::string* f)
      : node(n), path(std::move(p)), mark(m), file(f) {}
  Value(const Value&) = default;
  Value(Value&&) = default;
  Value& operator=(const Value&) = delete;
  Value& operator=(Value&&) = delete;

  YAML::Node node;
  std::string path;  // "operations[0].add_column.column.type"; "" for the document
  YAML::Mark mark;   // where the value is written (its key's mark when the value is empty)
  const std::string* file;

  // The value under `key` of this map, found at `key_mark`.
  Value Child(const std::string& key, const YAML::Node& child, const YAML::Mark& key_mark) const;
  // The `index`th element of this sequence.
  Value Element(size_t index, const YAML::Node& element) const;
  // The same node found elsewhere or under another path (for errors about keys).
  Value At(const YAML::Mark& m, std::string p) const { return Value(node, std::move(p), m, file); }
};

SourceLocation LocationOf(const std::string& file, const YAML::Mark& mark);
SourceLocation LocationOf(const Value& v);

// Status::Invalid("file:line:col: path: what").
Status ErrorAt(const Value& v, std::string_view what);

// A keyword from `known` written in any case with any spacing between its words, stored
// as listed ("set  null" -> "SET NULL"; with a lower-case list, "GiST" -> "gist").
// Errors: "unknown <noun> \"x\"; expected one of: ...".
Status ReadKeyword(const Value& v, const std::vector<std::string_view>& known,
                   std::string_view noun, std::string* out);

// "a map", "a sequence", "null", "a string".
std::string DescribeNode(const YAML::Node& node);

// A map whose keys were checked: unique, all in `allowed`, every one of `required` present.
class YamlMap {
 public:
  static Status Read(const Value& v, const std::vector<std::string_view>& allowed,
                     const std::vector<std::string_view>& required, YamlMap* out);
  // The keys of `shape` (spec/shapes.h), and its required ones.
  static Status Read(const Value& v, const ShapeInfo& shape, YamlMap* out);

  // The value under `key`, if present.
  std::optional<Value> Find(std::string_view key) const;

  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    Value value;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// Scalar readers. Each fails with ErrorAt(v, ...) when the node has the wrong shape.

// Any scalar, as written (so `default: 100` reads "100"). Null is an error.
Status ReadString(const Value& v, std::string* out);
// A non-empty string of at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
Status ReadIdentifier(const Value& v, std::string* out);
// A non-blank string, kept as written, with its location.
Status ReadSqlExpr(const Value& v, SqlExpr* out);
// An unquoted true or false (any case).
Status ReadBool(const Value& v, bool* out);
// An unquoted decimal integer > 0.
Status ReadPositiveInt(const Value& v, int64_t* out);
// A duration such as "0ms", "200ms" or "1h30m".
Status ReadDuration(const Value& v, Millis* out);
// The same, greater than zero.
Status ReadPositiveDuration(const Value& v, Millis* out);

// The same for an optional key of `map`: `out` is left as it is when the key is absent.
Status ReadOptionalBool(const YamlMap& map, std::string_view key, bool* out);
Status ReadOptionalSqlExpr(const YamlMap& map, std::string_view key, std::optional<SqlExpr>* out);

}  // namespace pgphase::spec_internal
