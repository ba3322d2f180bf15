#include "exec/backfill_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "exec/fake_backfill_io.h"

namespace pgphase::exec {
namespace {

using Sizes = std::vector<long long>;
using Lines = std::vector<std::string>;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in \"" << text << "\"";
}

class BackfillLoopTest : public ::testing::Test {
 protected:
  // The tests of how the application's waits steer the aim set max_app_wait; the others
  // leave the application out, so batches aim at target_batch_time from the first.
  BackfillLoopTest() { settings_.s.max_app_wait = Millis(0); }

  Status Run() { return Run(settings_); }
  Status Run(const BackfillSettings& settings) {
    BackfillLoop loop(io_, settings, {out_, false, "orders"}, live_);
    return loop.Run();
  }

  // The sizes of the first `n` batches.
  std::vector<long long> FirstSizes(size_t n) const {
    return {io_.sizes.begin(), io_.sizes.begin() + std::min(n, io_.sizes.size())};
  }

  // For the tests of the application's waits: a walk of `rows` rows (1ms a row) from a first
  // batch of `first` rows, batches down to 10 rows, and max_app_wait 50ms.
  void HeedTheApp(long long first, long long rows = 1'000'000) {
    io_.rows = rows;
    io_.initial_batch = first;
    settings_.s.batch_size_min = 10;
    settings_.s.max_app_wait = Millis(50);
  }

  // Stops the loop once `n` batches ran, for tests about how sizes move.
  void StopAfter(int n) {
    io_.on_batch = [this, n](int batch) { io_.stop = batch >= n; };
  }

  FakeBackfillIo io_;
  MutableSettings settings_;
  std::ostringstream out_;
  LiveState live_;
};

TEST_F(BackfillLoopTest, BatchSizeDoublesAtMostPerBatchUpToTheMaximum) {
  io_.rows = 1'000'000;
  io_.batch_time = [](long long n) { return Millis(n / 100); };  // fast: 100 rows a ms
  settings_.s.batch_size_max = 5000;
  StopAfter(8);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{100, 200, 400, 800, 1600, 3200, 5000, 5000}));
}

TEST_F(BackfillLoopTest, BatchSizeHalvesAtMostPerBatchDownToTheMinimum) {
  io_.rows = 1'000'000;
  io_.stored = {{}, 1, 1'000'000, 4000};                        // resumed at size 4000
  io_.batch_time = [](long long n) { return Millis(10 * n); };  // slow: 10ms a row
  StopAfter(8);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{4000, 2000, 1000, 500, 250, 125, 100, 100}));
}

TEST_F(BackfillLoopTest, BatchSizeSettlesWhereABatchTakesTheTargetTime) {
  io_.rows = 1'000'000;  // 1ms a row, target 200ms: 200 rows
  io_.stored = {{}, 1, 1'000'000, 1000};
  StopAfter(5);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{1000, 500, 250, 200, 200}));

  io_.stored.batch_size = 150;
  io_.sizes.clear();
  io_.stop = false;
  StopAfter(3);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{150, 200, 200}));
}

// 1ms a row, target 200ms, max_app_wait 50ms. Nobody waits: the aim starts at 50ms and
// doubles every 250ms without a wait, so batches of 100 rows (after the first, of 200) grow
// to 200, where they settle.
TEST_F(BackfillLoopTest, BeforeTheFirstWaitTheAimRampsUpFromMaxAppWaitToTheTarget) {
  HeedTheApp(200);
  StopAfter(9);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{200, 100, 100, 100, 100, 200, 200, 200, 200}))
      << "aim 50ms, 100ms 300ms in, 200ms 600ms in";
  EXPECT_EQ(live_.Snapshot().app_waits, 0);
  EXPECT_TRUE(io_.EventDetails("app_waited").empty());
}

// The same, with waits from batch 2 on: the aim (50ms, its start) stays at max_app_wait, and
// the first wait is recorded though it did not shrink the aim.
TEST_F(BackfillLoopTest, WhileTheAppWaitsOnBatchesTheyAimAtMaxAppWait) {
  HeedTheApp(200);
  io_.app_wait_at = {{2, {3, Millis(40)}}, {3, {1, Millis(45)}}};
  StopAfter(12);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{200, 100, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50}))
      << "waits within the budget hold the aim at 50ms";
  EXPECT_EQ(live_.Snapshot().app_waits, 4);
  EXPECT_EQ(io_.EventDetails("app_waited"),
            (Lines{"3 application sessions waited on the batch (the longest 40ms): batches now "
                   "aim at 50ms"}))
      << "recorded at the first wait and when the aim shrinks, not on every wait";
}

