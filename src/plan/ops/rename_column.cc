// rename_column (and alter_column's `name:` without a shadow column):
//
//   swap      RENAME COLUMN inside the table's swap transaction (the sync trigger, if this
//             migration has one on the table, is re-pointed at the new name in the same
//             transaction); reverse renames back. Until swap only the old name exists:
//             the new application deploys at swap.
#include <fmt/format.h>

#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {

Status PlanOperation(const RenameColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  constexpr std::string_view kKind = "rename_column";
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  if (t->FindColumn(op.from) == nullptr) return MissingColumn(where, kKind, "", op.table, op.from);
  if (op.from == op.to)
    return Invalid(where, kKind, "from and to are the same name " + QuoteIdent(op.to));
  if (t->FindColumn(op.to) != nullptr || !b.ClaimNewColumn(*t, op.to)) {
    return Invalid(where, kKind,
                   fmt::format("column {} already exists in table {}", QuoteIdent(op.to),
                               QuoteIdent(op.table)));
  }
  SwapChange swap;
  swap.renames.emplace_back(op.from, op.to);
  b.Swap(*t, std::move(swap));
  b.MarkChanged(t->schema, t->name, op.from);
  RenameInCatalog(*t, op.from, op.to);
  return Status::Ok();
}

}  // namespace pgphase
