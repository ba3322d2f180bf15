// drop_constraint and drop_multicolumn_constraint: the old application may rely on the
// constraint until contract.
//
//   contract  DROP CONSTRAINT
// `up` and `down` are parsed and not used: the data is not transformed.
#include <fmt/format.h>

#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

Status PlanDrop(const DropConstraintOp& op, std::string_view kind, const SourceLocation& where,
                PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kind, "", b.schema(), op.table);
  if (t->FindConstraint(op.name) == nullptr) {
    return Invalid(where, kind,
                   fmt::format("constraint {} does not exist on table {}", QuoteIdent(op.name),
                               QuoteIdent(op.table)));
  }
  for (const auto* exprs : {&op.up, &op.down}) {
    for (const ColumnExpr& e : *exprs) {
      Result<ExprAnalysis> a = Analyze(e.expr, kind, exprs == &op.up ? "up" : "down");
      if (!a.ok()) return a.status();
    }
  }
  if (!op.up.empty() || !op.down.empty()) {
    b.Note(fmt::format(
        "{} {}: `up` and `down` are not used: the data is not transformed, and the constraint "
        "stays in force until contract",
        kind, op.name));
  }
  b.TouchTable(*t);
  b.Add(Phase::kContract, fmt::format("contract.{}.{}.{}", kind, op.table, op.name),
        "drop constraint " + op.name + " of " + op.table,
        ddl::DropConstraintStrict({t->schema, t->name}, op.name));
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const DropConstraintOp& op, const SourceLocation& where, PlanBuilder& b) {
  return PlanDrop(op, "drop_constraint", where, b);
}

Status PlanOperation(const DropMulticolumnConstraintOp& op, const SourceLocation& where,
                     PlanBuilder& b) {
  return PlanDrop(op, "drop_multicolumn_constraint", where, b);
}

}  // namespace pgphase
