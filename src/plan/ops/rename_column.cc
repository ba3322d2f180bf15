// rename_column: an alter_column with `name:` and nothing else (alter_column.cc). So, when
// the column allows it, through a column pair: the new name is a column of its own from
// expand, kept in step with the old one both ways from sync until contract, when the old
// one goes (alter_column_shadow.cc has the phase table). Otherwise RENAME COLUMN inside the
// table's swap transaction, with a note saying why: then the new application deploys at
// swap.
#include "plan/check.h"
#include "plan/ops.h"
#include "plan/ops/alter_column.h"

namespace pgphase {

Status PlanOperation(const RenameColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  constexpr std::string_view kKind = "rename_column";
  const TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  if (t->FindColumn(op.from) == nullptr) return MissingColumn(where, kKind, "", op.table, op.from);
  if (op.from == op.to)
    return Invalid(where, kKind, "from and to are the same name " + QuoteIdent(op.to));
  AlterColumnOp rename;
  rename.table = op.table;
  rename.column = op.from;
  rename.name = op.to;
  return PlanAlterColumn(rename, where, b, kKind);
}

}  // namespace pgphase
