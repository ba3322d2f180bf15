// A parallel backfill (--workers, the `workers` setting): the table's key range (or pages) in
// parts, a checkpoint row each, filled on a connection each (docs/how-it-works.md, "Backfill").
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"

namespace pgphase::it {
namespace {

class WorkersTest : public OrdersTest {
 protected:
  long long Parts() {
    return ScalarInt("SELECT count(*) FROM pgphase.backfill WHERE migration = '" +
                     std::string(kMigration) + "'");
  }
  long long PartsStarted() {
    if (!RelationExists("pgphase.backfill")) return 0;
    return ScalarInt("SELECT count(*) FROM pgphase.backfill WHERE rows_done > 0");
  }

  // `apply --through backfill --workers N` in the background while the old app inserts rows
  // and changes `amount` (which `up` reads) of rows the parts have and have not reached.
  void FillWhileTheAppWrites(int workers) {
    SeedOrders(100000);
    const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
    pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--batch-delay", "5ms", "--workers",
                       std::to_string(workers)});
    ASSERT_TRUE(Eventually([&] { return BackfillRowsDone(kMigration) > 0; }, Millis(60'000), pid))
        << WaitExit(pid, Millis(1000));
    long long next = 100001;
    int rounds = 0;
    while (!TryReap(pid)) {
      OldAppWrites(next, 50);
      next += 50;
      ++rounds;
      std::this_thread::sleep_for(Millis(20));
    }
    RunResult r = WaitExit(pid);
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_GT(rounds, 2) << "the backfill ended before the app wrote much";
    EXPECT_EQ(Parts(), workers);
    EXPECT_NE(r.out.find(std::to_string(workers) + " parts"), std::string::npos) << r;
    ExpectPhasesDoneThrough(kMigration, "backfill");
    EXPECT_EQ(OrdersCount(), next - 1) << "lost inserts";
    EXPECT_EQ(BadTotals(), 0) << "a row the parts missed, or filled wrong";
    // Each part read only its own keys: the seeded rows were done once each (the rows the app
    // inserted meanwhile the last part may or may not have reached).
    EXPECT_GE(BackfillRowsDone(kMigration), 100000);
    EXPECT_LE(BackfillRowsDone(kMigration), next - 1);
  }
};

TEST_F(WorkersTest, TwoWorkersFillEveryRowWhileTheAppWrites) { FillWhileTheAppWrites(2); }

TEST_F(WorkersTest, FourWorkersFillEveryRowWhileTheAppWrites) { FillWhileTheAppWrites(4); }

// kill -9 with every part under way: each part's batches committed with its own checkpoint,
// and the next apply (with other workers: the split stays) goes on with every part where it
// stopped, redoing and skipping nothing.
TEST_F(WorkersTest, KillNineMidParallelBackfillResumesEveryPartExactly) {
  SeedOrders(200000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  pid_t pid =
      Spawn({"apply", spec, "--through", "backfill", "--batch-delay", "20ms", "--workers", "4"});
  ASSERT_TRUE(Eventually([&] { return PartsStarted() == 4; }, Millis(60'000), pid))
      << "not every part got going" << WaitExit(pid, Millis(1000));
  ASSERT_TRUE(Signal(pid, SIGKILL));
  RunResult killed = WaitExit(pid, Millis(10'000));
  EXPECT_EQ(killed.term_signal, SIGKILL) << killed;
  ASSERT_TRUE(WaitForNoOtherSessions()) << "the killed executor's sessions linger";

  const long long done = BackfillRowsDone(kMigration);
  EXPECT_LT(done, 200000) << "the kill came too late to test a resume";
  EXPECT_EQ(FilledTotals(), done) << "each part's batch must commit with its checkpoint";
  EXPECT_EQ(Parts(), 4);

  RunResult r = Run({"apply", spec, "--through", "backfill", "--workers", "2"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("4 parts, 2 at a time"), std::string::npos) << r;
  ExpectPhasesDoneThrough(kMigration, "backfill");
  EXPECT_EQ(Parts(), 4);
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_EQ(BackfillRowsDone(kMigration), 200000) << "no rows redone or skipped";
}

// `pgphase pause` stops every part at its next batch; status then shows the parts' progress
// summed, and the resume completes it.
TEST_F(WorkersTest, PauseStopsEveryPartAndStatusSumsTheirProgress) {
  SeedOrders(100000);
  const std::string spec =
      WriteOrdersSpec(kMigration, kSlowBatchSettings + std::string("  workers: 3\n"));
  pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--batch-delay", "20ms"});
  ASSERT_TRUE(Eventually([&] { return PartsStarted() == 3; }, Millis(60'000), pid))
      << "not every part got going" << WaitExit(pid, Millis(1000));
  RunResult paused = Run({"pause", kMigration});
  ASSERT_EQ(paused.exit_code, 0) << paused;
  RunResult stopped = WaitExit(pid, Millis(60'000));
  EXPECT_EQ(stopped.exit_code, 5) << stopped;

  const long long done = BackfillRowsDone(kMigration);
  const long long largest_part = ScalarInt("SELECT max(rows_done) FROM pgphase.backfill");
  EXPECT_GT(done, largest_part) << "more than one part did rows";
  EXPECT_EQ(FilledTotals(), done);
  RunResult status = Run({"status", kMigration, "--json"});
  ASSERT_EQ(status.exit_code, 0) << status;
  const auto json = nlohmann::json::parse(status.out);
  const auto& phases = json["migrations"][0]["phases"];
  nlohmann::json progress;
  for (const auto& p : phases)
    if (p["name"] == "backfill") progress = p["progress"];
  ASSERT_FALSE(progress.is_null()) << status;
  EXPECT_EQ(progress["rows_done"].get<long long>(), done) << status;
  EXPECT_NEAR(progress["rows_total"].get<double>(), 100000, 10) << status;
  EXPECT_GT(progress["eta_seconds"].get<double>(), 0) << status;

  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_EQ(BackfillRowsDone(kMigration), 100000);
}

// The window end (--max-runtime) stops every part with exit 5; their checkpoints hold exactly
// the rows filled, and the resume completes each part.
TEST_F(WorkersTest, WindowEndStopsEveryPartAndTheResumeCompletesThem) {
  SeedOrders(200000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  RunResult stopped = Run({"apply", spec, "--through", "backfill", "--batch-delay", "20ms",
                           "--workers", "2", "--max-runtime", "2s"});
  ASSERT_EQ(stopped.exit_code, 5) << stopped;
  EXPECT_NE((stopped.out + stopped.err).find("--max-runtime 2s reached"), std::string::npos)
      << stopped;
  EXPECT_EQ(PartsStarted(), 2) << "both parts ran until the window end";
  const long long done = BackfillRowsDone(kMigration);
  EXPECT_LT(done, 200000) << "the window ended too late to test a resume";
  EXPECT_EQ(FilledTotals(), done);
  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_EQ(BackfillRowsDone(kMigration), 200000);
}

// A table with no key splits by pages; every row is filled, through contract.
TEST_F(WorkersTest, CtidWalkSplitsByPageRanges) {
  Exec(
      "CREATE TABLE readings (id int NOT NULL, n int NOT NULL, note text);"
      "INSERT INTO readings SELECT g, g % 1000, 'r' || g FROM generate_series(1, 50000) g;"
      "ANALYZE readings;");
  const std::string spec =
      WriteAddColumnSpec("0001_readings_n2", "readings", "n * 2", "n2", "integer", false,
                         "  batch_size_max: 2000\n  workers: 3\n");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string fill =
      " FROM pgphase.backfill b JOIN pgphase.steps s USING (migration, step_id) "
      "WHERE b.migration = '0001_readings_n2' AND s.phase = 'backfill'";
  EXPECT_EQ(ScalarInt("SELECT count(*)" + fill + " AND cardinality(b.last_key) >= 3"), 3);
  // A part counts the live rows of its pages, which may include a row another part's UPDATE
  // moved there (filled already): at least every row.
  EXPECT_GE(ScalarInt("SELECT sum(b.rows_done)" + fill), 50000);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE n2 IS DISTINCT FROM n * 2"), 0);
}

}  // namespace
}  // namespace pgphase::it
