#include "exec/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace pgphase::exec {

Progress::Progress(std::ostream& out, bool tty, std::string label, std::string_view unit,
                   long long total, long long done, Clock::time_point start)
    : out_(out),
      tty_(tty),
      label_(std::move(label)),
      unit_(unit),
      total_(total),
      start_done_(done),
      start_(start) {}

void Progress::SetThrottle(const std::string& reason) {
  if (reason != throttle_) last_ = {};  // show a change at once
  throttle_ = reason;
}

void Progress::Update(Clock::time_point now, long long done, long long batch, bool final) {
  if (!final && last_ != Clock::time_point{} && now - last_ < (tty_ ? Millis(100) : Millis(5000)))
    return;
  last_ = now;
  std::string line = Line(now, done, batch, final);
  if (!tty_) {
    out_ << line << "\n" << std::flush;
    return;
  }
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(kWidth * Percent(done) / 100.0);
  line = "\r  [" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "]" +
         line.substr(1) + "\033[K";
  out_ << line << (final ? "\n" : "") << std::flush;
}

double Progress::Rate(Clock::time_point now, long long done) const {
  const double secs = std::chrono::duration<double>(now - start_).count();
  return secs > 0 ? (done - start_done_) / secs : 0;
}

double Progress::Percent(long long done) const {
  const long long total = Total(done);
  return total > 0 ? 100.0 * done / total : 100.0;
}

std::string Progress::Line(Clock::time_point now, long long done, long long batch,
                           bool final) const {
  const double rate = Rate(now, done);
  const long long total = Total(done);
  const std::string eta =
      rate > 0 && !final
          ? FormatDuration(Millis(static_cast<long long>(1000.0 * (total - done) / rate)))
          : "-";
  std::string line = fmt::format(
      "  {}: {}/{} rows ({:.0f}%), {:.0f} rows/s, ETA {}, "
      "batch {}{}",
      label_, done, total, Percent(done), rate, eta, batch, unit_ == "rows" ? "" : " " + unit_);
  if (!throttle_.empty()) line += ", throttled: " + throttle_;
  return line;
}

}  // namespace pgphase::exec
