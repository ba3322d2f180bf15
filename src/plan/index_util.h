// Helpers shared by the index and constraint planners (index_ops.cc, constraint_ops.cc).
#pragma once

#include <string>

#include "pgphase/ddl_index.h"
#include "plan/builder.h"

namespace pgphase {

// The table in the builder's working catalog, mutable so a planner can record what it
// adds; nullptr when there is no such table.
TableInfo* FindWorkingTable(PlanBuilder& b, const std::string& schema, const std::string& name);

// A CREATE INDEX CONCURRENTLY step for `index` on `t` in `phase`, with id
// "<phase>.<id>": non-transactional, done when the index exists and is valid, cleanup
// and reverse DROP INDEX CONCURRENTLY IF EXISTS.
Step BuildIndexStep(Phase phase, const std::string& id, const std::string& summary,
                    const TableInfo& t, const ddl::IndexDef& index);

// Adds the index to `t` and its name to the relation names of the working catalog.
void RecordIndex(PlanBuilder& b, TableInfo& t, const ddl::IndexDef& index, bool primary);

}  // namespace pgphase
