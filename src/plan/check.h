// The checks every operation planner makes, and their messages, in one place: a missing
// table or column, an expression that does not parse or names a column the table does not
// have, a foreign key to nothing, read the same in every operation. Private to the plan
// module. Every error is ExitCode::kInvalid, "file:line:col: <kind>[.<field>]: what".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/spec.h"
#include "pgphase/sql.h"
#include "pgphase/status.h"

namespace pgphase {

// "file:line:col: kind: what"
Status Invalid(const SourceLocation& where, std::string_view kind, const std::string& what);

// Parses a user expression; errors name "kind.field" at the expression's own location.
Result<ExprAnalysis> Analyze(const SqlExpr& e, std::string_view kind, std::string_view field);

// `table "schema"."name" does not exist`, prefixed with `field: ` when field is not empty.
Status MissingTable(const SourceLocation& where, std::string_view kind, std::string_view field,
                    const std::string& schema, const std::string& table);
// `column "c" does not exist in table "t"`, prefixed likewise.
Status MissingColumn(const SourceLocation& where, std::string_view kind, std::string_view field,
                     const std::string& table, const std::string& column);

// Every one of `columns` is a column of `table` (MissingColumn for the first that is not).
Status CheckColumnsExist(const SourceLocation& where, std::string_view kind, std::string_view field,
                         const TableInfo& table, const std::vector<std::string>& columns);

// Outside a sub-select every column `a` names must be one of `columns` (the table's columns
// as the expression sees them: before or after this migration's renames). Errors at the
// expression's location, naming `table`.
Status CheckExpressionColumns(const std::vector<std::string>& columns, const std::string& table,
                              const ExprAnalysis& a, const SqlExpr& e, std::string_view kind,
                              std::string_view field);

// The columns of `columns` that `a` reads (a sub-select may name other tables' columns).
// The `up` or `down` of `column` among `exprs`: the one that names it, or one that names no
// column (drop_constraint's, for every column); nullptr when there is none.
const ColumnExpr* ExprFor(const std::vector<ColumnExpr>& exprs, const std::string& column);
// `up: col` or `up: "col"` for column col: the value stays as it is.
bool IsIdentity(const ColumnExpr& e);

std::vector<std::string> SourcesIn(const std::vector<std::string>& columns, const ExprAnalysis& a);

// Names of the columns of `t`, in order.
std::vector<std::string> ColumnNames(const TableInfo& t);
// The columns of `t` and their types, for MayRaise.
ColumnTypes ColumnTypesOf(const TableInfo& t);

// Objects that depend on a column (ColumnInfo::dependents, by the first words of
// pg_describe_object) and make a statement on it fail unless they go first.
// ALTER COLUMN TYPE, DROP TABLE (from other relations):
inline const std::vector<std::string_view> kViewsAndRules = {"view ", "materialized view ", "rule ",
                                                             "policy "};
// DROP COLUMN: everything but what it drops along (an owned sequence, statistics).
inline const std::vector<std::string_view> kBlockDropColumn = {
    "view ",   "materialized view ", "rule ",     "policy ", "constraint ", "trigger ",
    "column ", "function ",          "procedure "};
// The dependents of `c` whose description starts with one of `kinds`, for a message
// ("view v, rule r"); "" when none.
std::string DependentsOfKind(const ColumnInfo& c, const std::vector<std::string_view>& kinds);

// A foreign key's target: `table` exists (or is `self`, a table this operation creates,
// with `self_columns`), has every one of `columns`, and a primary key or a valid, non-partial
// unique index over exactly them, as PostgreSQL requires. Errors are prefixed "references: ".
Status CheckReferenceTarget(const SourceLocation& where, std::string_view kind,
                            const CatalogSnapshot& catalog, const std::string& schema,
                            const std::string& table, const std::vector<std::string>& columns,
                            const TableInfo* self = nullptr);

}  // namespace pgphase
