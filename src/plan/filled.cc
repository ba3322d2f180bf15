#include "plan/filled.h"

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "plan/check.h"

namespace pgphase {

std::vector<std::string> HoldingColumns(const PlanBuilder& b, const TableInfo& t,
                                        const std::vector<std::string>& columns) {
  std::vector<std::string> out;
  for (const std::string& c : columns) out.push_back(b.ColumnUntilSwap(t, c).column);
  return out;
}

bool AnyFilled(const PlanBuilder& b, const TableInfo& t, const std::vector<std::string>& columns) {
  return std::any_of(columns.begin(), columns.end(),
                     [&](const std::string& c) { return b.ColumnUntilSwap(t, c).filled; });
}

Result<std::string> OntoHoldingColumns(const PlanBuilder& b, const TableInfo& t,
                                       const std::string& expr, const SourceLocation& where,
                                       std::string_view kind, std::string_view field) {
  std::string out = expr;
  for (const ColumnInfo& c : t.columns) {
    const std::string holding = b.ColumnUntilSwap(t, c.name).column;
    if (holding == c.name) continue;
    Result<std::string> r = ddl::RenameColumnRefs(out, c.name, holding);
    if (!r.ok()) return Invalid(where, kind, std::string(field) + ": " + r.status().message());
    out = *r;
  }
  return out;
}

}  // namespace pgphase
