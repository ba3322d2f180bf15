// create_table: nobody uses the new table yet, so it is created whole, in expand.
//
//   expand    CREATE TABLE with every column and table constraint, then the comments;
//             reverse DROP TABLE
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "create_table";

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class CreateTablePlanner {
 public:
  CreateTablePlanner(const CreateTableOp& op, const SourceLocation& where, PlanBuilder& b)
      : op_(op), where_(where), b_(b), schema_(b.schema()) {}

  Status Plan();

 private:
  Status CheckColumnNames();
  // The table as the catalog will describe it (what later operations, and references to
  // the table itself, see).
  Status Describe();
  // Records the constraint (of pg_constraint.contype `type`) unless Describe did.
  Status ClaimConstraintName(const SourceLocation& at, const std::string& name, char type,
                             const std::string& references = "");
  // An expression on the new table's own row (check, generated, exclusion predicate).
  Status CheckOwnExpression(const SqlExpr& e, std::string_view field) const;
  Result<ddl::ColumnDef> Column(const ColumnSpec& c);
  Result<ddl::TableClause> Constraint(const ConstraintSpec& c);
  Result<ddl::TableClause> Exclude(const ConstraintSpec& c);
  void Emit(const std::vector<ddl::ColumnDef>& columns,
            const std::vector<ddl::TableClause>& clauses);

  const CreateTableOp& op_;
  const SourceLocation& where_;
  PlanBuilder& b_;
  const std::string schema_;
  TableInfo self_;
  std::vector<std::string> column_pk_;
  std::vector<std::string> constraint_names_;
};

Status CreateTablePlanner::CheckColumnNames() {
  std::vector<std::string> seen;
  for (const auto& c : op_.columns) {
    if (Contains(seen, c.name))
      return Invalid(c.where, kKind, "column " + QuoteIdent(c.name) + " is listed twice");
    seen.push_back(c.name);
    if (c.pk) column_pk_.push_back(c.name);
  }
  return Status::Ok();
}

Status CreateTablePlanner::Describe() {
  self_.schema = schema_;
  self_.name = op_.name;
  for (const auto& c : op_.columns) {
    ColumnInfo ci;
    ci.name = c.name;
    ci.type = CanonicalType(c.type);
    ci.not_null = !c.nullable || c.pk || (c.generated && c.generated->identity);
    if (c.default_value) ci.default_expr = c.default_value->text;
    ci.generated = c.generated && c.generated->expression;
    ci.identity = c.generated && c.generated->identity;
    self_.columns.push_back(std::move(ci));
  }
  auto add_index = [&](const std::string& name, const std::vector<std::string>& cols, bool pk) {
    IndexInfo i;
    i.name = name;
    i.unique = true;
    i.primary = pk;
    i.columns = cols;
    self_.indexes.push_back(i);
    RecordConstraint(self_, name, pk ? 'p' : 'u', cols);
  };
  self_.primary_key = column_pk_;
  for (const auto& c : op_.constraints) {
    if (c.type != "primary_key") continue;
    if (!column_pk_.empty())
      return Invalid(c.where, kKind,
                     "table " + QuoteIdent(op_.name) +
                         " would have two primary keys (columns with pk: true and a "
                         "primary_key constraint)");
    if (!self_.primary_key.empty())
      return Invalid(c.where, kKind,
                     "table " + QuoteIdent(op_.name) + " would have two primary keys");
    self_.primary_key = c.columns;
    add_index(c.name, c.columns, true);
  }
  if (!column_pk_.empty()) add_index(BoundedName({op_.name, "pkey"}), column_pk_, true);
  for (const auto& c : op_.columns)
    if (c.unique && !c.pk) add_index(BoundedName({op_.name, c.name, "key"}), {c.name}, false);
  for (const auto& c : op_.constraints)
    if (c.type == "unique") add_index(c.name, c.columns, false);
  return Status::Ok();
}

Status CreateTablePlanner::ClaimConstraintName(const SourceLocation& at, const std::string& name,
                                               char type, const std::string& references) {
  if (Contains(constraint_names_, name))
    return Invalid(at, kKind, "constraint " + QuoteIdent(name) + " is defined twice");
  constraint_names_.push_back(name);
  if (self_.FindConstraint(name) == nullptr) RecordConstraint(self_, name, type, {}, references);
  return Status::Ok();
}

Status CreateTablePlanner::CheckOwnExpression(const SqlExpr& e, std::string_view field) const {
  Result<ExprAnalysis> a = Analyze(e, kKind, field);
  if (!a.ok()) return a.status();
  if (a->has_subquery)
    return Status::Invalid(fmt::format("{}: {}.{}: a sub-select is not allowed here",
                                       e.where.ToString(), kKind, field));
  return CheckExpressionColumns(ColumnNames(self_), op_.name, *a, e, kKind, field);
}

