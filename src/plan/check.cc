#include "plan/check.h"

#include <fmt/format.h>

#include <algorithm>

#include "pgphase/sql_text.h"

namespace pgphase {
namespace {

std::string Prefixed(std::string_view field, const std::string& what) {
  return field.empty() ? what : fmt::format("{}: {}", field, what);
}

bool SameColumns(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// A primary key or a valid, non-partial unique index over exactly `columns` (an index this
// migration builds only in validate is not valid yet: a foreign key added in expand cannot use it).
bool HasKeyOn(const TableInfo& t, const std::vector<std::string>& columns) {
  if (!t.primary_key.empty() && SameColumns(t.primary_key, columns)) return true;
  return std::any_of(t.indexes.begin(), t.indexes.end(), [&](const IndexInfo& i) {
    return i.unique && i.valid && !i.partial && SameColumns(i.columns, columns);
  });
}

}  // namespace

Status Invalid(const SourceLocation& where, std::string_view kind, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), kind, what));
}

Result<ExprAnalysis> Analyze(const SqlExpr& e, std::string_view kind, std::string_view field) {
  Result<ExprAnalysis> a = AnalyzeExpression(e.text);
  if (!a.ok())
    return Status::Invalid(
        fmt::format("{}: {}.{}: {}", e.where.ToString(), kind, field, a.status().message()));
  return a;
}

Status MissingTable(const SourceLocation& where, std::string_view kind, std::string_view field,
                    const std::string& schema, const std::string& table) {
  return Invalid(
      where, kind,
      Prefixed(field, fmt::format("table {} does not exist", QuoteQualified(schema, table))));
}

Status MissingColumn(const SourceLocation& where, std::string_view kind, std::string_view field,
                     const std::string& table, const std::string& column) {
  return Invalid(where, kind,
                 Prefixed(field, fmt::format("column {} does not exist in table {}",
                                             QuoteIdent(column), QuoteIdent(table))));
}

Status CheckColumnsExist(const SourceLocation& where, std::string_view kind, std::string_view field,
                         const TableInfo& table, const std::vector<std::string>& columns) {
  for (const auto& c : columns)
    if (table.FindColumn(c) == nullptr) return MissingColumn(where, kind, field, table.name, c);
  return Status::Ok();
}

Status CheckExpressionColumns(const std::vector<std::string>& columns, const std::string& table,
                              const ExprAnalysis& a, const SqlExpr& e, std::string_view kind,
                              std::string_view field) {
  if (a.has_subquery) return Status::Ok();
  for (const auto& c : a.column_refs) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end())
      return Status::Invalid(fmt::format("{}: {}.{}: column {} does not exist in table {}",
                                         e.where.ToString(), kind, field, QuoteIdent(c),
                                         QuoteIdent(table)));
  }
  return Status::Ok();
}

const ColumnExpr* ExprFor(const std::vector<ColumnExpr>& exprs, const std::string& column) {
  for (const ColumnExpr& e : exprs)
    if (e.column.empty() || e.column == column) return &e;
  return nullptr;
}

bool IsIdentity(const ColumnExpr& e) {
  const std::string trimmed = sqltext::Trimmed(e.expr.text, 0, e.expr.text.size());
  return trimmed == e.column || trimmed == QuoteIdent(e.column);
}

std::vector<std::string> SourcesIn(const std::vector<std::string>& columns, const ExprAnalysis& a) {
  std::vector<std::string> out;
  for (const auto& c : a.column_refs)
    if (std::find(columns.begin(), columns.end(), c) != columns.end()) out.push_back(c);
  return out;
}

std::string DependentsOfKind(const ColumnInfo& c, const std::vector<std::string_view>& kinds) {
  std::string out;
  for (const std::string& d : c.dependents) {
    const bool blocking = std::any_of(kinds.begin(), kinds.end(), [&](std::string_view k) {
      return std::string_view(d).substr(0, k.size()) == k;
    });
    if (blocking) out += (out.empty() ? "" : ", ") + d;
  }
  return out;
}

std::vector<std::string> ColumnNames(const TableInfo& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

ColumnTypes ColumnTypesOf(const TableInfo& t) {
  ColumnTypes out;
  for (const auto& c : t.columns) out[c.name] = c.type;
  return out;
}

Status CheckReferenceTarget(const SourceLocation& where, std::string_view kind,
                            const CatalogSnapshot& catalog, const std::string& schema,
                            const std::string& table, const std::vector<std::string>& columns,
                            const TableInfo* self) {
  const TableInfo* t =
      self != nullptr && self->name == table ? self : catalog.FindTable(schema, table);
  if (t == nullptr) return MissingTable(where, kind, "references", schema, table);
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(where, kind, "references", *t, columns));
  if (!HasKeyOn(*t, columns)) {
    return Invalid(where, kind,
                   fmt::format("references: table {} has no primary key or unique index on "
                               "exactly the referenced columns",
                               QuoteIdent(table)));
  }
  return Status::Ok();
}

}  // namespace pgphase
