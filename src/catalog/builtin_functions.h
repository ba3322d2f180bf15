// The pg_catalog functions' volatility, generated from pg_proc (builtin_functions.cc).
#pragma once

#include <string_view>

namespace pgphase::schema_file {

// Names separated by white space, in byte order.
extern const std::string_view kImmutableFunctions;
extern const std::string_view kStableFunctions;
extern const std::string_view kVolatileFunctions;

}  // namespace pgphase::schema_file
