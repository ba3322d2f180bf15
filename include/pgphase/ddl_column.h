// Statement builders for the column operations (alter_column, drop_column,
// rename_column). Pure string functions, like ddl.h: identifiers quoted here, user
// expressions arrive embedded.
#pragma once

#include <string>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/status.h"

namespace pgphase::ddl {

// ALTER TABLE t RENAME COLUMN from TO to
std::string RenameColumn(const Rel& t, const std::string& from, const std::string& to);
// ALTER TABLE t ALTER COLUMN c DROP DEFAULT
std::string DropDefault(const Rel& t, const std::string& column);
// ALTER TABLE t ALTER COLUMN c TYPE type (only for changes PostgreSQL makes without a
// rewrite, such as widening varchar)
std::string SetColumnType(const Rel& t, const std::string& column, const std::string& type);

// ALTER INDEX schema.from RENAME TO to
std::string RenameIndex(const std::string& schema, const std::string& from, const std::string& to);
// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] index ON t (columns), plain btree
std::string CreateColumnIndexConcurrently(const Rel& t, const std::string& index,
                                          const std::vector<std::string>& columns, bool unique,
                                          bool if_not_exists);

// Several statements as one: joined with ";\n", so the executor runs them in one
// transaction (one step, one commit).
std::string Transaction(const std::vector<std::string>& statements);

// A DO block that raises (SQLSTATE 55006, object_in_use) when an object other than
// the column's own default, and other than triggers named in `ignored_triggers`,
// depends on column `column` of `t`: an index, constraint, view, rule, trigger,
// policy, statistics object, generated column or owned sequence that the swap would
// leave on the old column. The message names the objects.
// `carried` names indexes and constraints of the table that the plan re-creates on the
// new column, so they are not counted either.
std::string RefuseDependents(const Rel& t, const std::string& column,
                             const std::vector<std::string>& ignored_triggers,
                             const std::vector<std::string>& carried = {});

// A DO block copying the comment of column `from` to column `to` of `t` (no-op when
// `from` has none).
std::string CopyColumnComment(const Rel& t, const std::string& from, const std::string& to);

// Reverse of DROP NOT NULL that never holds ACCESS EXCLUSIVE during a scan: fill NULLs
// with `fill_expr` (embedded user SQL; "" to leave them), then helper CHECK NOT VALID,
// VALIDATE, SET NOT NULL (proved by the check), drop the helper. Separate statements:
// each runs in its own transaction.
std::vector<std::string> RestoreNotNull(const Rel& t, const std::string& column,
                                        const std::string& fill_expr, const std::string& helper);

// `expr` (a user expression that AnalyzeExpression accepts) with every unqualified
// reference to column `from` replaced by the quoted name `to`, found by the PostgreSQL
// parser (so string literals, function names and other columns are left alone). Used to
// define a CHECK on a shadow column from a constraint written against the column's name.
Result<std::string> RenameColumnRefs(const std::string& expr, const std::string& from,
                                     const std::string& to);

// As RenameColumnRefs, but each reference to `column` becomes `(replacement)`, an SQL
// expression: composes two `up` expressions when one column is changed twice in one
// migration (the later one reads the column the earlier one computes).
Result<std::string> ReplaceColumnRefs(const std::string& expr, const std::string& column,
                                      const std::string& replacement);

}  // namespace pgphase::ddl
