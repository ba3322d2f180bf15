// create_constraint, drop_constraint / drop_multicolumn_constraint, rename_constraint.
//
// create_constraint, by type:
//   check        expand   ADD CONSTRAINT ... CHECK (...) NOT VALID (new writes are checked)
//                backfill when `up` of a column is not the column itself: UPDATE the rows
//                         the check rejects, SET col = up ... WHERE NOT (check)
//                validate VALIDATE CONSTRAINT
//   foreign_key  expand   ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID
//                validate VALIDATE CONSTRAINT
//   unique       validate CREATE UNIQUE INDEX CONCURRENTLY
//                swap     ADD CONSTRAINT ... UNIQUE USING INDEX
//   primary_key  validate per nullable column: helper CHECK (col IS NOT NULL) NOT VALID,
//                         VALIDATE, SET NOT NULL; CREATE UNIQUE INDEX CONCURRENTLY
//                swap     ADD CONSTRAINT ... PRIMARY KEY USING INDEX
//                contract drop the helper checks
// pgphase keeps one physical column, so `down` (new -> old) has nothing to do, and an `up`
// that is the column itself needs no data change.
//
// drop_constraint: the old app may rely on the constraint until contract, which drops it.
// rename_constraint: expand renames (metadata only), reverse renames back.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "pgphase/ddl_index.h"
#include "pgphase/sql.h"
#include "plan/builder.h"
#include "plan/index_util.h"

namespace pgphase {
namespace {

Status Invalid(const SourceLocation& where, const std::string& op, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), op, what));
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// `up: col` or `up: "col"` for column col: the value stays as it is.
bool IsIdentity(const ColumnExpr& e) {
  const std::string t = Trim(e.expr.text);
  return t == e.column || t == QuoteIdent(e.column);
}