// An application that comes once the aim has reached the target (600ms in, as above) brings
// it down to max_app_wait at its first wait.
TEST_F(BackfillLoopTest, AFirstWaitAfterTheRampBringsTheAimDownToMaxAppWait) {
  HeedTheApp(200);
  io_.app_wait_at = {{8, {1, Millis(30)}}};
  StopAfter(11);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{200, 100, 100, 100, 100, 200, 200, 200, 100, 50, 50}));
  EXPECT_EQ(io_.EventDetails("app_waited"),
            (Lines{"1 application session waited on the batch (the longest 30ms): batches now "
                   "aim at 50ms"}));
}

TEST_F(BackfillLoopTest, WaitsLongerThanMaxAppWaitHalveTheAimAgain) {
  HeedTheApp(50);
  io_.app_wait_at = {{1, {1, Millis(80)}}, {2, {1, Millis(60)}}};
  StopAfter(4);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{50, 25, 12, 12})) << "aim 25ms, then 12ms; it holds there";
}

// An aim below the shortest (2ms) is never raised by halving: 5ms, then 2ms.
TEST_F(BackfillLoopTest, HalvingASmallAimNeverRaisesIt) {
  io_.rows = 1'000'000;
  io_.initial_batch = 5;
  settings_.s.batch_size_min = 1;
  settings_.s.max_app_wait = Millis(5);
  io_.app_wait_at = {{1, {1, Millis(4)}}, {2, {1, Millis(9)}}, {3, {1, Millis(9)}}};
  StopAfter(5);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{5, 5, 2, 2, 2}));
}

// 1ms a row, so a batch of 25 rows takes 25ms. The wait (80ms, over the 50ms budget) comes
// with the first batch; 2 s later the aim doubles back to max_app_wait, and no further.
TEST_F(BackfillLoopTest, AfterTwoSecondsWithoutAWaitTheAimDoublesBackToMaxAppWait) {
  HeedTheApp(50);
  io_.app_wait_at = {{1, {1, Millis(80)}}};
  StopAfter(200);  // about 5 s
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes[2], 25) << "aim 25ms after the wait";
  EXPECT_EQ(io_.sizes[70], 25) << "1.8 s after the wait: still 25ms";
  EXPECT_EQ(io_.sizes.back(), 50) << "2 s after: max_app_wait";
  EXPECT_EQ(*std::max_element(io_.sizes.begin() + 1, io_.sizes.end()), 50)
      << "and not past it: the application still writes the table";
}

// The wait comes with the first batch (200ms); then batches of 50 rows (50ms). Only a minute
// without a wait lets the aim grow past max_app_wait: 100ms, and the target 2 s later.
TEST_F(BackfillLoopTest, AMinuteWithoutAWaitLetsTheAimGrowBackToTheTarget) {
  HeedTheApp(200, 10'000'000);
  io_.app_wait_at = {{1, {1, Millis(10)}}};
  StopAfter(1300);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes[2], 50) << "aim 50ms after the wait";
  EXPECT_EQ(io_.sizes[1150], 50) << "57.5 s after the wait: still 50ms";
  EXPECT_EQ(io_.sizes[1202], 100) << "a minute after: 100ms";
  EXPECT_EQ(io_.sizes.back(), 200) << "and the target 2 s later";
}

// An application that keeps meeting batches now and then, but not on every one, keeps the
// aim down: ten batches without a wait are not enough to grow it back.
TEST_F(BackfillLoopTest, WaitsEveryFewBatchesKeepTheAimDown) {
  HeedTheApp(200);
  for (int batch = 1; batch <= 60; batch += 12) io_.app_wait_at[batch] = {1, Millis(10)};
  StopAfter(60);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  for (size_t i = 2; i < io_.sizes.size(); ++i) EXPECT_EQ(io_.sizes[i], 50) << "batch " << i;
}

TEST_F(BackfillLoopTest, MaxAppWaitZeroIgnoresTheApp) {
  io_.rows = 1'000'000;
  io_.stored = {{}, 1, 1'000'000, 200};
  settings_.s.max_app_wait = Millis(0);
  io_.app_wait_at = {{1, {5, Millis(180)}}, {2, {5, Millis(180)}}};
  StopAfter(3);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{200, 200, 200}));
}

TEST_F(BackfillLoopTest, TimedOutBatchIsRetriedAtHalfTheSize) {
  io_.stored = {{}, 0, 0, 400};
  io_.timeout_at = {{1, "55P03"}};
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(FirstSizes(2), (Sizes{400, 200}));
  EXPECT_EQ(io_.EventDetails("batch_timeout"), (Lines{"55P03;" + io_.blockers}));
  EXPECT_TRUE(Contains(out_.str(),
                       "batch timed out (SQLSTATE 55P03); retrying with batch size "
                       "200; blocked by:" +
                           io_.blockers));
  EXPECT_EQ(io_.finished_with, 1000);
  EXPECT_EQ(io_.checkpointed, 1000);
}

