// An index or constraint on a column that an earlier operation of the same migration fills
// (PlanBuilder::ColumnUntilSwap: an add_column with a backfill, a column changed through a
// shadow column or a column pair) or renames at swap. Until swap the column's values are in
// the column that holds them, not always the one its name points at, and a filled column's
// are complete only once the backfill is done. So such an index or constraint is made on the
// column that holds the values (the swap's renames then carry it to the column's name), and
// on a filled column in validate, after the backfill (an index built before would be updated
// by every backfilled row, and those updates would stop being HOT). Private to the plan
// module.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/spec.h"
#include "pgphase/status.h"
#include "plan/builder.h"

namespace pgphase {

// `columns` of `t` (by the names later operations use) by the columns that hold their
// values until swap (ColumnUntilSwap).
std::vector<std::string> HoldingColumns(const PlanBuilder& b, const TableInfo& t,
                                        const std::vector<std::string>& columns);

// True when this plan fills one of `columns` of `t`.
bool AnyFilled(const PlanBuilder& b, const TableInfo& t, const std::vector<std::string>& columns);

// `expr` (user SQL over t's columns as later operations name them) with each reference to a
// column by the column that holds its values until swap; errors at `where` as
// "<kind>.<field>: ...".
Result<std::string> OntoHoldingColumns(const PlanBuilder& b, const TableInfo& t,
                                       const std::string& expr, const SourceLocation& where,
                                       std::string_view kind, std::string_view field);

}  // namespace pgphase
