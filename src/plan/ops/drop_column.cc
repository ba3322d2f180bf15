// drop_column: the old application uses the column until contract.
//
//   sync      with `down`: the trigger fills the column on INSERT when a write (by the new
//             app, which omits it) leaves it NULL; reverse drops it
//   contract  DROP COLUMN, after the sync triggers that read it are gone
// A NOT NULL column without a default and without `down` is refused: the new app's inserts
// would fail until contract. So is a column a view, rule, policy, trigger, another table's
// foreign key or another column depends on (the catalog snapshot's dependents): DROP COLUMN
// would fail at contract.
#include <fmt/format.h>

#include <algorithm>

#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "drop_column";

// The INSERT-only fill that gives the new application's inserts a value for the column.
Status SyncDown(const DropColumnOp& op, const ColumnInfo& c, TableInfo& t, PlanBuilder& b) {
  if (c.generated || c.identity) {
    return Invalid(op.down->where, "drop_column.down",
                   fmt::format("column {} is generated or an identity: the database fills it, "
                               "so `down` cannot",
                               QuoteIdent(op.column)));
  }
  auto a = Analyze(*op.down, kKind, "down");
  if (!a.ok()) return a.status();
  const auto columns = ColumnNames(t);
  PGPHASE_RETURN_IF_ERROR(CheckExpressionColumns(columns, op.table, *a, *op.down, kKind, "down"));
  ddl::Fill fill{op.column, EmbedExpression(op.down->text), SourcesIn(columns, *a)};
  fill.mode = ddl::Fill::Mode::kInsertOnly;
  fill.guard = MayRaise(op.down->text, ColumnTypesOf(t), c.type);
  ColumnSync sync;
  sync.fill = std::move(fill);
  sync.backfill = false;
  b.Sync(t, std::move(sync));
  if (c.default_expr) {
    b.Note(fmt::format(
        "drop_column {}.{}: the column has a default ({}), so an INSERT that omits it gets the "
        "default, not `down` (an omitted value and the default cannot be told apart)",
        op.table, op.column, *c.default_expr));
  }
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const DropColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  const ColumnInfo* c = t->FindColumn(op.column);
  if (c == nullptr) return MissingColumn(where, kKind, "", op.table, op.column);
  if (std::find(t->primary_key.begin(), t->primary_key.end(), op.column) != t->primary_key.end())
    return Invalid(where, kKind,
                   fmt::format("column {} is part of the primary key of {}; it cannot be dropped",
                               QuoteIdent(op.column), QuoteIdent(op.table)));
  if (std::string deps = DependentsOfKind(*c, kBlockDropColumn); !deps.empty()) {
    return Invalid(
        where, kKind,
        fmt::format("{} depend{} on column {}, so DROP COLUMN at contract would fail: "
                    "drop or change {} first",
                    deps, deps.find(", ") == std::string::npos ? "s" : "", QuoteIdent(op.column),
                    deps.find(", ") == std::string::npos ? "it" : "them"));
  }
  b.TouchTable(*t);
  if (op.down) {
    PGPHASE_RETURN_IF_ERROR(SyncDown(op, *c, *t, b));
  } else if (c->not_null && !c->default_expr && !c->generated && !c->identity) {
    return Invalid(where, kKind,
                   fmt::format("column {} is NOT NULL without a default: inserts by the new "
                               "application, which omits it, would fail until contract; give "
                               "`down` (the value to store for them)",
                               QuoteIdent(op.column)));
  }
  if (op.down && c->not_null) AddNullableAtContract(b, *t, op.column, t->name + "." + op.column);
  Step drop;
  drop.id = fmt::format("contract.{}.{}.drop", t->name, op.column);
  drop.summary = "drop column " + op.column + " of " + t->name;
  drop.statement = ddl::DropColumn({t->schema, t->name}, op.column);
  b.AddAfterTableWork(Phase::kContract, std::move(drop));
  b.MarkChanged(t->schema, t->name, op.column);
  b.HideInVersion(t->name, op.column);
  t->columns.erase(std::remove_if(t->columns.begin(), t->columns.end(),
                                  [&](const ColumnInfo& col) { return col.name == op.column; }),
                   t->columns.end());
  return Status::Ok();
}

}  // namespace pgphase
