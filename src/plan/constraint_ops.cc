// Planners for the constraint operations (see plan/builder.h).
#include "plan/builder.h"

namespace pgphase {

Status PlanCreateConstraint(const CreateConstraintOp& /*op*/, const SourceLocation& where,
                            PlanBuilder& /*b*/) {
  return NotPlannedYet("create_constraint", where);
}

Status PlanDropConstraint(const DropConstraintOp& /*op*/, const SourceLocation& where,
                          PlanBuilder& /*b*/) {
  return NotPlannedYet("drop_constraint", where);
}

Status PlanRenameConstraint(const RenameConstraintOp& /*op*/, const SourceLocation& where,
                            PlanBuilder& /*b*/) {
  return NotPlannedYet("rename_constraint", where);
}

}  // namespace pgphase
