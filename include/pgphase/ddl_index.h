// Builders for the statements of the index and constraint operations (create_index,
// drop_index, create_constraint, drop_constraint, rename_constraint). Same rules as
// ddl.h: identifiers quoted here, user expressions arrive embedded (EmbedExpression),
// output canonical.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/status.h"

namespace pgphase::ddl {

// One key column of an index. Empty strings mean "not given".
struct IndexColumn {
  std::string column;
  std::string collate;
  std::string opclass;
  std::string opclass_params;  // canonical "name = value, ..." (see ParseParameterList)
  std::string sort;            // ASC, DESC
  std::string nulls;           // FIRST, LAST
};

struct IndexDef {
  std::string name;
  bool unique = false;
  std::string method;  // btree, hash, gist, spgist, gin, brin ("" = btree)
  std::vector<IndexColumn> columns;
  std::vector<std::string> include;
  bool nulls_not_distinct = false;
  std::string storage;    // canonical "name = value, ..."
  std::string predicate;  // embedded user SQL, or ""
};

// Checks and canonicalises a `name = value, ...` list (storage parameters, operator class
// parameters). Names are identifiers ([A-Za-z_][A-Za-z0-9_.]*); values are numbers, bare
// words or single-quoted strings; anything else is refused, so no SQL can be smuggled in.
// "fillfactor=70,  deduplicate_items = off" -> "fillfactor = 70, deduplicate_items = off".
Result<std::string> ParseParameterList(const std::string& text);

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON t USING method (...)
// [INCLUDE (...)] [NULLS NOT DISTINCT] [WITH (...)] [WHERE (...)]
std::string CreateIndexConcurrently(const Rel& t, const IndexDef& index,
                                    bool if_not_exists = false);
// SELECT returning true when no relation named `index` exists.
std::string IndexIsAbsentQuery(const Rel& index);

// ALTER TABLE t ADD CONSTRAINT name CHECK (expr) [NO INHERIT] NOT VALID
std::string AddTableCheckNotValid(const Rel& t, const std::string& name, const std::string& expr,
                                  bool no_inherit);
struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  Rel ref;
  std::vector<std::string> ref_columns;
  std::string match_type;  // "", FULL, SIMPLE
  std::string on_delete;   // "", or NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
  std::string on_update;
  bool deferrable = false;
  bool initially_deferred = false;
};
// ALTER TABLE t ADD CONSTRAINT name FOREIGN KEY (...) REFERENCES ref (...) ... NOT VALID
std::string AddMultiColumnForeignKeyNotValid(const Rel& t, const ForeignKey& fk);
// ALTER TABLE t ADD CONSTRAINT name UNIQUE|PRIMARY KEY USING INDEX index
// [DEFERRABLE [INITIALLY DEFERRED]]
std::string AddConstraintUsingIndexDeferrable(const Rel& t, const std::string& name,
                                              bool primary_key, const std::string& index,
                                              bool deferrable, bool initially_deferred);
// ALTER TABLE t DROP CONSTRAINT name (no IF EXISTS: a contract step that finds nothing to
// drop means the schema drifted, which the operator must hear about).
std::string DropConstraintStrict(const Rel& t, const std::string& name);
std::string RenameConstraint(const Rel& t, const std::string& from, const std::string& to);
// UPDATE t SET col = expr, ... WHERE NOT (check): applies `up` to the rows a new check
// constraint would reject.
std::string FixViolatingRows(const Rel& t,
                             const std::vector<std::pair<std::string, std::string>>& sets,
                             const std::string& check);

}  // namespace pgphase::ddl
