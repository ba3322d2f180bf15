// Progress of one backfill (or verification): on a terminal one line redrawn in place, in a log a
// line every few seconds. Time comes from the caller (the loop's clock), so tests can drive it. Not
// thread-safe; one per backfill loop.
#pragma once

#include <algorithm>
#include <iosfwd>
#include <string>
#include <string_view>

#include "exec/runner.h"

namespace pgphase::exec {

class Progress {
 public:
  // `out` must outlive the Progress. `label` starts each line ("backfill orders"); `unit` is
  // the batch size's ("rows", "pages"); `done` rows were done before `start` (a resumed
  // backfill).
  Progress(std::ostream& out, bool tty, std::string label, std::string_view unit, long long total,
           long long done, Clock::time_point start);

  // What holds the backfill back now ("" when nothing): shown until it clears.
  void SetThrottle(const std::string& reason);

  // Shows `done` rows and the current batch size: at most every 100ms on a terminal,
  // every 5s otherwise; a final update always shows, and ends the terminal's line.
  void Update(Clock::time_point now, long long done, long long batch, bool final = false);

  // Rows a second since the start, and the total (which grows to `done` if need be).
  double Rate(Clock::time_point now, long long done) const;
  long long Total(long long done) const { return std::max(total_, done); }

 private:
  double Percent(long long done) const;  // of the total, which grows to `done` if need be
  std::string Line(Clock::time_point now, long long done, long long batch, bool final) const;

  std::ostream& out_;
  bool tty_;
  std::string label_;
  std::string unit_;
  long long total_;
  long long start_done_;
  Clock::time_point start_;
  Clock::time_point last_{};  // of the last line shown; {}: none yet, or show the next
  std::string throttle_;
};

}  // namespace pgphase::exec
