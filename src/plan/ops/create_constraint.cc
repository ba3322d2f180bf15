// create_constraint, by type:
//   check        expand   ADD CONSTRAINT ... CHECK (...) NOT VALID (new writes are checked)
//                backfill when `up` of a column is not the column itself: apply it, in
//                         batches, to the rows the check rejects (BackfillJob::only_where);
//                         with version schemas such a column goes through a column pair
//                         instead (as unique, below), the check on the new column
//                validate VALIDATE CONSTRAINT
//   foreign_key  expand   ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID
//                validate VALIDATE CONSTRAINT
//   unique       validate CREATE UNIQUE INDEX CONCURRENTLY
//                swap     ADD CONSTRAINT ... UNIQUE USING INDEX
//   primary_key  validate per nullable column: helper CHECK (col IS NOT NULL) NOT VALID,
//                         VALIDATE, SET NOT NULL; CREATE UNIQUE INDEX CONCURRENTLY
//                swap     ADD CONSTRAINT ... PRIMARY KEY USING INDEX
//                contract drop the helper checks
// An `up` that is the column itself needs no data change: pgphase keeps one physical column,
// so `down` (new -> old) has nothing to do.
//
// unique, foreign_key and primary_key with an `up` that is not the column itself (pgroll's
// duplicated columns): each such column changes through alter_column's shadow path
// (alter_column_shadow.cc: `_pgphase_new_<col>` kept = up(row) by the sync trigger,
// backfilled, verified, swapped in under the column's name, the old one kept = down(row)
// from swap until contract drops it), and the constraint is built on the new columns:
//   foreign_key  expand   FOREIGN KEY (new columns) NOT VALID;  validate  VALIDATE
//   unique       validate CREATE UNIQUE INDEX CONCURRENTLY on the new columns (a duplicate
//                         stops it there, exit 1, with the application unaffected)
//                swap     in the table's swap transaction: ADD CONSTRAINT ... USING INDEX
//   primary_key  as unique, with the new columns NOT NULL (the shadow path's validated
//                helper check) and ADD PRIMARY KEY USING INDEX
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "pgphase/ddl_index.h"
#include "plan/check.h"
#include "plan/filled.h"
#include "plan/ops.h"
#include "plan/ops/alter_column.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "create_constraint";

// The column changes through the shadow path: its `up` is not the column itself.
bool Transforms(const CreateConstraintOp& op, const std::string& column) {
  const ColumnExpr* up = ExprFor(op.up, column);
  return up != nullptr && !IsIdentity(*up);
}

// A check's column that `up` transforms gets a column pair with version schemas, so that the
// old version keeps writing values the check rejects while the new one reads `up`'s (pgroll's
// way); without, or on a column created or renamed earlier in the migration, `up` fixes the
// rows the check rejects in backfill (PlanCheckFix). Other types always go through the pair.
bool Shadowed(const CreateConstraintOp& op, const PlanBuilder& b, const TableInfo* before,
              const std::string& column) {
  if (!Transforms(op, column)) return false;
  if (op.constraint.type != "check") return true;
  return b.version_schemas() && before != nullptr && before->FindColumn(column) != nullptr;
}

struct Target {
  TableInfo* table = nullptr;
  ddl::Rel rel;
};

// The constraint's name and columns are free and exist.
Status CheckNames(const CreateConstraintOp& op, const Target& t, const SourceLocation& where,
                  PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  if (t.table->FindConstraint(c.name) != nullptr) {
    return Invalid(where, kKind,
                   fmt::format("constraint {} already exists on table {}", QuoteIdent(c.name),
                               QuoteIdent(op.table)));
  }
  const bool indexed = c.type == "unique" || c.type == "primary_key";
  if (indexed && b.catalog().HasRelation(t.rel.schema, c.name)) {
    return Invalid(where, kKind,
                   fmt::format("a relation named {} already exists (the constraint's index "
                               "takes its name)",
                               QuoteIdent(c.name)));
  }
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(where, kKind, "", *t.table, c.columns));
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(where, kKind, "index_parameters.include_columns",
                                            *t.table, c.include_columns));
  if (c.type == "primary_key" && !t.table->primary_key.empty())
    return Invalid(where, kKind,
                   fmt::format("table {} already has a primary key", QuoteIdent(op.table)));
  return Status::Ok();
}

