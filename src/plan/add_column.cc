// add_column: a new column, filled for existing rows and for writes by the old app.
//
//   expand   ADD COLUMN (nullable, no volatile default; a constant default and NOT NULL
//            inline when there is nothing to backfill), SET DEFAULT, CHECK / FK NOT VALID,
//            COMMENT
//   sync     trigger filling the column from `up`; then the NOT NULL helper CHECK NOT VALID
//   backfill existing rows from `up` (or a non-constant default)
//   validate VALIDATE the checks and FK, SET NOT NULL, CREATE UNIQUE INDEX CONCURRENTLY
//   swap     ADD CONSTRAINT ... USING INDEX (unique or primary key)
//   contract drop trigger, function, helper check (per table, in PlanBuilder)
#include <fmt/format.h>

#include "pgphase/sql.h"
#include "plan/builder.h"

namespace pgphase {
namespace {

Status Invalid(const SourceLocation& where, const std::string& what) {
  return Status::Invalid(fmt::format("{}: add_column: {}", where.ToString(), what));
}

Result<ExprAnalysis> Analyze(const SqlExpr& e, const std::string& field) {
  Result<ExprAnalysis> a = AnalyzeExpression(e.text);
  if (!a.ok()) {
    return Status::Invalid(
        fmt::format("{}: add_column.{}: {}", e.where.ToString(), field, a.status().message()));
  }
  return a;
}

// Columns of `table` that `analysis` reads (references to other tables' columns in a
// sub-select are dropped when the table has no such column).
std::vector<std::string> SourcesIn(const TableInfo& table, const ExprAnalysis& analysis) {
  std::vector<std::string> out;
  for (const auto& c : analysis.column_refs)
    if (table.FindColumn(c) != nullptr) out.push_back(c);
  return out;
}

// Outside a sub-select, every column an expression names must be a column of the table
// (inside one it may belong to another table, which only the database can tell).
Status CheckColumnRefs(const TableInfo& table, const ExprAnalysis& a, const SqlExpr& e,
                       const std::string& field) {
  if (a.has_subquery) return Status::Ok();
  for (const auto& c : a.column_refs) {
    if (table.FindColumn(c) == nullptr) {
      return Status::Invalid(fmt::format("{}: add_column.{}: column {} does not exist in table {}",
                                         e.where.ToString(), field, QuoteIdent(c),
                                         QuoteIdent(table.name)));
    }
  }
  return Status::Ok();
}

struct Checked {
  const TableInfo* table = nullptr;
  const TableInfo* ref_table = nullptr;
  std::optional<ExprAnalysis> up, def;
};

Result<Checked> Check(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  const std::string& schema = b.spec().settings.schema;
  Checked c;
  c.table = b.catalog().FindTable(schema, op.table);
  if (c.table == nullptr)
    return Invalid(where, fmt::format("table {} does not exist", QuoteQualified(schema, op.table)));
  if (c.table->FindColumn(col.name) != nullptr || !b.ClaimNewColumn(*c.table, col.name)) {
    return Invalid(col.where, fmt::format("column {} already exists in table {}",
                                          QuoteIdent(col.name), QuoteIdent(op.table)));
  }
  if (Status st = CheckTypeName(col.type); !st.ok())
    return Invalid(col.where, "column.type: " + st.message());
  if (op.up) {
    auto a = Analyze(*op.up, "up");
    if (!a.ok()) return a.status();
    PGPHASE_RETURN_IF_ERROR(CheckColumnRefs(*c.table, *a, *op.up, "up"));
    c.up = *a;
  }
  if (col.default_value) {
    auto a = Analyze(*col.default_value, "column.default");
    if (!a.ok()) return a.status();
    if (!a->column_refs.empty())
      return Invalid(col.default_value->where, "column.default: a default cannot refer to columns");
    c.def = *a;
  }
  if (col.check) {
    auto a = Analyze(col.check->constraint, "column.check.constraint");
    if (!a.ok()) return a.status();
    if (c.table->FindConstraint(col.check->name) != nullptr)
      return Invalid(col.where, "constraint " + QuoteIdent(col.check->name) + " already exists");
  }
  const bool not_null = !col.nullable || col.pk;
  if (not_null && !op.up && !col.default_value) {
    return Invalid(col.where,
                   fmt::format("column {} is NOT NULL but has neither `up` nor `default`: "
                               "existing rows would have no value (set nullable: true, or give "
                               "up or default)",
                               QuoteIdent(col.name)));
  }
  if (col.unique_name && (c.table->FindConstraint(*col.unique_name) != nullptr ||
                          b.catalog().HasRelation(schema, *col.unique_name)))
    return Invalid(col.where, "unique: " + QuoteIdent(*col.unique_name) + " already exists");
  if (col.pk && !c.table->primary_key.empty())
    return Invalid(col.where, "table " + QuoteIdent(op.table) + " already has a primary key");
  if (col.references) {
    const auto& r = *col.references;
    c.ref_table = b.catalog().FindTable(schema, r.table);
    if (c.ref_table == nullptr)
      return Invalid(col.where,
                     "column.references: table " + QuoteIdent(r.table) + " does not exist");
    if (c.ref_table->FindColumn(r.column) == nullptr)
      return Invalid(col.where, "column.references: column " + QuoteIdent(r.column) +
                                    " does not exist in table " + QuoteIdent(r.table));
    if (c.table->FindConstraint(r.name) != nullptr)
      return Invalid(col.where, "constraint " + QuoteIdent(r.name) + " already exists");
  }
  return c;
}

// The index (and constraint) a unique or primary key column gets.
std::string UniqueIndexName(const std::string& table, const ColumnSpec& col) {
  if (col.pk) return BoundedName({table, "pkey"});
  return col.unique_name.value_or(BoundedName({table, col.name, "key"}));
}

void PlanUniqueOrPk(const AddColumnOp& op, const TableInfo& t, PlanBuilder& b,
                    const std::string& base) {
  const ColumnSpec& col = op.column;
  const ddl::Rel table{t.schema, t.name};
  const std::string index = UniqueIndexName(t.name, col);
  const ddl::Rel index_rel{t.schema, index};
  const std::string create = ddl::CreateUniqueIndexConcurrently(table, index, {col.name});
  Step build;
  build.id = "validate." + base + ".unique_index";
  build.summary = "build the unique index without blocking writes";
  build.statement = Statement{create, Lock::kShareUpdateExclusive, false};
  build.done_check = ddl::IndexIsValidQuery(index_rel);
  build.cleanup = {{ddl::DropIndexConcurrently(index_rel), Lock::kShareUpdateExclusive, false}};
  build.reverse = {{ddl::DropIndexConcurrently(index_rel), Lock::kShareUpdateExclusive, false}};
  b.AddStep(Phase::kValidate, std::move(build));
  b.Add(Phase::kSwap, "swap." + base + (col.pk ? ".primary_key" : ".unique"),
        col.pk ? "make the index the primary key" : "attach the index as a unique constraint",
        {ddl::AddConstraintUsingIndex(table, index, col.pk, index), Lock::kAccessExclusive, true},
        // Back to validate's state: the index without the constraint. IF NOT EXISTS lets an
        // interrupted reverse be run again.
        {{ddl::DropConstraint(table, index), Lock::kAccessExclusive, true},
         {ddl::CreateUniqueIndexConcurrently(table, index, {col.name}, true),
          Lock::kShareUpdateExclusive, false}});
}

// Later operations of the same migration see the column (and its constraints) as the
// plan leaves it after contract.
void RecordInWorkingCatalog(const AddColumnOp& op, const TableInfo& before, PlanBuilder& b) {
  TableInfo* t = nullptr;
  for (auto& table : b.working_catalog().tables)
    if (table.schema == before.schema && table.name == before.name) t = &table;
  if (t == nullptr) return;
  const ColumnSpec& col = op.column;
  ColumnInfo info;
  info.name = col.name;
  info.type = col.type;
  info.not_null = !col.nullable || col.pk;
  if (col.default_value) info.default_expr = col.default_value->text;
  t->columns.push_back(info);
  if (col.check) t->constraints.push_back({col.check->name, 'c', true, ""});
  if (col.references) t->constraints.push_back({col.references->name, 'f', true, ""});
  if (col.unique || col.pk) {
    IndexInfo index;
    index.name = UniqueIndexName(t->name, col);
    index.unique = true;
    index.primary = col.pk;
    // Built in validate, after the backfill: never a keyset key for this plan's backfill.
    index.valid = false;
    index.columns = {col.name};
    t->indexes.push_back(index);
    t->constraints.push_back({index.name, col.pk ? 'p' : 'u', true, ""});
  }
}

}  // namespace

Status PlanAddColumn(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  Result<Checked> checked = Check(op, where, b);
  if (!checked.ok()) return checked.status();
  const TableInfo& t = *checked->table;
  const ColumnSpec& col = op.column;
  const ddl::Rel table{t.schema, t.name};
  const std::string base = t.name + "." + col.name;
  const bool not_null = !col.nullable || col.pk;
  const bool constant_default = checked->def && checked->def->is_constant;
  b.TouchTable(t);

  // Nothing to backfill: the default (if any) is metadata-only, NOT NULL can go inline.
  const bool direct = !op.up && (!col.default_value || constant_default);
  std::optional<std::string> inline_default;
  if (direct && col.default_value) inline_default = EmbedExpression(col.default_value->text);
  b.Add(Phase::kExpand, "expand." + base, "add column " + col.name + " to " + t.name,
        {ddl::AddColumn(table, col.name, col.type, inline_default, direct && not_null),
         Lock::kAccessExclusive, true},
        {{ddl::DropColumn(table, col.name), Lock::kAccessExclusive, true}});
  if (!direct && col.default_value) {
    b.Add(Phase::kExpand, "expand." + base + ".default", "default for new rows only",
          {ddl::SetDefault(table, col.name, EmbedExpression(col.default_value->text)),
           Lock::kAccessExclusive, true});
  }
  if (col.check) {
    b.Add(
        Phase::kExpand, "expand." + base + ".check", "check constraint, not yet validated",
        {ddl::AddCheckNotValid(table, col.check->name, EmbedExpression(col.check->constraint.text)),
         Lock::kAccessExclusive, true},
        {{ddl::DropConstraint(table, col.check->name), Lock::kAccessExclusive, true}});
  }
  if (col.references) {
    const auto& r = *col.references;
    b.Add(Phase::kExpand, "expand." + base + ".foreign_key", "foreign key, not yet validated",
          {ddl::AddForeignKeyNotValid(table, r.name, col.name, {t.schema, r.table}, r.column,
                                      r.on_delete),
           Lock::kShareRowExclusive, true},
          {{ddl::DropConstraint(table, r.name), Lock::kAccessExclusive, true}});
  }
  if (col.comment) {
    b.Add(Phase::kExpand, "expand." + base + ".comment", "column comment",
          {ddl::CommentOnColumn(table, col.name, col.comment), Lock::kShareUpdateExclusive, true});
  }

  if (!direct) {
    const SqlExpr& source = op.up ? *op.up : *col.default_value;
    const ExprAnalysis& analysis = op.up ? *checked->up : *checked->def;
    ddl::Fill fill{col.name, EmbedExpression(source.text), SourcesIn(t, analysis), not_null};
    // Without `up`, the (volatile) default already fills rows the old app inserts.
    b.AddFill(t, std::move(fill), op.up.has_value());
  }

  if (not_null && !direct) {
    const std::string helper = BoundedName({"pgphase_nn", t.name, col.name});
    b.AddNotNullHelper(t, col.name, helper);
    b.Add(Phase::kValidate, "validate." + base + ".not_null_check",
          "prove no row is NULL, without blocking writes",
          {ddl::ValidateConstraint(table, helper), Lock::kShareUpdateExclusive, true});
    b.Add(Phase::kValidate, "validate." + base + ".set_not_null",
          "SET NOT NULL (no scan: the validated check proves it)",
          {ddl::SetNotNull(table, col.name), Lock::kAccessExclusive, true},
          {{ddl::DropNotNull(table, col.name), Lock::kAccessExclusive, true}});
  }
  if (col.check) {
    b.Add(Phase::kValidate, "validate." + base + ".check", "validate the check constraint",
          {ddl::ValidateConstraint(table, col.check->name), Lock::kShareUpdateExclusive, true});
  }
  if (col.references) {
    b.Add(Phase::kValidate, "validate." + base + ".foreign_key", "validate the foreign key",
          {ddl::ValidateConstraint(table, col.references->name), Lock::kShareRowExclusive, true});
  }
  if (col.unique || col.pk) PlanUniqueOrPk(op, t, b, base);
  RecordInWorkingCatalog(op, t, b);
  return Status::Ok();
}

}  // namespace pgphase
