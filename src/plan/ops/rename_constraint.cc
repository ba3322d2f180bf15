// rename_constraint: metadata only.
//
//   expand    RENAME CONSTRAINT; reverse renames back
#include <fmt/format.h>

#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "rename_constraint";

// A unique, primary key or exclusion constraint renames its index along with it, so the new
// name must be free as a relation name too, and the constraint must exist before swap.
Status CheckIndexed(const RenameConstraintOp& op, const SourceLocation& where, PlanBuilder& b) {
  // One this migration creates is attached only at swap, after expand's rename would run.
  const TableInfo* t = b.catalog().FindTable(b.schema(), op.table);
  const TableInfo* before = b.original_catalog().FindTable(t->schema, t->name);
  if (before == nullptr || before->FindConstraint(op.from) == nullptr) {
    return Invalid(where, kKind,
                   fmt::format("constraint {} is created by this migration and attached only at "
                               "swap; give it the name {} where it is created",
                               QuoteIdent(op.from), QuoteIdent(op.to)));
  }
  if (b.catalog().HasRelation(b.schema(), op.to)) {
    return Invalid(where, kKind,
                   fmt::format("a relation named {} already exists (the constraint's index "
                               "would take the name)",
                               QuoteIdent(op.to)));
  }
  return Status::Ok();
}

void Record(const RenameConstraintOp& op, bool indexed, TableInfo& t, PlanBuilder& b) {
  for (auto& c : t.constraints)
    if (c.name == op.from) c.name = op.to;
  if (!indexed) return;
  for (auto& i : t.indexes)
    if (i.name == op.from) i.name = op.to;
  for (auto& r : b.working_catalog().relation_names)
    if (r == t.schema + "." + op.from) r = t.schema + "." + op.to;
}

}  // namespace

Status PlanOperation(const RenameConstraintOp& op, const SourceLocation& where, PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  const ConstraintInfo* from = t->FindConstraint(op.from);
  if (from == nullptr) {
    return Invalid(where, kKind,
                   fmt::format("constraint {} does not exist on table {}", QuoteIdent(op.from),
                               QuoteIdent(op.table)));
  }
  if (t->FindConstraint(op.to) != nullptr) {
    return Invalid(where, kKind,
                   fmt::format("constraint {} already exists on table {}", QuoteIdent(op.to),
                               QuoteIdent(op.table)));
  }
  const bool indexed = from->type == 'u' || from->type == 'p' || from->type == 'x';
  if (indexed) PGPHASE_RETURN_IF_ERROR(CheckIndexed(op, where, b));
  const ddl::Rel table{t->schema, t->name};
  b.TouchTable(*t);
  b.Add(Phase::kExpand, "expand.rename_constraint." + op.table + "." + op.from,
        "rename constraint " + op.from + " to " + op.to + " (metadata only)",
        ddl::RenameConstraint(table, op.from, op.to),
        {ddl::RenameConstraint(table, op.to, op.from)});
  Record(op, indexed, *t, b);
  return Status::Ok();
}

}  // namespace pgphase
