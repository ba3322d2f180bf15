#include "plan/steps.h"

#include <fmt/format.h>

#include "pgphase/ddl_table.h"
#include "pgphase/sql.h"
#include "plan/keys.h"

namespace pgphase {

Step IndexBuildStep(std::string id, std::string summary, const TableInfo& t,
                    const ddl::IndexDef& index) {
  const ddl::Rel rel{t.schema, index.name};
  Step s;
  s.id = std::move(id);
  s.summary = std::move(summary);
  s.statement = ddl::CreateIndexConcurrently({t.schema, t.name}, index, /*if_not_exists=*/true);
  s.done_check = ddl::IndexIsValidQuery(rel);
  s.cleanup = {ddl::DropIndexConcurrently(rel)};
  s.reverse = {ddl::DropIndexConcurrently(rel)};
  return s;
}

void RecordIndex(PlanBuilder& b, TableInfo& t, const ddl::IndexDef& index, bool primary,
                 bool valid) {
  IndexInfo info;
  info.name = index.name;
  info.unique = index.unique;
  info.primary = primary;
  info.valid = valid;
  info.partial = !index.predicate.empty();
  for (const auto& c : index.columns) info.columns.push_back(c.column);
  t.indexes.push_back(std::move(info));
  b.working_catalog().relation_names.push_back(t.schema + "." + index.name);
}

void RecordConstraint(TableInfo& t, const std::string& name, char type,
                      std::vector<std::string> columns, const std::string& references) {
  ConstraintInfo c;
  c.name = name;
  c.type = type;
  c.columns = std::move(columns);
  if (!references.empty()) {
    c.ref_schema = t.schema;
    c.ref_table = references;
  }
  t.constraints.push_back(std::move(c));
}

void RenameInCatalog(TableInfo& t, const std::string& from, const std::string& to) {
  for (auto& c : t.columns)
    if (c.name == from) c.name = to;
  for (auto& k : t.primary_key)
    if (k == from) k = to;
  for (auto& i : t.indexes)
    for (auto& k : i.columns)
      if (k == from) k = to;
}

void AddNullableAtContract(PlanBuilder& b, const TableInfo& t, const std::string& column,
                           const std::string& base) {
  b.Add(Phase::kContract, "contract." + base + ".old_nullable",
        "the column " + column + " may be NULL once the sync trigger no longer fills it",
        ddl::DropNotNull({t.schema, t.name}, column));
}

void AddNotNullProof(PlanBuilder& b, const TableInfo& t, const std::string& column,
                     const std::string& helper, const std::string& base) {
  const ddl::Rel table{t.schema, t.name};
  const std::string not_null = QuoteIdent(column) + " IS NOT NULL";
  b.Add(Phase::kValidate, "validate." + base + ".not_null_helper",
        fmt::format("enforce NOT NULL on new writes to {}.{} (not yet validated)", t.name, column),
        ddl::AddCheckNotValid(table, helper, not_null), {ddl::DropConstraint(table, helper)});
  Step validate;
  validate.id = "validate." + base + ".not_null_check";
  validate.summary = "prove no row is NULL, without blocking writes";
  validate.statement = ddl::ValidateConstraint(table, helper);
  validate.diagnose = ddl::ViolatingRowsQuery(table, KeyNames(b.BeforePlan(t)), not_null);
  b.AddStep(Phase::kValidate, std::move(validate));
  b.Add(Phase::kValidate, "validate." + base + ".set_not_null",
        "SET NOT NULL (no scan: the validated check proves it)",
        ddl::SetNotNull(table, column, /*proven=*/true), {ddl::DropNotNull(table, column)});
  b.AddNotNullHelper(t, column, helper);
}

namespace {

Status FieldError(const SourceLocation& where, std::string_view kind, std::string_view field,
                  std::string_view key, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}.{}.{}: {}", where.ToString(), kind, field, key, what));
}

}  // namespace

Result<ddl::ColumnDef> ColumnDefOf(const ColumnSpec& c, std::string_view kind,
                                   std::string_view field) {
  ddl::ColumnDef d;
  d.name = c.name;
  d.type = c.type;
  if (Status st = CheckTypeName(c.type); !st.ok())
    return FieldError(c.where, kind, field, "type", st.message());
  d.not_null = !c.nullable || c.pk;
  if (c.default_value) {
    Result<ExprAnalysis> a = AnalyzeExpression(c.default_value->text);
    if (!a.ok())
      return FieldError(c.default_value->where, kind, field, "default", a.status().message());
    if (!a->column_refs.empty())
      return FieldError(c.default_value->where, kind, field, "default",
                        "a default cannot refer to columns");
    d.default_expr = EmbedExpression(c.default_value->text);
  }
  if (c.generated && c.generated->expression)
    d.generated_expr = EmbedExpression(c.generated->expression->text);
  if (c.generated && c.generated->identity) {
    d.identity = *c.generated->identity;
    if (c.generated->sequence_options) {
      if (Status st = ddl::CheckSequenceOptions(*c.generated->sequence_options); !st.ok())
        return FieldError(c.where, kind, field, "generated.identity", st.message());
      d.identity_options = *c.generated->sequence_options;
    }
  }
  return d;
}

ddl::ForeignKey ForeignKeyOf(const ReferencesSpec& r, const std::string& column,
                             const std::string& schema) {
  return {r.name,
          {column},
          {{schema, r.table},
           {r.column},
           r.on_delete,
           r.on_update,
           r.match_type,
           r.deferrable,
           r.initially_deferred}};
}

ddl::ForeignKey ForeignKeyOf(const ConstraintSpec& c, const std::string& schema) {
  return {c.name,
          c.columns,
          {{schema, c.ref_table},
           c.ref_columns,
           c.on_delete,
           c.on_update,
           c.match_type,
           c.deferrable,
           c.initially_deferred}};
}

}  // namespace pgphase
