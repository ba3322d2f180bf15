// The operation planners: one per row of the registration table (PGPHASE_OPERATIONS in
// pgphase/spec.h), each in src/plan/ops/<kind>.cc, with the operation's phase table at the
// top of its file. A planner checks its operation against b.catalog() (the schema as the
// earlier operations of the migration leave it), adds its steps to `b`, and records in the
// working catalog what it changes. Errors: ExitCode::kInvalid, "file:line:col: kind: what".
#pragma once

#include "pgphase/spec.h"
#include "pgphase/status.h"
#include "plan/builder.h"

namespace pgphase {

#define PGPHASE_DECLARE_PLANNER(kind, Type) \
  Status PlanOperation(const Type& op, const SourceLocation& where, PlanBuilder& b);
PGPHASE_OPERATIONS(PGPHASE_DECLARE_PLANNER)
#undef PGPHASE_DECLARE_PLANNER

}  // namespace pgphase
