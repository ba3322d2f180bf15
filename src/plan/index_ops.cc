// create_index and drop_index.
//
// create_index changes no data and no old-app query depends on the index not existing,
// so it is built in expand: CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and
// writes go on), made safe to retry by its done check (the index exists and is valid)
// and its cleanup (drop an invalid leftover). Reverse: DROP INDEX CONCURRENTLY.
//
// drop_index: the old app may rely on the index until it is gone, so the only step is
// DROP INDEX CONCURRENTLY at contract.
#include <fmt/format.h>

#include "pgphase/ddl_index.h"
#include "pgphase/sql.h"
#include "plan/builder.h"
#include "plan/index_util.h"

namespace pgphase {
namespace {

Status Invalid(const SourceLocation& where, const std::string& op, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), op, what));
}

}  // namespace

TableInfo* FindWorkingTable(PlanBuilder& b, const std::string& schema, const std::string& name) {
  for (TableInfo& t : b.working_catalog().tables)
    if (t.schema == schema && t.name == name) return &t;
  return nullptr;
}

Step BuildIndexStep(Phase phase, const std::string& id, const std::string& summary,
                    const TableInfo& t, const ddl::IndexDef& index) {
  const ddl::Rel table{t.schema, t.name};
  const ddl::Rel rel{t.schema, index.name};
  Step s;
  s.id = fmt::format("{}.{}", PhaseName(phase), id);
  s.summary = summary;
  s.statement =
      Statement{ddl::CreateIndexConcurrently(table, index), Lock::kShareUpdateExclusive, false};
  s.done_check = ddl::IndexIsValidQuery(rel);
  s.cleanup = {{ddl::DropIndexConcurrently(rel), Lock::kShareUpdateExclusive, false}};
  s.reverse = {{ddl::DropIndexConcurrently(rel), Lock::kShareUpdateExclusive, false}};
  return s;
}

void RecordIndex(PlanBuilder& b, TableInfo& t, const ddl::IndexDef& index, bool primary) {
  IndexInfo info;
  info.name = index.name;
  info.unique = index.unique;
  info.primary = primary;
  info.partial = !index.predicate.empty();
  for (const auto& c : index.columns) info.columns.push_back(c.column);
  t.indexes.push_back(std::move(info));
  b.working_catalog().relation_names.push_back(t.schema + "." + index.name);
}

Status PlanCreateIndex(const CreateIndexOp& op, const SourceLocation& where, PlanBuilder& b) {
  const char* kOp = "create_index";
  const std::string& schema = b.spec().settings.schema;
  TableInfo* t = FindWorkingTable(b, schema, op.table);
  if (t == nullptr) {
    return Invalid(where, kOp,
                   fmt::format("table {} does not exist", QuoteQualified(schema, op.table)));
  }
  if (b.catalog().HasRelation(schema, op.name)) {
    return Invalid(where, kOp,
                   fmt::format("a relation named {} already exists in schema {}",
                               QuoteIdent(op.name), QuoteIdent(schema)));
  }
  ddl::IndexDef index;
  index.name = op.name;
  index.unique = op.unique;
  index.method = op.method;
  for (const IndexColumnSpec& c : op.columns) {
    if (t->FindColumn(c.column) == nullptr) {
      return Invalid(where, kOp,
                     fmt::format("column {} does not exist in table {}", QuoteIdent(c.column),
                                 QuoteIdent(op.table)));
    }
    ddl::IndexColumn col{c.column, c.collate, c.opclass, "", c.sort, c.nulls};
    if (!c.opclass_params.empty()) {
      Result<std::string> params = ddl::ParseParameterList(c.opclass_params);
      if (!params.ok()) {
        return Invalid(where, kOp,
                       "columns." + c.column + ".opclass.params: " + params.status().message());
      }
      col.opclass_params = *params;
    }
    index.columns.push_back(std::move(col));
  }
  if (!op.storage_parameters.empty()) {
    Result<std::string> params = ddl::ParseParameterList(op.storage_parameters);
    if (!params.ok())
      return Invalid(where, kOp, "storage_parameters: " + params.status().message());
    index.storage = *params;
  }
  if (op.predicate) {
    Result<ExprAnalysis> a = AnalyzeExpression(op.predicate->text);
    if (!a.ok()) {
      return Status::Invalid(fmt::format("{}: create_index.predicate: {}",
                                         op.predicate->where.ToString(), a.status().message()));
    }
    for (const auto& ref : a->column_refs) {
      if (!a->has_subquery && t->FindColumn(ref) == nullptr) {
        return Status::Invalid(
            fmt::format("{}: create_index.predicate: column {} does not exist in table {}",
                        op.predicate->where.ToString(), QuoteIdent(ref), QuoteIdent(op.table)));
      }
    }
    index.predicate = EmbedExpression(op.predicate->text);
  }
  b.TouchTable(*t);
  b.AddStep(
      Phase::kExpand,
      BuildIndexStep(Phase::kExpand, "create_index." + op.name,
                     fmt::format("build index {} on {} without blocking writes", op.name, op.table),
                     *t, index));
  RecordIndex(b, *t, index, false);
  return Status::Ok();
}

Status PlanDropIndex(const DropIndexOp& op, const SourceLocation& where, PlanBuilder& b) {
  const char* kOp = "drop_index";
  const std::string& schema = b.spec().settings.schema;
  TableInfo* owner = nullptr;
  for (TableInfo& t : b.working_catalog().tables) {
    if (t.schema == schema && t.FindIndex(op.name) != nullptr) owner = &t;
  }
  if (owner == nullptr) {
    return Invalid(where, kOp,
                   fmt::format("index {} does not exist", QuoteQualified(schema, op.name)));
  }
  const IndexInfo* index = owner->FindIndex(op.name);
  const ConstraintInfo* backing = owner->FindConstraint(op.name);
  if (index->primary || (backing != nullptr && backing->type != 'c' && backing->type != 'f')) {
    return Invalid(where, kOp,
                   fmt::format("index {} backs constraint {} of table {}; use drop_constraint",
                               QuoteIdent(op.name), QuoteIdent(op.name), QuoteIdent(owner->name)));
  }
  const ddl::Rel rel{schema, op.name};
  b.TouchTable(*owner);
  Step s;
  s.id = "contract.drop_index." + op.name;
  s.summary = fmt::format("drop index {} of {} without blocking writes", op.name, owner->name);
  s.statement = Statement{ddl::DropIndexConcurrently(rel), Lock::kShareUpdateExclusive, false};
  s.done_check = ddl::IndexIsAbsentQuery(rel);
  b.AddStep(Phase::kContract, std::move(s));
  return Status::Ok();
}

}  // namespace pgphase
