// create_index changes no data, and no old-app query depends on the index not existing.
//
//   expand    CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and writes go on),
//             safe to retry through its done check (the index exists and is valid) and its
//             cleanup (drop an invalid leftover); reverse DROP INDEX CONCURRENTLY
#include <fmt/format.h>

#include "pgphase/ddl_index.h"
#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "create_index";

Result<ddl::IndexColumn> IndexColumnOf(const IndexColumnSpec& c, const SourceLocation& where) {
  ddl::IndexColumn col{c.column, c.collate, c.opclass, "", c.sort, c.nulls};
  if (!c.opclass_params.empty()) {
    Result<std::string> params = ddl::ParseParameterList(c.opclass_params);
    if (!params.ok())
      return Invalid(where, kKind,
                     "columns." + c.column + ".opclass.params: " + params.status().message());
    col.opclass_params = *params;
  }
  return col;
}

Result<ddl::IndexDef> IndexDefOf(const CreateIndexOp& op, const TableInfo& t,
                                 const SourceLocation& where) {
  ddl::IndexDef index;
  index.name = op.name;
  index.unique = op.unique;
  index.method = op.method.empty() ? "btree" : op.method;
  for (const IndexColumnSpec& c : op.columns) {
    if (t.FindColumn(c.column) == nullptr)
      return MissingColumn(where, kKind, "", op.table, c.column);
    Result<ddl::IndexColumn> col = IndexColumnOf(c, where);
    if (!col.ok()) return col.status();
    index.columns.push_back(std::move(*col));
  }
  if (!op.storage_parameters.empty()) {
    Result<std::string> params = ddl::ParseParameterList(op.storage_parameters);
    if (!params.ok())
      return Invalid(where, kKind, "storage_parameters: " + params.status().message());
    index.storage = *params;
  }
  if (op.predicate) {
    Result<ExprAnalysis> a = Analyze(*op.predicate, kKind, "predicate");
    if (!a.ok()) return a.status();
    PGPHASE_RETURN_IF_ERROR(
        CheckExpressionColumns(ColumnNames(t), op.table, *a, *op.predicate, kKind, "predicate"));
    index.predicate = EmbedExpression(op.predicate->text);
  }
  return index;
}

}  // namespace

Status PlanOperation(const CreateIndexOp& op, const SourceLocation& where, PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  if (b.catalog().HasRelation(b.schema(), op.name)) {
    return Invalid(where, kKind,
                   fmt::format("a relation named {} already exists in schema {}",
                               QuoteIdent(op.name), QuoteIdent(b.schema())));
  }
  Result<ddl::IndexDef> index = IndexDefOf(op, *t, where);
  if (!index.ok()) return index.status();
  b.TouchTable(*t);
  b.AddStep(
      Phase::kExpand,
      IndexBuildStep("expand.create_index." + op.name,
                     fmt::format("build index {} on {} without blocking writes", op.name, op.table),
                     *t, *index));
  RecordIndex(b, *t, *index, /*primary=*/false);
  return Status::Ok();
}

}  // namespace pgphase
