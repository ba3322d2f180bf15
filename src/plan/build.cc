#include <fmt/format.h>

#include "plan/builder.h"

namespace pgphase {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

Status NotPlannedYet(const std::string& kind, const SourceLocation& where) {
  return Status::Invalid(
      fmt::format("{}: {}: operation {} is not planned yet", where.ToString(), kind, kind));
}

Result<Plan> BuildPlan(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                       const PlanOptions& /*options*/) {
  std::vector<std::string> notes;
  Result<ChangeSpec> combined = CombineColumnOperations(spec, catalog, &notes);
  if (!combined.ok()) return combined.status();
  PlanBuilder b(*combined, catalog);
  for (auto& note : notes) b.Note(std::move(note));
  for (const OperationEntry& entry : combined->operations) {
    const SourceLocation& w = entry.where;
    Status st = std::visit(
        Overloaded{
            [&](const AddColumnOp& op) { return PlanAddColumn(op, w, b); },
            [&](const CreateTableOp& op) { return PlanCreateTable(op, w, b); },
            [&](const DropTableOp& op) { return PlanDropTable(op, w, b); },
            [&](const RenameTableOp& op) { return PlanRenameTable(op, w, b); },
            [&](const SetReplicaIdentityOp& op) { return PlanSetReplicaIdentity(op, w, b); },
            [&](const SqlOp& op) { return PlanSql(op, w, b); },
            [&](const AlterColumnOp& op) { return PlanAlterColumn(op, w, b); },
            [&](const DropColumnOp& op) { return PlanDropColumn(op, w, b); },
            [&](const RenameColumnOp& op) { return PlanRenameColumn(op, w, b); },
            [&](const CreateIndexOp& op) { return PlanCreateIndex(op, w, b); },
            [&](const DropIndexOp& op) { return PlanDropIndex(op, w, b); },
            [&](const CreateConstraintOp& op) { return PlanCreateConstraint(op, w, b); },
            [&](const DropConstraintOp& op) { return PlanDropConstraint(op, w, b); },
            [&](const RenameConstraintOp& op) { return PlanRenameConstraint(op, w, b); },
        },
        entry.op);
    if (!st.ok()) return st;
  }
  return b.Finish();
}

}  // namespace pgphase