Result<ddl::ColumnDef> CreateTablePlanner::Column(const ColumnSpec& c) {
  Result<ddl::ColumnDef> d = ColumnDefOf(c, kKind, "columns");
  if (!d.ok()) return d.status();
  d->unique = c.unique && !c.pk;
  if (c.generated && c.generated->expression)
    PGPHASE_RETURN_IF_ERROR(
        CheckOwnExpression(*c.generated->expression, "columns.generated.expression"));
  if (c.check) {
    PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, c.check->name, 'c'));
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(c.check->constraint, "columns.check.constraint"));
    d->check_name = c.check->name;
    d->check_expr = EmbedExpression(c.check->constraint.text);
    d->check_no_inherit = c.check->no_inherit;
  }
  if (c.references) {
    const ReferencesSpec& r = *c.references;
    PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, r.name, 'f', r.table));
    PGPHASE_RETURN_IF_ERROR(
        CheckReferenceTarget(c.where, kKind, b_.catalog(), schema_, r.table, {r.column}, &self_));
    d->fk_name = r.name;
    d->fk = ForeignKeyOf(r, c.name, schema_).references;
  }
  return d;
}

Result<ddl::TableClause> CreateTablePlanner::Exclude(const ConstraintSpec& c) {
  if (Status st = ddl::CheckExcludeElements(c.index_method, c.exclude_elements->text); !st.ok())
    return Status::Invalid(fmt::format("{}: create_table.constraints.exclude.elements: {}",
                                       c.exclude_elements->where.ToString(), st.message()));
  std::optional<std::string> predicate;
  if (c.predicate) {
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(*c.predicate, "constraints.exclude.predicate"));
    predicate = EmbedExpression(c.predicate->text);
  }
  return ddl::ExcludeClause(c.name, c.index_method, c.exclude_elements->text, c.include_columns,
                            c.storage_parameters, predicate, c.deferrable, c.initially_deferred);
}

Result<ddl::TableClause> CreateTablePlanner::Constraint(const ConstraintSpec& c) {
  const char type = c.type == "check" ? 'c' : c.type == "foreign_key" ? 'f' : 'x';
  PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, c.name, type, c.ref_table));
  PGPHASE_RETURN_IF_ERROR(
      CheckColumnsExist(c.where, kKind, "constraints.columns", self_, c.columns));
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(
      c.where, kKind, "constraints.index_parameters.include_columns", self_, c.include_columns));
  if (!c.storage_parameters.empty()) {
    if (Status st = ddl::CheckStorageParameters(c.storage_parameters); !st.ok())
      return Status::Invalid(fmt::format("{}: create_table.constraints.index_parameters: {}",
                                         c.where.ToString(), st.message()));
  }
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(*c.check, "constraints.check"));
    return ddl::CheckClause(c.name, EmbedExpression(c.check->text), c.no_inherit);
  }
  if (c.type == "unique" || c.type == "primary_key") {
    return ddl::UniqueClause(c.name, c.type == "primary_key", c.columns, c.nulls_not_distinct,
                             c.include_columns, c.storage_parameters, c.deferrable,
                             c.initially_deferred);
  }
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(CheckReferenceTarget(c.where, kKind, b_.catalog(), schema_, c.ref_table,
                                                 c.ref_columns, &self_));
    return ddl::ForeignKeyClause(ForeignKeyOf(c, schema_));
  }
  return Exclude(c);
}

void CreateTablePlanner::Emit(const std::vector<ddl::ColumnDef>& columns,
                              const std::vector<ddl::TableClause>& clauses) {
  const ddl::Rel table{schema_, op_.name};
  const std::string base = "expand.create_table." + op_.name;
  b_.Add(Phase::kExpand, base, "create table " + op_.name,
         ddl::CreateTable(table, columns, column_pk_, clauses), {ddl::DropTable(table)});
  if (op_.comment) {
    b_.Add(Phase::kExpand, base + ".comment", "table comment",
           ddl::CommentOnTable(table, op_.comment));
  }
  for (const auto& c : op_.columns) {
    if (!c.comment) continue;
    b_.Add(Phase::kExpand, base + "." + c.name + ".comment", "column comment",
           ddl::CommentOnColumn(table, c.name, c.comment));
  }
}

Status CreateTablePlanner::Plan() {
  if (b_.catalog().FindTable(schema_, op_.name) != nullptr ||
      b_.catalog().HasRelation(schema_, op_.name)) {
    return Invalid(where_, kKind, "table " + QuoteQualified(schema_, op_.name) + " already exists");
  }
  PGPHASE_RETURN_IF_ERROR(CheckColumnNames());
  PGPHASE_RETURN_IF_ERROR(Describe());
  std::vector<ddl::ColumnDef> columns;
  for (const auto& c : op_.columns) {
    Result<ddl::ColumnDef> d = Column(c);
    if (!d.ok()) return d.status();
    columns.push_back(std::move(*d));
  }
  std::vector<ddl::TableClause> clauses;
  for (const auto& c : op_.constraints) {
    Result<ddl::TableClause> clause = Constraint(c);
    if (!clause.ok()) return clause.status();
    clauses.push_back(std::move(*clause));
  }
  Emit(columns, clauses);
  // Later operations of the same migration see the new table.
  CatalogSnapshot& catalog = b_.working_catalog();
  for (const auto& i : self_.indexes) catalog.relation_names.push_back(schema_ + "." + i.name);
  catalog.relation_names.push_back(schema_ + "." + op_.name);
  catalog.tables.push_back(std::move(self_));
  b_.TouchTable(catalog.tables.back());
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const CreateTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  return CreateTablePlanner(op, where, b).Plan();
}

}  // namespace pgphase
