// Durations as users write them: "250ms", "1s", "10m", "2h", "1h30m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "pgphase/status.h"

namespace pgphase {

using Millis = std::chrono::milliseconds;

// Parses a sequence of <integer><unit> groups, unit one of ms, s, m, h.
// A bare integer is rejected: the unit is always explicit. Negative values are rejected.
Result<Millis> ParseDuration(std::string_view text);

// Canonical rendering: "0ms", "250ms", "1s", "1m30s", "2h". ParseDuration(FormatDuration(d)) == d.
std::string FormatDuration(Millis d);

}  // namespace pgphase
