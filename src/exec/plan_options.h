// ReadPlanOptions: what BuildPlan needs from the database besides the catalog snapshot, read
// before planning: the volatility of the functions the spec's expressions call (PlanOptions),
// found in pg_proc through the session's search_path, and the check constraints a column's new
// type cannot take (CarriedCheckProbes). Read-only.
#pragma once

#include <pqxx/pqxx>

#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "pgphase/status.h"

namespace pgphase::exec {

// Errors: ExitCode::kFailure with the SQLSTATE when pg_proc cannot be read.
Result<PlanOptions> ReadPlanOptions(pqxx::connection& conn, const ChangeSpec& spec,
                                    const CatalogSnapshot& catalog);

}  // namespace pgphase::exec
