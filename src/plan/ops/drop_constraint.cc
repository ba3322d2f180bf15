// drop_constraint and drop_multicolumn_constraint: the old application may rely on the
// constraint until contract.
//
//   contract  DROP CONSTRAINT
// `up` and `down` are parsed and not used: the data is not transformed.
//
// With version schemas, a check, unique or foreign key goes as pgroll's does when each of its
// columns can have a column pair: each column gets one (alter_column's shadow path, with
// nothing else changed) whose new column goes without the constraint, kept in step by `up`
// and `down` both ways from sync until contract; the new version uses the new columns from
// swap on, the old version keeps the old ones, and the constraint, until contract drops it
// first and then the old columns. Otherwise (a column created or renamed earlier in the
// migration, or one whose other constraints or dependents would stay on the old column) the
// constraint holds both versions until contract, as without version schemas.
#include <fmt/format.h>

#include <algorithm>

#include "plan/check.h"
#include "plan/ops.h"
#include "plan/ops/alter_column.h"

namespace pgphase {
namespace {

// The changes that give each of the constraint's columns a column pair without it, or none
// when one of them cannot have one.
std::vector<AlterColumnChange> PairsWithout(const ConstraintInfo& k, std::string_view kind,
                                            TableInfo& t, const PlanBuilder& b) {
  if (!b.version_schemas() || k.columns.empty() ||
      (k.type != 'c' && k.type != 'u' && k.type != 'f'))
    return {};
  const TableInfo* before = b.original_catalog().FindTable(t.schema, t.name);
  if (before == nullptr || before->FindConstraint(k.name) == nullptr) return {};
  std::vector<AlterColumnChange> changes;
  for (const std::string& col : k.columns) {
    const ColumnInfo* now = t.FindColumn(col);
    if (now == nullptr || b.ColumnUntilSwap(t, col).column != col) return {};
    AlterColumnChange c;
    c.kind = kind;
    c.table = &t;
    c.before = before;
    c.old = *now;
    c.new_name = col;
    c.new_type = now->type;
    c.new_not_null = now->not_null;
    c.shadow = c.pair = true;
    c.dropped = {k.name};
    if (!WhyNoColumnPair(c, col).empty()) return {};
    changes.push_back(std::move(c));
  }
  return changes;
}

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
  std::vector<AlterColumnChange> pairs = PairsWithout(*constraint, kind, *t, b);
  if (pairs.empty() && (!op.up.empty() || !op.down.empty())) {
    b.Note(fmt::format(
        "{} {}: `up` and `down` are not used: the data is not transformed, and the constraint "
        "stays in force until contract",
        kind, op.name));
  }
  b.TouchTable(*t);
  if (pairs.empty()) {
    b.Add(Phase::kContract, fmt::format("contract.{}.{}.{}", kind, op.table, op.name),
          "drop constraint " + op.name + " of " + op.table,
          ddl::DropConstraintStrict({t->schema, t->name}, op.name));
    return Status::Ok();
  }
  // Before the pairs' own contract steps drop the old columns (which would take the
  // constraint along).
  b.Add(Phase::kContract, fmt::format("contract.{}.{}.{}", kind, op.table, op.name),
        "drop constraint " + op.name + " of " + op.table + " (the old version's)",
        ddl::DropConstraint({t->schema, t->name}, op.name));
  for (AlterColumnChange& c : pairs) {
    AlterColumnOp alter;
    alter.table = op.table;
    alter.column = c.old.name;
    if (const ColumnExpr* up = ExprFor(op.up, c.old.name)) alter.up = up->expr;
    if (const ColumnExpr* down = ExprFor(op.down, c.old.name)) alter.down = down->expr;
    PGPHASE_RETURN_IF_ERROR(PlanAlterColumnShadow(alter, where, c, b));
  }
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
