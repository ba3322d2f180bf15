#include "pgphase/plan.h"
#include "plan/builder.h"
#include "plan/merge.h"
#include "plan/ops.h"

namespace pgphase {

Result<Plan> BuildPlan(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                       const PlanOptions& options) {
  std::vector<std::string> folded, notes;
  Result<ChangeSpec> combined =
      CombineColumnOperations(FoldReferencingColumns(spec, catalog, &folded), catalog, &notes);
  if (!combined.ok()) return combined.status();
  PlanBuilder b(*combined, catalog, options);
  for (auto* list : {&folded, &notes})
    for (auto& note : *list) b.Note(std::move(note));
  for (const OperationEntry& entry : combined->operations) {
    PGPHASE_RETURN_IF_ERROR(
        std::visit([&](const auto& op) { return PlanOperation(op, entry.where, b); }, entry.op));
  }
  return b.Finish();
}

}  // namespace pgphase
