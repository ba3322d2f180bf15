// The precheck before expand (issue 9): every Plan::prechecks entry evaluated over the
// existing rows of its table, read-only, before the migration is registered, so a value
// `up` cannot convert is refused up front (exit 2, naming the rows) with nothing changed.
#pragma once

#include <iosfwd>
#include <pqxx/pqxx>

#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "pgphase/status.h"

namespace pgphase::exec {

// Runs the plan's prechecks, printing one line per check to `out`. Ok when every row
// converts; ExitCode::kInvalid naming the migration, the column, the expression, the first
// failing rows and their errors otherwise; kFailure when the scan itself fails.
Status RunPrechecks(pqxx::connection& conn, const Plan& plan, const ChangeSpec& spec,
                    std::ostream& out);

}  // namespace pgphase::exec
