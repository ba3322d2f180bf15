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

Result<Plan> BuildPlan(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                       const PlanOptions& /*options*/) {
  PlanBuilder b(spec, catalog);
  for (const OperationEntry& entry : spec.operations) {
    Status st = std::visit(
        Overloaded{[&](const AddColumnOp& op) { return PlanAddColumn(op, entry.where, b); }},
        entry.op);
    if (!st.ok()) return st;
  }
  return b.Finish();
}

}  // namespace pgphase
