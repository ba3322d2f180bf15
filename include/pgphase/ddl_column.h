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
Statement RenameColumn(const Rel& t, const std::string& from, const std::string& to);
// ALTER TABLE t ALTER COLUMN c TYPE type. `rewrites`: the caller knows whether PostgreSQL
// can make the change without rewriting the table (widening varchar) or not (narrowing it
// back, on reverse).
Statement SetColumnType(const Rel& t, const std::string& column, const std::string& type,
                        bool rewrites);
// ALTER TABLE t ALTER COLUMN c TYPE type USING (using_expr): a rewrite. `using_expr` is
// embedded user SQL.
Statement SetColumnTypeUsing(const Rel& t, const std::string& column, const std::string& type,
                             const std::string& using_expr);

// A DO block that raises (SQLSTATE 55006, object_in_use) when an object other than
// the column's own default, and other than triggers named in `ignored_triggers`,
// depends on column `column` of `t`: an index, constraint, view, rule, trigger,
// policy, statistics object, generated column or owned sequence that the swap would
// leave on the old column. The message names the objects.
// `carried` names indexes and constraints of the table that the plan re-creates on the
// new column, so they are not counted either; `referencing` names other tables' foreign
// keys to the column and the sequence it owns, which the plan re-creates or moves.
// Reads only the catalog (ACCESS SHARE).
Statement RefuseDependents(const Rel& t, const std::string& column,
                           const std::vector<std::string>& ignored_triggers,
                           const std::vector<std::string>& carried = {},
                           const std::vector<std::string>& referencing = {});

// A DO block copying the comment of column `from` to column `to` of `t` (no-op when
// `from` has none).
Statement CopyColumnComment(const Rel& t, const std::string& from, const std::string& to);

// Reverse of DROP NOT NULL that never holds ACCESS EXCLUSIVE during a scan: fill NULLs
// with `fill_expr` (embedded user SQL; "" to leave them), then helper CHECK NOT VALID,
// VALIDATE, SET NOT NULL (proved by the check), drop the helper. Separate statements:
// each runs in its own transaction.
std::vector<Statement> RestoreNotNull(const Rel& t, const std::string& column,
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
