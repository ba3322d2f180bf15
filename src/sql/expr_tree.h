// The parse tree of one user expression (private to the sql module).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "pgphase/status.h"

namespace pgphase::sql_internal {

// The value node of "SELECT (<expr>)" as libpg_query gives it (its JSON), after the checks
// AnalyzeExpression makes: exactly one expression, no SQL around it.
Result<nlohmann::json> ExpressionTree(std::string_view expr);

}  // namespace pgphase::sql_internal
