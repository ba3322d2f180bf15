// Planners for the table operations (see plan/builder.h).
#include "plan/builder.h"

namespace pgphase {

Status PlanCreateTable(const CreateTableOp& /*op*/, const SourceLocation& where,
                       PlanBuilder& /*b*/) {
  return NotPlannedYet("create_table", where);
}

Status PlanDropTable(const DropTableOp& /*op*/, const SourceLocation& where, PlanBuilder& /*b*/) {
  return NotPlannedYet("drop_table", where);
}

Status PlanRenameTable(const RenameTableOp& /*op*/, const SourceLocation& where,
                       PlanBuilder& /*b*/) {
  return NotPlannedYet("rename_table", where);
}

Status PlanSetReplicaIdentity(const SetReplicaIdentityOp& /*op*/, const SourceLocation& where,
                              PlanBuilder& /*b*/) {
  return NotPlannedYet("set_replica_identity", where);
}

Status PlanSql(const SqlOp& /*op*/, const SourceLocation& where, PlanBuilder& /*b*/) {
  return NotPlannedYet("sql", where);
}

}  // namespace pgphase
