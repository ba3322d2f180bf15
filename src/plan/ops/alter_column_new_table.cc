// alter_column on a table that an earlier create_table of the same migration creates: nobody
// uses the table yet and it has no rows to convert, so every change is made directly, in
// expand, after the CREATE TABLE (no shadow column, trigger or backfill).
//
//   expand    ALTER COLUMN TYPE (USING a cast), SET / DROP NOT NULL, SET / DROP DEFAULT,
//             the unique index and its constraint, CHECK and FOREIGN KEY (added, then
//             validated), COMMENT, then RENAME COLUMN
// The steps have no reverse of their own (but the unique constraint's, which its index's
// needs): reversing expand drops the table.
#include <fmt/format.h>

#include "pgphase/ddl_column.h"
#include "pgphase/ddl_index.h"
#include "plan/check.h"
#include "plan/ops/alter_column.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

// The column's own changes, one ALTER TABLE each.
std::vector<Statement> ColumnChanges(const AlterColumnOp& op, const AlterColumnChange& c,
                                     const ddl::Rel& table) {
  std::vector<Statement> out;
  if (c.type_changed) {
    out.push_back(
        ddl::SetColumnTypeUsing(table, op.column, c.new_type,
                                fmt::format("CAST({} AS {})", QuoteIdent(op.column), c.new_type)));
  }
  if (c.new_not_null && !c.old.not_null) out.push_back(ddl::SetNotNull(table, op.column, false));
  if (!c.new_not_null && c.old.not_null) out.push_back(ddl::DropNotNull(table, op.column));
  if (op.set_default) {
    out.push_back(op.default_value
                      ? ddl::SetDefault(table, op.column, EmbedExpression(op.default_value->text))
                      : ddl::DropDefault(table, op.column));
  }
  return out;
}

// The constraints the change adds, each validated at once (the table is empty).
void Constraints(const AlterColumnOp& op, const TableInfo& t, const std::string& base,
                 PlanBuilder& b) {
  const ddl::Rel table{t.schema, t.name};
  if (op.unique_name) {
    const ddl::IndexDef index = ddl::PlainIndex(*op.unique_name, {op.column}, /*unique=*/true);
    b.AddStep(Phase::kExpand, IndexBuildStep(base + ".unique_index", "the unique index", t, index));
    b.Add(Phase::kExpand, base + ".unique", "attach the index as a unique constraint",
          ddl::AddConstraintUsingIndex(table, *op.unique_name, false, *op.unique_name),
          // Before the index's own reverse, which cannot drop an index a constraint owns.
          {ddl::DropConstraint(table, *op.unique_name)});
  }
  if (op.check) {
    b.Add(Phase::kExpand, base + ".check", "the check constraint",
          ddl::AddCheckNotValid(table, op.check->name, EmbedExpression(op.check->constraint.text),
                                op.check->no_inherit));
    b.Add(Phase::kExpand, base + ".check.validate", "validate the check constraint",
          ddl::ValidateConstraint(table, op.check->name));
  }
  if (op.references) {
    b.Add(Phase::kExpand, base + ".foreign_key", "the foreign key",
          ddl::AddForeignKeyNotValid(table, ForeignKeyOf(*op.references, op.column, t.schema)));
    b.Add(Phase::kExpand, base + ".foreign_key.validate", "validate the foreign key",
          ddl::ValidateConstraint(table, op.references->name));
  }
}

// Later operations see the constraints (alter_column's Record does the column itself).
void RecordConstraints(const AlterColumnOp& op, const AlterColumnChange& c, PlanBuilder& b) {
  TableInfo& t = *c.table;
  if (op.unique_name) {
    RecordIndex(b, t, ddl::PlainIndex(*op.unique_name, {op.column}, true), false);
    RecordConstraint(t, *op.unique_name, 'u', {op.column});
  }
  if (op.check) RecordConstraint(t, op.check->name, 'c', {op.column});
  if (op.references)
    RecordConstraint(t, op.references->name, 'f', {op.column}, op.references->table);
}

}  // namespace

Status PlanAlterColumnOnNewTable(const AlterColumnOp& op, const AlterColumnChange& c,
                                 PlanBuilder& b) {
  const TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string base = fmt::format("expand.{}.{}", t.name, op.column);
  int n = 0;
  for (Statement& s : ColumnChanges(op, c, table)) {
    b.Add(Phase::kExpand, fmt::format("{}.change{}", base, ++n),
          "change the column (the table is new: no rows to convert)", std::move(s));
  }
  Constraints(op, t, base, b);
  if (op.set_comment) {
    b.Add(Phase::kExpand, base + ".comment", "set the column comment",
          ddl::CommentOnColumn(table, op.column, op.comment));
  }
  if (c.new_name != op.column) {
    b.Add(Phase::kExpand, base + ".rename", "rename the column to " + c.new_name,
          ddl::RenameColumn(table, op.column, c.new_name));
  }
  if (op.up || op.down) {
    b.Note(
        fmt::format("alter_column {}.{}: `up` and `down` are not used: table {} is created by this "
                    "migration, so the column is changed directly in expand, before anyone uses it",
                    t.name, op.column, t.name));
  }
  RecordConstraints(op, c, b);
  b.TouchTable(t);
  return Status::Ok();
}

}  // namespace pgphase
