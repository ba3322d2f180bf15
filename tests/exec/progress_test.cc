#include "exec/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pgphase::exec {
namespace {

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);

TEST(ProgressTest, TerminalRedrawsOneLineAndEndsItWhenDone) {
  std::ostringstream out;
  Progress p(out, true, "backfill orders", "pages", 1000, 0, kStart);
  p.Update(kStart + Millis(1000), 500, 10);
  p.Update(kStart + Millis(1050), 600, 10);  // within 100ms: not drawn
  p.Update(kStart + Millis(2000), 1000, 10, true);
  EXPECT_EQ(out.str(),
            "\r  [############            ] backfill orders: 500/1000 rows (50%), 500 rows/s, "
            "ETA 1s, batch 10 pages\033[K"
            "\r  [########################] backfill orders: 1000/1000 rows (100%), 500 rows/s, "
            "ETA -, batch 10 pages\033[K\n");
}

TEST(ProgressTest, ThrottleShowsAtOnceAndUntilItClears) {
  std::ostringstream out;
  Progress p(out, false, "backfill orders", "rows", 1000, 0, kStart);
  p.Update(kStart + Millis(1000), 100, 100);
  p.SetThrottle("replica s1 replay lag 9.0s > 1s");
  p.Update(kStart + Millis(2000), 100, 100);  // a change shows though 5s have not passed
  p.Update(kStart + Millis(3000), 100, 100);  // no change, 1s later: not shown
  p.Update(kStart + Millis(7000), 100, 100);
  p.SetThrottle("");
  p.Update(kStart + Millis(8000), 200, 100);
  EXPECT_EQ(out.str(),
            "  backfill orders: 100/1000 rows (10%), 100 rows/s, ETA 9s, batch 100\n"
            "  backfill orders: 100/1000 rows (10%), 50 rows/s, ETA 18s, batch 100, "
            "throttled: replica s1 replay lag 9.0s > 1s\n"
            "  backfill orders: 100/1000 rows (10%), 14 rows/s, ETA 1m3s, batch 100, "
            "throttled: replica s1 replay lag 9.0s > 1s\n"
            "  backfill orders: 200/1000 rows (20%), 25 rows/s, ETA 32s, batch 100\n");
}

}  // namespace
}  // namespace pgphase::exec