TEST_F(BackfillLoopTest, AsManyTimeoutsInARowAsLockRetriesAreRetried) {
  settings_.s.lock_retries = 2;
  io_.timeout_at = {{1, "55P03"}, {2, "55P03"}, {4, "57014"}, {5, "57014"}};
  EXPECT_TRUE(Run().ok()) << "a batch that gets through starts the count again";
  EXPECT_EQ(io_.finished_with, 1000);
}

TEST_F(BackfillLoopTest, MoreTimeoutsInARowThanLockRetriesFailNamingTheSqlstate) {
  settings_.s.lock_retries = 2;
  io_.timeout_at = {{1, "57014"}, {2, "57014"}, {3, "57014"}};
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kFailure);
  EXPECT_TRUE(Contains(st.message(), "SQLSTATE 57014"));
  EXPECT_TRUE(Contains(st.message(), "3 batches in a row timed out; blocked by:" + io_.blockers));
  EXPECT_EQ(io_.sizes.size(), 3u);
  EXPECT_EQ(io_.finished_with, std::nullopt);
}

TEST_F(BackfillLoopTest, OtherBatchFailuresFailAtOnce) {
  io_.fail_at = {2};
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kFailure);
  EXPECT_TRUE(Contains(st.message(), "23505"));
  EXPECT_EQ(io_.sizes.size(), 2u);
}

TEST_F(BackfillLoopTest, PauseStopsRightAfterTheCheckpointThatSawIt) {
  io_.pause_seen_at = {2};
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kStopped);
  EXPECT_TRUE(Contains(st.message(), "pgphase pause"));
  EXPECT_EQ(io_.sizes.size(), 2u);
  EXPECT_EQ(io_.checkpointed, 100 + 200);
  EXPECT_EQ(io_.finished_with, std::nullopt);
}

TEST_F(BackfillLoopTest, DeadlineStopsBeforeTheNextBatch) {
  io_.batch_time = [](long long) { return Millis(300); };
  settings_.s.deadline = io_.now + Millis(1000);
  settings_.s.deadline_reason = "--max-runtime 1s reached";
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kStopped);
  EXPECT_TRUE(Contains(st.message(), "--max-runtime 1s reached"));
  EXPECT_EQ(io_.sizes.size(), 4u) << "batches end at 300, 600, 900 and 1200ms";
  EXPECT_EQ(io_.finished_with, std::nullopt);
}

TEST_F(BackfillLoopTest, StopSignalStopsBeforeTheNextBatch) {
  StopAfter(2);
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kStopped);
  EXPECT_TRUE(Contains(st.message(), "stopped by signal"));
  EXPECT_EQ(io_.sizes.size(), 2u);
  EXPECT_EQ(io_.finished_with, std::nullopt);
}

TEST_F(BackfillLoopTest, StopSignalDuringATimedOutBatchStopsRatherThanRetries) {
  io_.timeout_at = {{2, "55P03"}};
  StopAfter(2);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes.size(), 2u);
  EXPECT_TRUE(io_.EventDetails("batch_timeout").empty());
}

TEST_F(BackfillLoopTest, ReplicaLagHoldsBatchesUntilItClears) {
  settings_.s.max_replica_lag = Millis(1000);
  io_.rows = 100;
  io_.lags = {5.0, 5.0, 0.5};
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(io_.log, (Lines{"lag 5.0", "sleep 250", "lag 5.0", "sleep 250", "lag 0.5", "batch 100",
                            "lag 0.5", "finish 100"}));
  EXPECT_EQ(io_.EventDetails("throttled"), (Lines{"replica standby1 replay lag 5.0s > 1s"}))
      << "one event per hold, not per look";
  EXPECT_TRUE(Contains(out_.str(), "throttled: replica standby1"));
}

TEST_F(BackfillLoopTest, ReplicaLagWithinTheLimitHoldsNothing) {
  settings_.s.max_replica_lag = Millis(1000);
  io_.lags = {1.0};
  ASSERT_TRUE(Run().ok());
  EXPECT_TRUE(io_.EventDetails("throttled").empty());
  EXPECT_EQ(io_.finished_with, 1000);
}

class ReplicaHoldTest : public BackfillLoopTest {
 protected:
  void SetUp() override {
    settings_.s.max_replica_lag = Millis(1000);
    io_.lags = {5.0};  // for ever
  }

