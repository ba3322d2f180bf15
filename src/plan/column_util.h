// Helpers shared by the column operation planners (column_ops.cc, alter_column.cc).
// Private to the plan module.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "pgphase/sql.h"
#include "plan/builder.h"

namespace pgphase::column_plan {

// "file:line:col: kind: what"
inline Status Invalid(const SourceLocation& where, const std::string& kind,
                      const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), kind, what));
}

// Parses a user expression; errors name "kind.field" at the expression's location.
inline Result<ExprAnalysis> Analyze(const SqlExpr& e, const std::string& kind,
                                    const std::string& field) {
  Result<ExprAnalysis> a = AnalyzeExpression(e.text);
  if (!a.ok()) {
    return Status::Invalid(
        fmt::format("{}: {}.{}: {}", e.where.ToString(), kind, field, a.status().message()));
  }
  return a;
}

// The table in the working catalog (as earlier operations of this migration left it),
// mutable so the planner can record what this operation changes.
inline TableInfo* FindWorkingTable(PlanBuilder& b, const std::string& table) {
  const std::string& schema = b.spec().settings.schema;
  return const_cast<TableInfo*>(b.working_catalog().FindTable(schema, table));
}

inline Status MissingTable(const SourceLocation& where, const std::string& kind,
                           const std::string& schema, const std::string& table) {
  return Invalid(where, kind,
                 fmt::format("table {} does not exist", QuoteQualified(schema, table)));
}

inline Status MissingColumn(const SourceLocation& where, const std::string& kind,
                            const std::string& table, const std::string& column) {
  return Invalid(
      where, kind,
      fmt::format("column {} does not exist in table {}", QuoteIdent(column), QuoteIdent(table)));
}

// Names of `columns` that `a` reads (a sub-select may name other tables' columns).
inline std::vector<std::string> SourcesIn(const std::vector<std::string>& columns,
                                          const ExprAnalysis& a) {
  std::vector<std::string> out;
  for (const auto& c : a.column_refs)
    if (std::find(columns.begin(), columns.end(), c) != columns.end()) out.push_back(c);
  return out;
}

// Outside a sub-select every column an expression names must be one of `columns`.
inline Status CheckRefs(const std::vector<std::string>& columns, const std::string& table,
                        const ExprAnalysis& a, const SqlExpr& e, const std::string& kind,
                        const std::string& field) {
  if (a.has_subquery) return Status::Ok();
  for (const auto& c : a.column_refs) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
      return Status::Invalid(fmt::format("{}: {}.{}: column {} does not exist in table {}",
                                         e.where.ToString(), kind, field, QuoteIdent(c),
                                         QuoteIdent(table)));
    }
  }
  return Status::Ok();
}

inline std::vector<std::string> ColumnNames(const TableInfo& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

// Renames a column in the working catalog, with the key and index column lists.
inline void RenameInCatalog(TableInfo& t, const std::string& from, const std::string& to) {
  for (auto& c : t.columns)
    if (c.name == from) c.name = to;
  for (auto& k : t.primary_key)
    if (k == from) k = to;
  for (auto& i : t.indexes)
    for (auto& k : i.columns)
      if (k == from) k = to;
}

// What alter_column's shadow path needs from its checks (alter_column_shadow.cc).
struct ShadowChange {
  const TableInfo& before;  // the table as the old app sees it
  TableInfo& table;         // working catalog entry
  const ColumnInfo& old;    // the column now
  std::string new_name;
  std::string new_type;
  bool type_changed = false;
  bool new_not_null = false;
};
Status PlanAlterColumnShadow(const AlterColumnOp& op, const SourceLocation& where,
                             const ShadowChange& c, PlanBuilder& b);

}  // namespace pgphase::column_plan
