#include "pgphase/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace pgphase {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t millis;
};

// Largest first: the order FormatDuration writes them in and ParseDuration accepts them in.
constexpr std::array<Unit, 4> kUnits = {{
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Error(std::string_view text, std::string_view what) {
  return Status::Invalid("invalid duration \"" + std::string(text) + "\": " + std::string(what) +
                         " (write e.g. 250ms, 1s, 10m, 1h30m)");
}

// The unit written at text[pos]: every character up to the next digit.
std::string_view UnitAt(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && !IsDigit(text[end])) ++end;
  return text.substr(pos, end - pos);
}

// Index of `suffix` in kUnits, or -1.
int FindUnit(std::string_view suffix) {
  for (size_t i = 0; i < kUnits.size(); ++i) {
    if (kUnits[i].suffix == suffix) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

Result<Millis> ParseDuration(std::string_view text) {
  if (text.empty()) return Error(text, "empty");
  if (text[0] == '-') return Error(text, "negative durations are not allowed");
  int64_t total = 0;
  int previous_unit = -1;
  size_t pos = 0;
  while (pos < text.size()) {
    if (!IsDigit(text[pos])) return Error(text, "expected a number");
    int64_t number = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      int digit = text[pos++] - '0';
      if (number > (kMax - digit) / 10) return Error(text, "too large");
      number = number * 10 + digit;
    }
    if (pos == text.size()) return Error(text, "missing unit (ms, s, m or h)");
    std::string_view suffix = UnitAt(text, pos);
    pos += suffix.size();
    int unit = FindUnit(suffix);
    if (unit < 0) {
      return Error(text, "unknown unit \"" + std::string(suffix) + "\" (expected ms, s, m or h)");
    }
    if (unit <= previous_unit)
      return Error(text, "units must go from largest to smallest, once each");
    previous_unit = unit;
    if (number > kMax / kUnits[unit].millis) return Error(text, "too large");
    int64_t part = number * kUnits[unit].millis;
    if (total > kMax - part) return Error(text, "too large");
    total += part;
  }
  return Millis(total);
}

std::string FormatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms == 0) return "0ms";
  std::string out;
  // Negative durations never come out of ParseDuration; render them readably anyway.
  // Work on the magnitude as unsigned so the most negative value does not overflow.
  uint64_t rest = static_cast<uint64_t>(ms);
  if (ms < 0) {
    out = "-";
    rest = 0 - rest;
  }
  for (const Unit& unit : kUnits) {
    uint64_t count = rest / static_cast<uint64_t>(unit.millis);
    rest %= static_cast<uint64_t>(unit.millis);
    if (count > 0) out += std::to_string(count) + std::string(unit.suffix);
  }
  return out;
}

}  // namespace pgphase
