// drop_index: the old application may rely on the index until it is gone.
//
//   contract  DROP INDEX CONCURRENTLY
#include <fmt/format.h>

#include "pgphase/ddl_index.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {

Status PlanOperation(const DropIndexOp& op, const SourceLocation& where, PlanBuilder& b) {
  constexpr std::string_view kKind = "drop_index";
  const std::string& schema = b.schema();
  TableInfo* owner = nullptr;
  for (TableInfo& t : b.working_catalog().tables)
    if (t.schema == schema && t.FindIndex(op.name) != nullptr) owner = &t;
  if (owner == nullptr)
    return Invalid(where, kKind,
                   fmt::format("index {} does not exist", QuoteQualified(schema, op.name)));
  const IndexInfo* index = owner->FindIndex(op.name);
  const ConstraintInfo* backing = owner->FindConstraint(op.name);
  if (index->primary || (backing != nullptr && backing->type != 'c' && backing->type != 'f')) {
    return Invalid(where, kKind,
                   fmt::format("index {} backs constraint {} of table {}; use drop_constraint",
                               QuoteIdent(op.name), QuoteIdent(op.name), QuoteIdent(owner->name)));
  }
  const ddl::Rel rel{schema, op.name};
  b.TouchTable(*owner);
  Step s;
  s.id = "contract.drop_index." + op.name;
  s.summary = fmt::format("drop index {} of {} without blocking writes", op.name, owner->name);
  s.statement = ddl::DropIndexConcurrently(rel);
  s.done_check = ddl::IndexIsAbsentQuery(rel);
  b.AddStep(Phase::kContract, std::move(s));
  return Status::Ok();
}

}  // namespace pgphase
