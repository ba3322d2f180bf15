// Verification of the columns pgphase owns: validate checks, in keyset (or ctid) batches,
// that every row holds the value its expression gives, and repairs the rows that do not
// (PlanBuilder::Verify, BackfillJob::verify). Only a deterministic expression can be checked
// that way. Private to the plan module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pgphase/plan.h"
#include "pgphase/sql.h"

namespace pgphase {

// Why `expr` (analysed as `a`) may give another value when evaluated again, so that a copy
// made from it cannot be verified; "" when it is deterministic. Not deterministic: a
// sub-select that reads other rows, a session value (CURRENT_TIMESTAMP, ...), a function
// that is not IMMUTABLE by `options` (or that `options` does not know), and a conversion to
// or from a type whose text form depends on session settings: a cast to one, a column of
// one that it reads (`sources`: name, type), or `type` itself, the type its value is
// stored as.
std::string WhyNotDeterministic(const ExprAnalysis& a,
                                const std::vector<std::pair<std::string, std::string>>& sources,
                                const std::string& type, const PlanOptions& options);

}  // namespace pgphase