bool SameColumns(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

struct Target {
  TableInfo* table = nullptr;
  ddl::Rel rel;
};

Result<Target> FindTable(PlanBuilder& b, const std::string& name, const SourceLocation& where,
                         const std::string& op) {
  const std::string& schema = b.spec().settings.schema;
  Target t;
  t.table = FindWorkingTable(b, schema, name);
  if (t.table == nullptr)
    return Invalid(where, op, fmt::format("table {} does not exist", QuoteQualified(schema, name)));
  t.rel = {schema, name};
  return t;
}

// Everything create_constraint needs to hold before any step is planned.
Status CheckCreate(const CreateConstraintOp& op, const Target& t, const SourceLocation& where,
                   PlanBuilder& b) {
  const std::string kOp = "create_constraint";
  const ConstraintSpec& c = op.constraint;
  if (t.table->FindConstraint(c.name) != nullptr) {
    return Invalid(where, kOp,
                   fmt::format("constraint {} already exists on table {}", QuoteIdent(c.name),
                               QuoteIdent(op.table)));
  }
  const bool indexed = c.type == "unique" || c.type == "primary_key";
  if (indexed && b.catalog().HasRelation(t.rel.schema, c.name)) {
    return Invalid(where, kOp,
                   fmt::format("a relation named {} already exists (the constraint's index "
                               "takes its name)",
                               QuoteIdent(c.name)));
  }
  for (const auto& col : c.columns) {
    if (t.table->FindColumn(col) == nullptr)
      return Invalid(where, kOp,
                     fmt::format("column {} does not exist in table {}", QuoteIdent(col),
                                 QuoteIdent(op.table)));
  }
  for (const auto& col : c.include_columns) {
    if (t.table->FindColumn(col) == nullptr)
      return Invalid(where, kOp,
                     fmt::format("index_parameters.include_columns: column {} does "
                                 "not exist in table {}",
                                 QuoteIdent(col), QuoteIdent(op.table)));
  }
  if (c.type == "primary_key" && !t.table->primary_key.empty()) {
    return Invalid(where, kOp,
                   fmt::format("table {} already has a primary key", QuoteIdent(op.table)));
  }
  if (c.check) {
    Result<ExprAnalysis> a = AnalyzeExpression(c.check->text);
    if (!a.ok()) {
      return Status::Invalid(fmt::format("{}: create_constraint.check: {}",
                                         c.check->where.ToString(), a.status().message()));
    }
    for (const auto& ref : a->column_refs) {
      if (!a->has_subquery && t.table->FindColumn(ref) == nullptr) {
        return Status::Invalid(
            fmt::format("{}: create_constraint.check: column {} does not exist in table {}",
                        c.check->where.ToString(), QuoteIdent(ref), QuoteIdent(op.table)));
      }
    }
  }
  if (c.type == "foreign_key") {
    const TableInfo* ref = b.catalog().FindTable(t.rel.schema, c.ref_table);
    if (ref == nullptr) {
      return Invalid(where, kOp,
                     fmt::format("references: table {} does not exist",
                                 QuoteQualified(t.rel.schema, c.ref_table)));
    }
    for (const auto& col : c.ref_columns) {
      if (ref->FindColumn(col) == nullptr)
        return Invalid(where, kOp,
                       fmt::format("references: column {} does not exist in table {}",
                                   QuoteIdent(col), QuoteIdent(c.ref_table)));
    }
    const bool keyed =
        SameColumns(ref->primary_key, c.ref_columns) ||
        std::any_of(ref->indexes.begin(), ref->indexes.end(), [&](const IndexInfo& i) {
          return i.unique && !i.partial && SameColumns(i.columns, c.ref_columns);
        });
    if (!keyed) {
      return Invalid(where, kOp,
                     fmt::format("references: table {} has no primary key or unique index on "
                                 "exactly the referenced columns",
                                 QuoteIdent(c.ref_table)));
    }
  }
  for (const ColumnExpr& e : op.up) {
    Result<ExprAnalysis> a = AnalyzeExpression(e.expr.text);
    if (!a.ok()) {
      return Status::Invalid(fmt::format("{}: create_constraint.up.{}: {}", e.expr.where.ToString(),
                                         e.column, a.status().message()));
    }
    if (!IsIdentity(e) && c.type != "check") {
      return Invalid(e.expr.where, "create_constraint.up." + e.column,
                     "only a check constraint can transform existing rows with `up`; for a " +
                         c.type + " constraint `up` must be the column itself");
    }
  }
  for (const ColumnExpr& e : op.down) {
    Result<ExprAnalysis> a = AnalyzeExpression(e.expr.text);
    if (!a.ok()) {
      return Status::Invalid(fmt::format("{}: create_constraint.down.{}: {}",
                                         e.expr.where.ToString(), e.column, a.status().message()));
    }
  }
  return Status::Ok();
}

ddl::IndexDef ConstraintIndex(const ConstraintSpec& c) {
  ddl::IndexDef index;
  index.name = c.name;
  index.unique = true;
  for (const auto& col : c.columns) index.columns.push_back({col, "", "", "", "", ""});
  index.include = c.include_columns;
  index.nulls_not_distinct = c.nulls_not_distinct;
  return index;
}

void PlanCheck(const CreateConstraintOp& op, const Target& t, const std::string& base,
               PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  const std::string check = EmbedExpression(c.check->text);
  b.Add(Phase::kExpand, "expand." + base, "check constraint " + c.name + ", not yet validated",
        {ddl::AddTableCheckNotValid(t.rel, c.name, check, c.no_inherit), Lock::kAccessExclusive,
         true},
        {{ddl::DropConstraint(t.rel, c.name), Lock::kAccessExclusive, true}});
  std::vector<std::pair<std::string, std::string>> sets;
  for (const ColumnExpr& e : op.up)
    if (!IsIdentity(e)) sets.emplace_back(e.column, EmbedExpression(e.expr.text));
  if (!sets.empty()) {
    // Batched like any backfill (throttles, pause, checkpoint).
    BackfillJob job = b.NewBackfillJob(*t.table);
    for (const auto& [column, expr] : sets) job.assignments.push_back({column, expr});
    job.only_where = "NOT " + check;
    if (job.ByCtid() && b.BeforePlan(*t.table).partitioned) {
      // No key and no ctids of its own: one statement (it takes no lock beyond ROW
      // EXCLUSIVE and touches only the rows the check rejects).
      b.Add(Phase::kBackfill, "backfill." + base + ".fix_rows",
            "apply up to the existing rows the check rejects, in one statement (a partitioned "
            "table without a key cannot be batched)",
            {ddl::FixViolatingRows(t.rel, sets, check), Lock::kRowExclusive, true});
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
        c.name, op.table));
  }
  b.Add(Phase::kValidate, "validate." + base, "validate check constraint " + c.name,
        {ddl::ValidateConstraint(t.rel, c.name), Lock::kShareUpdateExclusive, true});
}

void PlanForeignKey(const CreateConstraintOp& op, const Target& t, const std::string& base,
                    PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  ddl::ForeignKey fk{c.name,        c.columns,    {t.rel.schema, c.ref_table},
                     c.ref_columns, c.match_type, c.on_delete,
                     c.on_update,   c.deferrable, c.initially_deferred};
  b.Add(Phase::kExpand, "expand." + base, "foreign key " + c.name + ", not yet validated",
        {ddl::AddMultiColumnForeignKeyNotValid(t.rel, fk), Lock::kShareRowExclusive, true},
        {{ddl::DropConstraint(t.rel, c.name), Lock::kAccessExclusive, true}});
  b.Add(Phase::kValidate, "validate." + base, "validate foreign key " + c.name,
        {ddl::ValidateConstraint(t.rel, c.name), Lock::kShareUpdateExclusive, true});
  if (const TableInfo* ref = b.catalog().FindTable(t.rel.schema, c.ref_table)) b.TouchTable(*ref);
}

