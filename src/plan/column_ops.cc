// Planners for the column operations (see plan/builder.h).
#include "plan/builder.h"

namespace pgphase {

Status PlanAlterColumn(const AlterColumnOp& /*op*/, const SourceLocation& where,
                       PlanBuilder& /*b*/) {
  return NotPlannedYet("alter_column", where);
}

Status PlanDropColumn(const DropColumnOp& /*op*/, const SourceLocation& where, PlanBuilder& /*b*/) {
  return NotPlannedYet("drop_column", where);
}

Status PlanRenameColumn(const RenameColumnOp& /*op*/, const SourceLocation& where,
                        PlanBuilder& /*b*/) {
  return NotPlannedYet("rename_column", where);
}

}  // namespace pgphase
