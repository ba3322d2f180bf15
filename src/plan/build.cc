#include <fmt/format.h>

#include <set>
#include <type_traits>

#include "pgphase/plan.h"
#include "pgphase/sql.h"
#include "plan/builder.h"
#include "plan/check.h"
#include "plan/merge.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

// The existing table an operation reads or changes, or "" (create_table makes a new one,
// drop_index and sql name none).
template <typename Op>
std::string TableOf(const Op& op) {
  if constexpr (std::is_same_v<Op, DropTableOp>) {
    return op.name;
  } else if constexpr (std::is_same_v<Op, RenameTableOp>) {
    return op.from;
  } else if constexpr (requires { op.table; }) {
    return op.table;
  } else {
    return "";
  }
}

// A table that drop_table dropped earlier in the migration is gone for every later
// operation (it stays in place only for the old application, until contract).
Status CheckNotDropped(const OperationEntry& entry, const std::set<std::string>& dropped) {
  const std::string table = std::visit([](const auto& op) { return TableOf(op); }, entry.op);
  if (!dropped.contains(table)) return Status::Ok();
  return Invalid(
      entry.where, "operation",
      fmt::format("table {} is dropped earlier in this migration (drop_table)", QuoteIdent(table)));
}

}  // namespace

Result<Plan> BuildPlan(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                       const PlanOptions& options) {
  std::vector<std::string> folded, notes;
  Result<ChangeSpec> combined =
      CombineColumnOperations(FoldReferencingColumns(spec, catalog, &folded), catalog, &notes);
  if (!combined.ok()) return combined.status();
  PlanBuilder b(*combined, catalog, options);
  for (auto* list : {&folded, &notes})
    for (auto& note : *list) b.Note(std::move(note));
  std::set<std::string> dropped;
  for (const OperationEntry& entry : combined->operations) {
    PGPHASE_RETURN_IF_ERROR(CheckNotDropped(entry, dropped));
    PGPHASE_RETURN_IF_ERROR(
        std::visit([&](const auto& op) { return PlanOperation(op, entry.where, b); }, entry.op));
    if (const auto* drop = std::get_if<DropTableOp>(&entry.op)) dropped.insert(drop->name);
  }
  return b.Finish();
}

}  // namespace pgphase