// NOT NULL on every nullable key column, the way add_column does it: a helper check
// validated without blocking writes, then SET NOT NULL without a scan.
void PlanKeyNotNull(const CreateConstraintOp& op, const Target& t, const std::string& base,
                    PlanBuilder& b) {
  for (const auto& col : op.constraint.columns) {
    if (t.table->FindColumn(col)->not_null) continue;
    const std::string helper = BoundedName({"pgphase_nn", t.rel.name, col});
    const std::string id = base + "." + col;
    b.Add(Phase::kValidate, "validate." + id + ".not_null_check",
          "enforce NOT NULL on new writes to " + col + " (not yet validated)",
          {ddl::AddCheckNotValid(t.rel, helper, QuoteIdent(col) + " IS NOT NULL"),
           Lock::kAccessExclusive, true},
          {{ddl::DropConstraint(t.rel, helper), Lock::kAccessExclusive, true}});
    b.Add(Phase::kValidate, "validate." + id + ".validate_not_null",
          "prove no row is NULL, without blocking writes",
          {ddl::ValidateConstraint(t.rel, helper), Lock::kShareUpdateExclusive, true});
    b.Add(Phase::kValidate, "validate." + id + ".set_not_null",
          "SET NOT NULL (no scan: the validated check proves it)",
          {ddl::SetNotNull(t.rel, col), Lock::kAccessExclusive, true},
          {{ddl::DropNotNull(t.rel, col), Lock::kAccessExclusive, true}});
    b.Add(Phase::kContract, "contract." + id + ".not_null_check",
          "drop the helper check (NOT NULL is now set on the column)",
          {ddl::DropConstraint(t.rel, helper), Lock::kAccessExclusive, true});
  }
}

Status PlanIndexed(const CreateConstraintOp& op, const Target& t, const std::string& base,
                   PlanBuilder& b) {
  const ConstraintSpec& c = op.constraint;
  const bool pk = c.type == "primary_key";
  ddl::IndexDef index = ConstraintIndex(c);
  if (!c.storage_parameters.empty()) {
    Result<std::string> params = ddl::ParseParameterList(c.storage_parameters);
    if (!params.ok()) {
      return Invalid(c.where, "create_constraint",
                     "index_parameters.storage_parameters: " + params.status().message());
    }
    index.storage = *params;
  }
  if (pk) PlanKeyNotNull(op, t, base, b);
  b.AddStep(Phase::kValidate,
            BuildIndexStep(Phase::kValidate, base + ".index",
                           "build the unique index for " + c.name + " without blocking writes",
                           *t.table, index));
  b.Add(Phase::kSwap, "swap." + base,
        pk ? "make the index the primary key" : "attach the index as a unique constraint",
        {ddl::AddConstraintUsingIndexDeferrable(t.rel, c.name, pk, c.name, c.deferrable,
                                                c.initially_deferred),
         Lock::kAccessExclusive, true},
        // Back to validate's state: the index without the constraint. IF NOT EXISTS lets an
        // interrupted reverse run again.
        {{ddl::DropConstraint(t.rel, c.name), Lock::kAccessExclusive, true},
         {ddl::CreateIndexConcurrently(t.rel, index, true), Lock::kShareUpdateExclusive, false}});
  RecordIndex(b, *t.table, index, pk);
  if (pk) {
    t.table->primary_key = c.columns;
    for (auto& col : t.table->columns)
      if (std::find(c.columns.begin(), c.columns.end(), col.name) != c.columns.end())
        col.not_null = true;
  }
  return Status::Ok();
}

}  // namespace

Status PlanCreateConstraint(const CreateConstraintOp& op, const SourceLocation& where,
                            PlanBuilder& b) {
  Result<Target> t = FindTable(b, op.table, where, "create_constraint");
  if (!t.ok()) return t.status();
  PGPHASE_RETURN_IF_ERROR(CheckCreate(op, *t, where, b));
  const ConstraintSpec& c = op.constraint;
  const std::string base = "create_constraint." + op.table + "." + c.name;
  b.TouchTable(*t->table);
  if (c.type == "check") {
    PlanCheck(op, *t, base, b);
  } else if (c.type == "foreign_key") {
    PlanForeignKey(op, *t, base, b);
  } else {
    PGPHASE_RETURN_IF_ERROR(PlanIndexed(op, *t, base, b));
  }
  if (std::any_of(op.down.begin(), op.down.end(), [](const auto& e) { return !IsIdentity(e); })) {
    b.Note(
        fmt::format("create_constraint {}: `down` is not used: both application versions "
                    "write the same columns of {}",
                    c.name, op.table));
  }
  ConstraintInfo info;
  info.name = c.name;
  info.type = c.type == "check"         ? 'c'
              : c.type == "foreign_key" ? 'f'
              : c.type == "unique"      ? 'u'
                                        : 'p';
  t->table->constraints.push_back(std::move(info));
  return Status::Ok();
}