// The check and the per-column `up` and `down` parse.
Status CheckExpressions(const CreateConstraintOp& op, const Target& t) {
  const ConstraintSpec& c = op.constraint;
  if (c.check) {
    Result<ExprAnalysis> a = Analyze(*c.check, kKind, "check");
    if (!a.ok()) return a.status();
    PGPHASE_RETURN_IF_ERROR(
        CheckExpressionColumns(ColumnNames(*t.table), op.table, *a, *c.check, kKind, "check"));
  }
  for (const ColumnExpr& e : op.up) {
    Result<ExprAnalysis> a = Analyze(e.expr, kKind, "up." + e.column);
    if (!a.ok()) return a.status();
  }
  for (const ColumnExpr& e : op.down) {
    Result<ExprAnalysis> a = Analyze(e.expr, kKind, "down." + e.column);
    if (!a.ok()) return a.status();
    // pgroll's ColumnMigrationMissingError: a `down` is the way back from an `up`.
    if (ExprFor(op.up, e.column) == nullptr) {
      return Invalid(e.expr.where, kKind,
                     fmt::format("down.{0}: column {0} has `down` but no `up`; give both (`up: "
                                 "{{{0}: {0}}}` keeps its values)",
                                 e.column));
    }
  }
  return Status::Ok();
}

// What cannot be made on a column an earlier operation of the migration fills: a check's
// transforming `up` on it or on a check over it (that operation's `up` and backfill write
// the column), a foreign key to it (its unique index is the old column's until swap).
Status CheckFilledColumns(const CreateConstraintOp& op, const Target& t,
                          const SourceLocation& where, const PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  const bool over_filled = AnyFilled(b, *t.table, c.columns);
  for (const ColumnExpr& e : op.up) {
    if (c.type != "check" || IsIdentity(e) ||
        !(over_filled || b.ColumnUntilSwap(*t.table, e.column).filled))
      continue;
    return Invalid(e.expr.where, kKind,
                   fmt::format("up.{}: the check is on a column an earlier operation of this "
                               "migration fills; give the transformation in that operation's "
                               "`up`",
                               e.column));
  }
  const TableInfo* ref = b.catalog().FindTable(t.rel.schema, c.ref_table);
  if (c.type != "foreign_key" || ref == nullptr || !AnyFilled(b, *ref, c.ref_columns))
    return Status::Ok();
  return Invalid(where, kKind,
                 fmt::format("references {}({}), which an earlier operation of this migration "
                             "fills or changes: create the foreign key in a later migration",
                             QuoteIdent(c.ref_table), fmt::join(c.ref_columns, ", ")));
}

Status CheckCreate(const CreateConstraintOp& op, const Target& t, const SourceLocation& where,
                   PlanBuilder& b) {
  PGPHASE_RETURN_IF_ERROR(CheckNames(op, t, where, b));
  PGPHASE_RETURN_IF_ERROR(CheckExpressions(op, t));
  const ConstraintSpec& c = op.constraint;
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(
        CheckReferenceTarget(where, kKind, b.catalog(), t.rel.schema, c.ref_table, c.ref_columns));
  }
  return CheckFilledColumns(op, t, where, b);
}

// Batched like any backfill (throttles, pause, checkpoint); one statement only for a
// partitioned table without a key, which has no ctids of its own.
// The columns and `up` by the columns that hold the values until swap (a column renamed
// earlier in the migration has its new name only from swap).
Status PlanCheckFix(const CreateConstraintOp& op, const Target& t, const std::string& base,
                    const std::string& check, PlanBuilder& b) {
  const TableInfo* before = b.original_catalog().FindTable(t.rel.schema, t.rel.name);
  std::vector<std::pair<std::string, std::string>> sets;
  for (const ColumnExpr& e : op.up) {
    if (IsIdentity(e) || Shadowed(op, b, before, e.column)) continue;
    Result<std::string> up =
        OntoHoldingColumns(b, *t.table, e.expr.text, e.expr.where, kKind, "up." + e.column);
    if (!up.ok()) return up.status();
    sets.emplace_back(b.ColumnUntilSwap(*t.table, e.column).column, EmbedExpression(*up));
  }
  if (sets.empty()) return Status::Ok();
  BackfillJob job = b.NewBackfillJob(*t.table);
  for (const auto& [column, expr] : sets) job.assignments.push_back({column, expr});
  job.only_where = "NOT " + check;
  for (const auto& [column, expr] : sets)
    b.AddPrecheck({t.rel.schema, t.rel.name, job.key, column, expr, false, job.only_where});
  if (job.ByCtid() && b.BeforePlan(*t.table).partitioned) {
    // It takes no lock beyond ROW EXCLUSIVE and touches only the rows the check rejects.
    b.Add(Phase::kBackfill, "backfill." + base + ".fix_rows",
          "apply up to the existing rows the check rejects, in one statement (a partitioned "
          "table without a key cannot be batched)",
          ddl::FixViolatingRows(t.rel, sets, check));
  } else {
    Step step;
    step.id = "backfill." + base + ".fix_rows";
    step.summary = fmt::format("apply up to the existing rows the check rejects, in {} batches",
                               job.ByCtid() ? "ctid-range" : "keyset");
    step.backfill = std::move(job);
    b.AddStep(Phase::kBackfill, std::move(step));
  }
  b.Note(fmt::format(
      "create_constraint {}: `up` is applied once, in backfill, to the existing rows of {} "
      "that violate the check; from expand on, writes that violate it are rejected",
      op.constraint.name, op.table));
  return Status::Ok();
}

