// Builders for the statements of the index operations (create_index, and the indexes of
// unique and primary key constraints). Same rules as ddl.h: identifiers quoted here, user
// expressions arrive embedded (EmbedExpression), output canonical.
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
  std::string method;  // btree, hash, gist, spgist, gin, brin; "": no USING clause (btree)
  std::vector<IndexColumn> columns;
  std::vector<std::string> include;
  bool nulls_not_distinct = false;
  std::string storage;    // canonical "name = value, ..."
  std::string predicate;  // embedded user SQL, or ""
};

// A plain index over `columns`, in the order given: no method (btree), options or predicate.
IndexDef PlainIndex(const std::string& name, const std::vector<std::string>& columns, bool unique);

// Checks and canonicalises a `name = value, ...` list (storage parameters, operator class
// parameters). Names are identifiers ([A-Za-z_][A-Za-z0-9_.]*); values are numbers, bare
// words or single-quoted strings; anything else is refused, so no SQL can be smuggled in.
// "fillfactor=70,  deduplicate_items = off" -> "fillfactor = 70, deduplicate_items = off".
Result<std::string> ParseParameterList(const std::string& text);

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON t [USING method] (...)
// [INCLUDE (...)] [NULLS NOT DISTINCT] [WITH (...)] [WHERE (...)]: outside a transaction,
// SHARE UPDATE EXCLUSIVE while it reads the table.
Statement CreateIndexConcurrently(const Rel& t, const IndexDef& index, bool if_not_exists = false);
// SELECT returning true when no relation named `index` exists.
std::string IndexIsAbsentQuery(const Rel& index);

// UPDATE t SET col = expr, ... WHERE NOT (check): applies `up` to the rows a new check
// constraint would reject, in one statement.
Statement FixViolatingRows(const Rel& t,
                           const std::vector<std::pair<std::string, std::string>>& sets,
                           const std::string& check);

}  // namespace pgphase::ddl
