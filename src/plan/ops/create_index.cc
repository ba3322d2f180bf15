// create_index changes no data, and no old-app query depends on the index not existing.
//
//   expand    CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and writes go on),
//             safe to retry through its done check (the index exists and is valid) and its
//             cleanup (drop an invalid leftover); reverse DROP INDEX CONCURRENTLY
//
// On the columns that hold the values until swap (plan/filled.h: a shadow column, the column
// before a rename at swap), under the index's own name, which nothing holds, so that the
// column's rename at swap carries it; the predicate rewritten onto them. When an earlier
// operation of the migration fills one of them:
//   validate  the same build, after the backfill
#include <fmt/format.h>

#include "pgphase/ddl_index.h"
#include "plan/check.h"
#include "plan/filled.h"
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

// The columns the index covers, and those its predicate reads.
std::vector<std::string> ColumnsRead(const CreateIndexOp& op, const TableInfo& t) {
  std::vector<std::string> columns;
  for (const IndexColumnSpec& c : op.columns) columns.push_back(c.column);
  if (op.predicate) {
    // IndexDefOf parsed it already.
    for (std::string& c : SourcesIn(ColumnNames(t), AnalyzeExpression(op.predicate->text).value()))
      columns.push_back(std::move(c));
  }
  return columns;
}

// `index` on the columns that hold the values until swap (plan/filled.h).
Result<ddl::IndexDef> OnHoldingColumns(const CreateIndexOp& op, const TableInfo& t,
                                       ddl::IndexDef index, const PlanBuilder& b) {
  for (ddl::IndexColumn& c : index.columns) c.column = b.ColumnUntilSwap(t, c.column).column;
  if (op.predicate) {
    Result<std::string> predicate =
        OntoHoldingColumns(b, t, op.predicate->text, op.predicate->where, kKind, "predicate");
    if (!predicate.ok()) return predicate.status();
    index.predicate = EmbedExpression(*predicate);
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
  Result<ddl::IndexDef> holding = OnHoldingColumns(op, *t, *index, b);
  if (!holding.ok()) return holding.status();
  const bool filled = AnyFilled(b, *t, ColumnsRead(op, *t));
  b.AddStep(
      filled ? Phase::kValidate : Phase::kExpand,
      IndexBuildStep(fmt::format("{}.create_index.{}", filled ? "validate" : "expand", op.name),
                     fmt::format("build index {} on {}{} without blocking writes", op.name,
                                 op.table, filled ? " after the backfill," : ""),
                     *t, *holding));
  RecordIndex(b, *t, *index, /*primary=*/false, /*valid=*/!filled);
  return Status::Ok();
}

}  // namespace pgphase