// On the columns that hold the values until swap (plan/filled.h): a check on a shadow column
// is carried to the column's name by the swap's renames.
Status PlanCheck(const CreateConstraintOp& op, const Target& t, const std::string& base,
                 PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  Result<std::string> holding =
      OntoHoldingColumns(b, *t.table, c.check->text, c.check->where, kKind, "check");
  if (!holding.ok()) return holding.status();
  const std::string check = EmbedExpression(*holding);
  b.Add(Phase::kExpand, "expand." + base, "check constraint " + c.name + ", not yet validated",
        ddl::AddCheckNotValid(t.rel, c.name, check, c.no_inherit),
        {ddl::DropConstraint(t.rel, c.name)});
  PGPHASE_RETURN_IF_ERROR(PlanCheckFix(op, t, base, check, b));
  b.Add(Phase::kValidate, "validate." + base, "validate check constraint " + c.name,
        ddl::ValidateConstraint(t.rel, c.name));
  return Status::Ok();
}

void PlanForeignKey(const CreateConstraintOp& op, const Target& t, const std::string& base,
                    const std::vector<std::string>& columns, PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  ddl::ForeignKey fk = ForeignKeyOf(c, t.rel.schema);
  fk.columns = columns;
  b.Add(Phase::kExpand, "expand." + base, "foreign key " + c.name + ", not yet validated",
        ddl::AddForeignKeyNotValid(t.rel, fk), {ddl::DropConstraint(t.rel, c.name)});
  b.Add(Phase::kValidate, "validate." + base, "validate foreign key " + c.name,
        ddl::ValidateConstraint(t.rel, c.name));
  if (const TableInfo* ref = b.catalog().FindTable(t.rel.schema, c.ref_table)) b.TouchTable(*ref);
}

// NOT NULL on every nullable key column, the way add_column does it: a helper check
// validated without blocking writes, then SET NOT NULL without a scan.
void PlanKeyNotNull(const CreateConstraintOp& op, const Target& t, const std::string& base,
                    const std::vector<std::string>& columns, PlanBuilder& b) {
  const std::vector<std::string>& named = op.constraint.columns;
  for (size_t i = 0; i < named.size(); ++i) {
    // A new column of the shadow path (its `up` transforms it) gets its NOT NULL there.
    if (Transforms(op, named[i])) continue;
    if (t.table->FindColumn(named[i])->not_null) continue;
    AddNotNullProof(b, *t.table, columns[i], BoundedName({"pgphase_nn", t.rel.name, named[i]}),
                    base + "." + named[i]);
  }
}

Result<ddl::IndexDef> ConstraintIndex(const ConstraintSpec& c,
                                      const std::vector<std::string>& columns) {
  ddl::IndexDef index = ddl::PlainIndex(c.name, columns, /*unique=*/true);
  index.method = "btree";
  index.include = c.include_columns;
  index.nulls_not_distinct = c.nulls_not_distinct;
  if (!c.storage_parameters.empty()) {
    Result<std::string> params = ddl::ParseParameterList(c.storage_parameters);
    if (!params.ok())
      return Invalid(c.where, kKind,
                     "index_parameters.storage_parameters: " + params.status().message());
    index.storage = *params;
  }
  return index;
}