  void ExpectStoppedWithoutABatch(const std::string& why) {
    const Status st = Run();
    EXPECT_EQ(st.code(), ExitCode::kStopped);
    EXPECT_TRUE(Contains(st.message(), why));
    EXPECT_TRUE(Contains(st.message(), "while throttled"));
    EXPECT_TRUE(io_.sizes.empty());
  }
};

TEST_F(ReplicaHoldTest, PauseDuringTheHoldStops) {
  io_.pause_requested = true;
  ExpectStoppedWithoutABatch("pgphase pause");
}

TEST_F(ReplicaHoldTest, DeadlineDuringTheHoldStops) {
  settings_.s.deadline = io_.now + Millis(1000);
  settings_.s.deadline_reason = "--until 06:00 reached";
  ExpectStoppedWithoutABatch("--until 06:00 reached");
  EXPECT_EQ(std::count(io_.log.begin(), io_.log.end(), "sleep 250"), 4);
}

TEST_F(ReplicaHoldTest, StopSignalDuringTheHoldStops) {
  int sleeps = 0;
  io_.on_sleep = [&] { io_.stop = ++sleeps == 2; };
  ExpectStoppedWithoutABatch("stopped by signal");
  EXPECT_EQ(sleeps, 2);
}

TEST_F(BackfillLoopTest, RestartedWalkIsRecordedAsAnEvent) {
  io_.restart_at = {2};
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(io_.EventDetails("backfill_restarted"), (Lines{"fake: rewritten"}));
  EXPECT_TRUE(Contains(out_.str(), "\n  fake: rewritten\n"));
  EXPECT_EQ(io_.finished_with, 1000);
}

TEST_F(BackfillLoopTest, VerificationBatchThatRepairedRowsSaysSoAndRecordsAnEvent) {
  io_.repair_at = {{2, Repair{2, {"105", "142"}, 0, {}}}};
  BackfillLoop loop(io_, settings_, {out_, false, "orders", "verify"});
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_EQ(io_.EventDetails("verify_repaired"),
            (Lines{"2 rows differed from `up` and were repaired (keys: 105, 142)"}));
  EXPECT_TRUE(Contains(out_.str(),
                       "\n  verify orders: 2 rows differed from `up` and were "
                       "repaired (keys: 105, 142)\n"));
  EXPECT_TRUE(Contains(out_.str(), "verify orders: 1000/1000 rows (100%)"));
  EXPECT_EQ(io_.finished_with, 1000);
}

TEST_F(BackfillLoopTest, FreshBackfillStartsAndItsRowsAddUpToTheTotal) {
  io_.estimate = 900;  // an estimate, lower than the truth
  ASSERT_TRUE(Run().ok());
  EXPECT_TRUE(io_.started);
  EXPECT_EQ(io_.checkpointed, 1000);
  EXPECT_EQ(io_.finished_with, 1000);
  EXPECT_TRUE(Contains(out_.str(), "backfill orders: 1000/1000 rows (100%)"));
}

TEST_F(BackfillLoopTest, ResumedBackfillContinuesFromItsCheckpoint) {
  io_.stored = {{"600"}, 600, 1000, 150};
  ASSERT_TRUE(Run().ok());
  EXPECT_FALSE(io_.started);
  EXPECT_EQ(io_.sizes.front(), 150);
  EXPECT_EQ(io_.checkpointed, 400);
  EXPECT_EQ(io_.finished_with, 1000);
  EXPECT_TRUE(Contains(out_.str(), "backfill orders: 1000/1000 rows (100%)"));
}

// The checkpoint's 4000 rows were fitted to an aim of 200ms; a loop that heeds the app starts
// at a fresh loop's first size (100 rows, 100ms), then halves toward its aim (10ms).
TEST_F(BackfillLoopTest, ResumedBackfillThatHeedsTheAppStartsNoLargerThanAFreshOne) {
  io_.stored = {{"600"}, 600, 1'000'000, 4000};
  io_.rows = 1'000'000;
  settings_.s.batch_size_min = 10;
  settings_.s.max_app_wait = Millis(10);
  StopAfter(2);
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{100, 50}));
}

TEST_F(BackfillLoopTest, ProgressShowsEveryFiveSecondsInALog) {
  io_.rows = io_.estimate = 2000;
  io_.batch_time = [](long long) { return Millis(1000); };
  settings_.s.batch_size_max = 100;  // 20 batches of a second
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(out_.str(),
            "  backfill orders: 100/2000 rows (5%), 100 rows/s, ETA 19s, batch 100\n"
            "  backfill orders: 600/2000 rows (30%), 100 rows/s, ETA 14s, batch 100\n"
            "  backfill orders: 1100/2000 rows (55%), 100 rows/s, ETA 9s, batch 100\n"
            "  backfill orders: 1600/2000 rows (80%), 100 rows/s, ETA 4s, batch 100\n"
            "  backfill orders: 2000/2000 rows (100%), 100 rows/s, ETA -, batch 100\n");
}

