// drop_constraint and drop_multicolumn_constraint: the old application may rely on the
// constraint until contract.
//
//   contract  DROP CONSTRAINT
// `up` and `down` are parsed and not used: the data is not transformed.
#include <fmt/format.h>

#include <algorithm>

#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

Status PlanDrop(const DropConstraintOp& op, std::string_view kind, const SourceLocation& where,
                PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kind, "", b.schema(), op.table);
  const ConstraintInfo* constraint = t->FindConstraint(op.name);
  if (constraint == nullptr) {
    return Invalid(where, kind,
                   fmt::format("constraint {} does not exist on table {}", QuoteIdent(op.name),
                               QuoteIdent(op.table)));
  }
  const std::vector<std::string>& covered = constraint->columns;
  for (const auto* exprs : {&op.up, &op.down}) {
    const std::string field = exprs == &op.up ? "up" : "down";
    for (const ColumnExpr& e : *exprs) {
      Result<ExprAnalysis> a = Analyze(e.expr, kind, field);
      if (!a.ok()) return a.status();
      // drop_multicolumn_constraint names each column (drop_constraint's one expression has
      // none): pgroll's ColumnMigrationRedundantError. A snapshot that does not know the
      // constraint's columns refuses nothing.
      if (!e.column.empty() && !covered.empty() &&
          std::find(covered.begin(), covered.end(), e.column) == covered.end()) {
        return Invalid(e.expr.where, kind,
                       fmt::format("{}.{}: column {} is not one of the constraint's ({})", field,
                                   e.column, QuoteIdent(e.column), fmt::join(covered, ", ")));
      }
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
