// drop_column and rename_column (alter_column is in alter_column.cc).
//
// drop_column
//   sync     with `down`: a trigger filling the column on INSERT when a write (by the new
//            app, which omits it) leaves it NULL; reverse drops it
//   contract DROP COLUMN, after the sync triggers that read it are gone
// A NOT NULL column without a default and without `down` is refused: the new app's
// inserts would fail until contract.
//
// rename_column
//   swap     RENAME COLUMN inside the table's swap transaction (the sync trigger, if this
//            migration has one on the table, is re-pointed at the new name in the same
//            transaction); reverse renames back. Until swap only the old name exists:
//            the new application deploys at swap.
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "plan/column_util.h"

namespace pgphase {

using column_plan::Analyze;
using column_plan::FindWorkingTable;
using column_plan::Invalid;

Status PlanDropColumn(const DropColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  static const std::string kKind = "drop_column";
  const std::string& schema = b.spec().settings.schema;
  TableInfo* t = FindWorkingTable(b, op.table);
  if (t == nullptr) return column_plan::MissingTable(where, kKind, schema, op.table);
  const ColumnInfo* c = t->FindColumn(op.column);
  if (c == nullptr) return column_plan::MissingColumn(where, kKind, op.table, op.column);
  if (std::find(t->primary_key.begin(), t->primary_key.end(), op.column) != t->primary_key.end())
    return Invalid(where, kKind,
                   fmt::format("column {} is part of the primary key of {}; it cannot be dropped",
                               QuoteIdent(op.column), QuoteIdent(op.table)));
  const ddl::Rel table{t->schema, t->name};
  b.TouchTable(*t);
  if (op.down) {
    if (c->generated || c->identity) {
      return Invalid(op.down->where, kKind + ".down",
                     fmt::format("column {} is generated or an identity: the database fills it, "
                                 "so `down` cannot",
                                 QuoteIdent(op.column)));
    }
    auto a = Analyze(*op.down, kKind, "down");
    if (!a.ok()) return a.status();
    const auto columns = column_plan::ColumnNames(*t);
    PGPHASE_RETURN_IF_ERROR(column_plan::CheckRefs(columns, op.table, *a, *op.down, kKind, "down"));
    ddl::Fill fill{op.column, EmbedExpression(op.down->text), column_plan::SourcesIn(columns, *a)};
    fill.mode = ddl::Fill::Mode::kInsertOnly;
    b.AddTriggerFill(*t, std::move(fill));
    if (c->default_expr) {
      b.Note(fmt::format(
          "drop_column {}.{}: the column has a default ({}), so an INSERT that omits it gets the "
          "default, not `down` (an omitted value and the default cannot be told apart)",
          op.table, op.column, *c->default_expr));
    }
  } else if (c->not_null && !c->default_expr && !c->generated && !c->identity) {
    return Invalid(where, kKind,
                   fmt::format("column {} is NOT NULL without a default: inserts by the new "
                               "application, which omits it, would fail until contract; give "
                               "`down` (the value to store for them)",
                               QuoteIdent(op.column)));
  }
  Step drop;
  drop.id = fmt::format("contract.{}.{}.drop", t->name, op.column);
  drop.summary = "drop column " + op.column + " of " + t->name;
  drop.statement = Statement{ddl::DropColumn(table, op.column), Lock::kAccessExclusive, true};
  b.AddAfterTableWork(Phase::kContract, std::move(drop));
  b.MarkChanged(t->schema, t->name, op.column);
  t->columns.erase(std::remove_if(t->columns.begin(), t->columns.end(),
                                  [&](const ColumnInfo& col) { return col.name == op.column; }),
                   t->columns.end());
  return Status::Ok();
}

Status PlanRenameColumn(const RenameColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  static const std::string kKind = "rename_column";
  const std::string& schema = b.spec().settings.schema;
  TableInfo* t = FindWorkingTable(b, op.table);
  if (t == nullptr) return column_plan::MissingTable(where, kKind, schema, op.table);
  if (t->FindColumn(op.from) == nullptr)
    return column_plan::MissingColumn(where, kKind, op.table, op.from);
  if (op.from == op.to)
    return Invalid(where, kKind, "from and to are the same name " + QuoteIdent(op.to));
  if (t->FindColumn(op.to) != nullptr || !b.ClaimNewColumn(*t, op.to)) {
    return Invalid(where, kKind,
                   fmt::format("column {} already exists in table {}", QuoteIdent(op.to),
                               QuoteIdent(op.table)));
  }
  b.AddSwapRename(*t, op.from, op.to);
  b.MarkChanged(t->schema, t->name, op.from);
  column_plan::RenameInCatalog(*t, op.from, op.to);
  return Status::Ok();
}

}  // namespace pgphase