TEST_F(BackfillLoopTest, BatchDelaySleepsAfterEachBatch) {
  io_.rows = 300;
  settings_.s.batch_delay = Millis(50);
  settings_.s.batch_size_max = 100;
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(io_.log, (Lines{"batch 100", "sleep 50", "batch 100", "sleep 50", "batch 100",
                            "sleep 50", "finish 300"}));
}

TEST_F(BackfillLoopTest, SettingsChangedBetweenBatchesApplyFromTheNextBatch) {
  io_.rows = 1'000'000;
  io_.batch_time = [](long long n) { return Millis(n / 100); };
  io_.on_batch = [this](int batch) {
    if (batch == 3) settings_.s.batch_size_max = 250;
    io_.stop = batch >= 5;
  };
  EXPECT_EQ(Run().code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{100, 200, 400, 250, 250}));
}

TEST_F(BackfillLoopTest, LiveThrottleHoldsBatchesUntilResumed) {
  io_.rows = 100;
  live_.SetThrottled(true);
  int sleeps = 0;
  io_.on_sleep = [&] {
    if (++sleeps == 3) live_.SetThrottled(false);
  };
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(io_.log, (Lines{"sleep 250", "sleep 250", "sleep 250", "batch 100", "finish 100"}));
  EXPECT_EQ(io_.EventDetails("throttled"), (Lines{"held by POST /throttle"}));
  EXPECT_DOUBLE_EQ(live_.Snapshot().throttled_seconds["manual"], 0.75);
}

TEST_F(BackfillLoopTest, StopDuringALiveThrottleStopsWithoutABatch) {
  live_.SetThrottled(true);
  io_.on_sleep = [&] { io_.stop = true; };
  const Status st = Run();
  EXPECT_EQ(st.code(), ExitCode::kStopped);
  EXPECT_TRUE(Contains(st.message(), "stopped by signal while throttled"));
  EXPECT_TRUE(io_.sizes.empty());
}

TEST_F(BackfillLoopTest, LiveSettingsOverrideAppliesFromTheNextBatch) {
  io_.rows = 1'000'000;
  io_.batch_time = [](long long n) { return Millis(n / 100); };
  const LiveBackfillSettings settings(settings_.s, live_);
  io_.on_batch = [this](int batch) {
    SettingsOverride change;
    change.batch_size_max = 150;
    if (batch == 2) live_.Override(change);
    io_.stop = batch >= 4;
  };
  EXPECT_EQ(Run(settings).code(), ExitCode::kStopped);
  EXPECT_EQ(io_.sizes, (Sizes{100, 200, 150, 150}));
}

TEST_F(BackfillLoopTest, PublishesProgressBatchTimesAndDelays) {
  io_.rows = 300;
  settings_.s.batch_size_max = 100;
  settings_.s.batch_delay = Millis(50);
  ASSERT_TRUE(Run().ok());
  const LiveSnapshot s = live_.Snapshot();
  ASSERT_EQ(s.tables.count("orders"), 1u);
  EXPECT_EQ(s.tables.at("orders").rows_done, 300);
  EXPECT_EQ(s.tables.at("orders").rows_total, 1000);
  EXPECT_EQ(s.batch_size, 100);
  EXPECT_GT(s.rows_per_second, 0);
  EXPECT_EQ(s.batches, 3);  // 100 rows at 1ms a row: 0.1s each, in the 0.1 bucket
  EXPECT_EQ(s.batch_buckets[4], 3);
  EXPECT_DOUBLE_EQ(s.batch_seconds_sum, 0.3);
  EXPECT_DOUBLE_EQ(s.throttled_seconds.at("batch_delay"), 0.15);
}

TEST_F(BackfillLoopTest, TimedOutBatchCountsALockRetry) {
  io_.timeout_at = {{1, "55P03"}, {2, "57014"}};
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(live_.Snapshot().lock_retries, 2);
}

TEST_F(BackfillLoopTest, VerificationPublishesNoBackfillProgress) {
  BackfillLoop loop(io_, settings_, {out_, false, "orders", "verify"}, live_);
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_TRUE(live_.Snapshot().tables.empty());
  EXPECT_EQ(live_.Snapshot().batches, 0);
}

}  // namespace
}  // namespace pgphase::exec