Status PlanDropConstraint(const DropConstraintOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string kOp = op.multicolumn ? "drop_multicolumn_constraint" : "drop_constraint";
  Result<Target> t = FindTable(b, op.table, where, kOp);
  if (!t.ok()) return t.status();
  if (t->table->FindConstraint(op.name) == nullptr) {
    return Invalid(where, kOp,
                   fmt::format("constraint {} does not exist on table {}", QuoteIdent(op.name),
                               QuoteIdent(op.table)));
  }
  for (const auto* exprs : {&op.up, &op.down}) {
    for (const ColumnExpr& e : *exprs) {
      Result<ExprAnalysis> a = AnalyzeExpression(e.expr.text);
      if (!a.ok()) {
        return Status::Invalid(fmt::format("{}: {}.{}: {}", e.expr.where.ToString(), kOp,
                                           exprs == &op.up ? "up" : "down", a.status().message()));
      }
    }
  }
  if (!op.up.empty() || !op.down.empty()) {
    b.Note(
        fmt::format("{} {}: `up` and `down` are not used: the data is not transformed, and "
                    "the constraint stays in force until contract",
                    kOp, op.name));
  }
  b.TouchTable(*t->table);
  b.Add(Phase::kContract, "contract." + kOp + "." + op.table + "." + op.name,
        "drop constraint " + op.name + " of " + op.table,
        {ddl::DropConstraintStrict(t->rel, op.name), Lock::kAccessExclusive, true});
  return Status::Ok();
}

Status PlanRenameConstraint(const RenameConstraintOp& op, const SourceLocation& where,
                            PlanBuilder& b) {
  const std::string kOp = "rename_constraint";
  Result<Target> t = FindTable(b, op.table, where, kOp);
  if (!t.ok()) return t.status();
  const ConstraintInfo* from = t->table->FindConstraint(op.from);
  if (from == nullptr) {
    return Invalid(where, kOp,
                   fmt::format("constraint {} does not exist on table {}", QuoteIdent(op.from),
                               QuoteIdent(op.table)));
  }
  if (t->table->FindConstraint(op.to) != nullptr) {
    return Invalid(where, kOp,
                   fmt::format("constraint {} already exists on table {}", QuoteIdent(op.to),
                               QuoteIdent(op.table)));
  }
  // A unique, primary key or exclusion constraint renames its index along with it.
  const bool indexed = from->type == 'u' || from->type == 'p' || from->type == 'x';
  // One this migration creates is attached only at swap, after expand's rename would run.
  const TableInfo* before = b.original_catalog().FindTable(t->rel.schema, op.table);
  if (indexed && (before == nullptr || before->FindConstraint(op.from) == nullptr)) {
    return Invalid(where, kOp,
                   fmt::format("constraint {} is created by this migration and attached only at "
                               "swap; give it the name {} where it is created",
                               QuoteIdent(op.from), QuoteIdent(op.to)));
  }
  if (indexed && b.catalog().HasRelation(t->rel.schema, op.to)) {
    return Invalid(where, kOp,
                   fmt::format("a relation named {} already exists (the constraint's index "
                               "would take the name)",
                               QuoteIdent(op.to)));
  }
  b.TouchTable(*t->table);
  b.Add(Phase::kExpand, "expand.rename_constraint." + op.table + "." + op.from,
        "rename constraint " + op.from + " to " + op.to + " (metadata only)",
        {ddl::RenameConstraint(t->rel, op.from, op.to), Lock::kAccessExclusive, true},
        {{ddl::RenameConstraint(t->rel, op.to, op.from), Lock::kAccessExclusive, true}});
  for (auto& c : t->table->constraints)
    if (c.name == op.from) c.name = op.to;
  if (indexed) {
    for (auto& i : t->table->indexes)
      if (i.name == op.from) i.name = op.to;
    for (auto& r : b.working_catalog().relation_names)
      if (r == t->rel.schema + "." + op.from) r = t->rel.schema + "." + op.to;
  }
  return Status::Ok();
}

}  // namespace pgphase
