// Planners for the index operations (see plan/builder.h).
#include "plan/builder.h"

namespace pgphase {

Status PlanCreateIndex(const CreateIndexOp& /*op*/, const SourceLocation& where,
                       PlanBuilder& /*b*/) {
  return NotPlannedYet("create_index", where);
}

Status PlanDropIndex(const DropIndexOp& /*op*/, const SourceLocation& where, PlanBuilder& /*b*/) {
  return NotPlannedYet("drop_index", where);
}

}  // namespace pgphase