// `columns`: the constraint's columns, a new column of the shadow path in place of each
// column that `up` transforms.
Status PlanIndexed(const CreateConstraintOp& op, const Target& t, const std::string& base,
                   const std::vector<std::string>& columns, PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  const bool pk = c.type == "primary_key";
  Result<ddl::IndexDef> index = ConstraintIndex(c, columns);
  if (!index.ok()) return index.status();
  if (pk) PlanKeyNotNull(op, t, base, columns, b);
  b.AddStep(Phase::kValidate,
            IndexBuildStep("validate." + base + ".index",
                           "build the unique index for " + c.name + " without blocking writes",
                           *t.table, *index));
  Statement attach =
      ddl::AddConstraintUsingIndex(t.rel, c.name, pk, c.name, c.deferrable, c.initially_deferred);
  // Back to validate's state: the index without the constraint. IF NOT EXISTS lets an
  // interrupted reverse run again.
  Statement rebuild = ddl::CreateIndexConcurrently(t.rel, *index, /*if_not_exists=*/true);
  if (columns == c.columns) {
    b.Add(Phase::kSwap, "swap." + base,
          pk ? "make the index the primary key" : "attach the index as a unique constraint",
          std::move(attach), {ddl::DropConstraint(t.rel, c.name), std::move(rebuild)});
  } else {
    // In the transaction that gives the new columns their names, so that the new
    // application finds the constraint from its first write.
    SwapChange swap;
    swap.forward = {std::move(attach)};
    swap.reverse = {ddl::DropConstraint(t.rel, c.name)};
    swap.after_reverse = {std::move(rebuild)};
    b.Swap(*t.table, std::move(swap));
  }
  Result<ddl::IndexDef> final_index = ConstraintIndex(c, c.columns);
  RecordIndex(b, *t.table, *final_index, pk);
  if (pk) {
    t.table->primary_key = c.columns;
    for (auto& col : t.table->columns)
      if (std::find(c.columns.begin(), c.columns.end(), col.name) != c.columns.end())
        col.not_null = true;
  }
  return Status::Ok();
}

// Each column of a unique, foreign key or primary key whose `up` is not the column itself
// changes through alter_column's shadow path; returns the constraint's columns with the new
// column in place of each of those.
Result<std::vector<std::string>> PlanShadows(const CreateConstraintOp& op, const Target& t,
                                             const SourceLocation& where, PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  std::vector<std::string> columns;
  const TableInfo* before = b.original_catalog().FindTable(t.rel.schema, t.rel.name);
  for (const std::string& col : c.columns) {
    if (!Shadowed(op, b, before, col)) {
      columns.push_back(b.ColumnUntilSwap(*t.table, col).column);
      continue;
    }
    if (before == nullptr || before->FindColumn(col) == nullptr) {
      return Invalid(where, kKind,
                     fmt::format("column {} of {} is created or renamed earlier in this "
                                 "migration; transforming it with `up` through a new column is "
                                 "not planned yet",
                                 QuoteIdent(col), QuoteIdent(op.table)));
    }
    AlterColumnOp alter;
    alter.table = op.table;
    alter.column = col;
    alter.up = ExprFor(op.up, col)->expr;
    if (const ColumnExpr* down = ExprFor(op.down, col)) alter.down = down->expr;
    AlterColumnChange change;
    change.kind = kKind;
    change.table = t.table;
    change.before = before;
    change.old = *t.table->FindColumn(col);
    change.new_name = col;
    change.new_type = change.old.type;
    change.new_not_null = change.old.not_null || c.type == "primary_key";
    change.shadow = true;
    // With version schemas the old version writes its column until contract: both ways.
    change.pair = b.version_schemas();
    PGPHASE_RETURN_IF_ERROR(PlanAlterColumnShadow(alter, where, change, b));
    columns.push_back(ShadowColumnName(col));
  }
  return columns;
}

char ConstraintType(const std::string& type) {
  if (type == "check") return 'c';
  if (type == "foreign_key") return 'f';
  if (type == "unique") return 'u';
  return 'p';
}

}  // namespace

Status PlanOperation(const CreateConstraintOp& op, const SourceLocation& where, PlanBuilder& b) {
  TableInfo* table = b.MutableTable(op.table);
  Target t{table, {b.schema(), table != nullptr ? table->name : op.table}};
  if (t.table == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  PGPHASE_RETURN_IF_ERROR(CheckCreate(op, t, where, b));
  const ConstraintSpec& c = op.constraint;
  const std::string base = "create_constraint." + op.table + "." + c.name;
  b.TouchTable(*t.table);
  Result<std::vector<std::string>> columns = PlanShadows(op, t, where, b);
  if (!columns.ok()) return columns.status();
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(PlanCheck(op, t, base, b));
  } else if (c.type == "foreign_key") {
    PlanForeignKey(op, t, base, *columns, b);
  } else {
    PGPHASE_RETURN_IF_ERROR(PlanIndexed(op, t, base, *columns, b));
  }
  // A column's `down` is used when it has a new column (its `up` transforms it).
  const bool unused_down = std::any_of(op.down.begin(), op.down.end(), [&](const ColumnExpr& e) {
    return !IsIdentity(e) && !Transforms(op, e.column) &&
           std::find(c.columns.begin(), c.columns.end(), e.column) != c.columns.end();
  });
  if (unused_down) {
    b.Note(fmt::format(
        "create_constraint {}: `down` is not used: both application versions write the same "
        "columns of {}",
        c.name, op.table));
  }
  RecordConstraint(*t.table, c.name, ConstraintType(c.type), c.columns, c.ref_table);
  return Status::Ok();
}

}  // namespace pgphase
