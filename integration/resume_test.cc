// Stopping a running apply — kill -9, SIGTERM, `pgphase pause`, --max-runtime — and
// resuming it: nothing lost, nothing done twice.
#include <signal.h>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace pgphase::it {
namespace {

class ResumeTest : public OrdersTest {
 protected:
  // Starts a throttled `apply --through backfill` and waits for its first checkpoint.
  pid_t StartSlowBackfill(const std::string& spec, const std::string& delay) {
    pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--batch-delay", delay});
    bool started =
        Eventually([&] { return BackfillRowsDone(kMigration) > 0; }, Millis(60'000), pid);
    if (!started) {
      ADD_FAILURE() << "the backfill never checkpointed a batch" << WaitExit(pid, Millis(1000));
      return -1;
    }
    return pid;
  }

  // Starts a slow backfill, sends it `signal` once it has checkpointed, and returns how it
  // ended (exit_code -1 when it never started).
  RunResult SignalSlowBackfill(const std::string& spec, const std::string& delay, int signal) {
    const pid_t pid = StartSlowBackfill(spec, delay);
    if (pid <= 0) return RunResult{};
    EXPECT_TRUE(Signal(pid, signal)) << "the backfill ended before the signal";
    return WaitExit(pid, Millis(30'000));
  }

  // After a stop the batches committed so far are exactly the checkpoint: the rows
  // filled equal rows_done (nobody else writes orders in these tests).
  void ExpectCheckpointMatchesData(long long total_rows) {
    const long long done = BackfillRowsDone(kMigration);
    EXPECT_GT(done, 0);
    EXPECT_LT(done, total_rows) << "the stop came too late to test a resume";
    EXPECT_EQ(FilledTotals(), done) << "each batch must commit its rows with its checkpoint";
    EXPECT_NE(PhaseStatus(kMigration, "backfill"), "done");
  }

  void ExpectResumeCompletes(const std::string& spec, long long total_rows) {
    RunResult r = Run({"apply", spec, "--through", "backfill"});
    ASSERT_EQ(r.exit_code, 0) << r;
    ExpectPhasesDoneThrough(kMigration, "backfill");
    EXPECT_EQ(BadTotals(), 0);
    EXPECT_EQ(OrdersCount(), total_rows);
    EXPECT_EQ(BackfillRowsDone(kMigration), total_rows) << "no rows redone or skipped";
  }
};

TEST_F(ResumeTest, KillNineMidBackfillThenApplyResumesWithoutRedoingRows) {
  SeedOrders(200000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  RunResult killed = SignalSlowBackfill(spec, "20ms", SIGKILL);
  ASSERT_EQ(killed.term_signal, SIGKILL) << killed;
  // The server side of the killed client must go away (and with it its advisory lock).
  ASSERT_TRUE(WaitForNoOtherSessions()) << "the killed executor's session lingers";

  ExpectCheckpointMatchesData(200000);
  ExpectResumeCompletes(spec, 200000);
  auto attempts = ScalarOptP(
      "SELECT attempts::text FROM pgphase.phases WHERE migration::text = $1 "
      "AND phase::text = 'backfill'",
      std::string(kMigration));
  ASSERT_TRUE(attempts.has_value());
  EXPECT_GE(std::stoi(*attempts), 2) << "the resumed backfill is its second attempt";
}

class StopSignalTest : public ResumeTest, public ::testing::WithParamInterface<int> {};

TEST_P(StopSignalTest, StopsAtASafePointWithExit5ThenApplyResumes) {
  SeedOrders(100000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  pid_t pid = StartSlowBackfill(spec, "50ms");
  ASSERT_GT(pid, 0);
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(Signal(pid, GetParam()));
  RunResult stopped = WaitExit(pid, Millis(30'000));
  EXPECT_EQ(stopped.exit_code, 5) << stopped;
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(10))
      << "stopping must come at the next batch boundary, not the end";
  ASSERT_TRUE(WaitForNoOtherSessions());

  ExpectCheckpointMatchesData(100000);
  ExpectResumeCompletes(spec, 100000);
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignalTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

// A signal in any phase stops apply with exit 5 at the next safe point, and apply resumes.
// The phase is held at one of its steps by a session holding SHARE on the table (which
// conflicts with the DDL lock of every phase of a type change), so apply is retrying that
// step when the signal comes.
struct PhaseSignal {
  const char* phase;
  int signal;
};

void PrintTo(const PhaseSignal& p, std::ostream* os) {
  *os << p.phase << (p.signal == SIGTERM ? " SIGTERM" : " SIGINT");
}

class StopInPhaseTest : public ResumeTest, public ::testing::WithParamInterface<PhaseSignal> {
 protected:
  // Spawns `apply --through phase` and waits until it retries a lock in that phase.
  pid_t StartBlockedAt(const std::string& spec, const std::string& phase) {
    pid_t pid = Spawn(
        {"apply", spec, "--through", phase, "--lock-timeout", "100ms", "--lock-retries", "1000"});
    // A DDL step's retry names its phase in the detail; a batch's is recorded under it.
    const std::string retrying =
        "SELECT count(*) FROM pgphase.events WHERE (event = 'lock_timeout' AND detail LIKE "
        "'%phase " +
        phase + ",%') OR (event = 'batch_timeout' AND phase::text = '" + phase + "')";
    auto waiting = [&] {
      try {
        return ScalarInt(retrying) > 0;
      } catch (const pqxx::undefined_table&) {  // before apply creates its state
        return false;
      }
    };
    if (!Eventually(waiting, Millis(30'000), pid)) {
      ADD_FAILURE() << "apply never waited for the lock in " << phase << WaitExit(pid);
      return -1;
    }
    return pid;
  }
};

TEST_P(StopInPhaseTest, StopsWithExit5AtTheNextSafePointAndApplyResumes) {
  const std::string phase = GetParam().phase;
  SeedOrders(2000);
  const std::string checksum = OriginalDataChecksum();
  const std::string spec =
      WriteSpec("0001_amount_bigint",
                "operations:\n  - alter_column: {table: orders, column: amount, type: bigint}\n");
  if (phase != "expand") Apply(spec, AllPhases()[PhaseIndexOf(phase) - 1]);
  auto blocker = Connect();
  auto hold = std::make_unique<pqxx::work>(*blocker);
  hold->exec("LOCK TABLE orders IN SHARE MODE");

  pid_t pid = StartBlockedAt(spec, phase);
  ASSERT_GT(pid, 0);
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(Signal(pid, GetParam().signal));
  RunResult stopped = WaitExit(pid, Millis(30'000));
  EXPECT_EQ(stopped.exit_code, 5) << stopped;
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(5)) << stopped;
  EXPECT_NE(PhaseStatus("0001_amount_bigint", phase), "done");
  EXPECT_NE(stopped.out.find("holds ShareLock on public.orders"), std::string::npos)
      << "each retry names the blocker" << stopped;
  hold->abort();
  ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"));

  RunResult resumed = Run({"apply", spec, "--through", phase});
  ASSERT_EQ(resumed.exit_code, 0) << resumed;
  ExpectPhasesDoneThrough("0001_amount_bigint", phase);
  if (phase != "contract") Apply(spec, "contract");
  EXPECT_EQ(TypeOf("orders", "amount"), "bigint");
  EXPECT_EQ(OriginalDataChecksum(), checksum);
  EXPECT_EQ(UserTriggerCount("orders"), 0);
}

std::vector<PhaseSignal> PhaseSignals() {
  std::vector<PhaseSignal> cases;
  for (const char* phase : {"expand", "sync", "validate", "swap", "contract"})
    for (int signal : {SIGTERM, SIGINT}) cases.push_back({phase, signal});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Phases, StopInPhaseTest, ::testing::ValuesIn(PhaseSignals()),
                         [](const auto& info) {
                           return std::string(info.param.phase) +
                                  (info.param.signal == SIGTERM ? "_SIGTERM" : "_SIGINT");
                         });

// A backfill stopped half-way is undone by reverse like a finished one: its step is reversed
// and its checkpoint goes with it, so the next apply walks the table from its first key.
TEST_F(ResumeTest, ReverseOfAHalfFinishedBackfillStartsItOver) {
  SeedOrders(100000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  RunResult stopped = SignalSlowBackfill(spec, "50ms", SIGTERM);
  ASSERT_EQ(stopped.exit_code, 5) << stopped;
  ASSERT_TRUE(WaitForNoOtherSessions());
  ExpectCheckpointMatchesData(100000);

  RunResult r = Run({"reverse", kMigration, "--to", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BackfillRowsDone(kMigration), 0) << "the reversed backfill kept its checkpoint";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.steps WHERE phase = 'backfill' "
                      "AND status <> 'reversed'"),
            0);
  // Behind where the walk stopped, and past the sync trigger (which would fill them again).
  Exec(
      "SET session_replication_role = replica; UPDATE orders SET total = NULL WHERE id <= 10; "
      "RESET session_replication_role");
  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0) << "the walk must start over from the first key";
}

TEST_F(ResumeTest, PauseStopsTheRunningApplyWithExit5AndApplyResumes) {
  SeedOrders(100000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  pid_t pid = StartSlowBackfill(spec, "50ms");
  ASSERT_GT(pid, 0);

  // While it runs, status --json reports backfill progress (DESIGN "status --json").
  RunResult status;
  nlohmann::json progress;
  bool seen = Eventually(
      [&] {
        status = Run({"status", kMigration, "--json"});
        auto j = nlohmann::json::parse(status.out, nullptr, false);
        if (status.exit_code != 0 || j.is_discarded() || !j.contains("migrations")) return false;
        for (const auto& m : j["migrations"]) {
          for (const auto& p : m.value("phases", nlohmann::json::array())) {
            if (p.value("name", "") == "backfill" && p.value("status", "") == "running" &&
                p.contains("progress")) {
              progress = p["progress"];
              return true;
            }
          }
        }
        return false;
      },
      Millis(10'000), pid, Millis(200));
  EXPECT_TRUE(seen) << "no running backfill with progress in status --json" << status;
  if (seen) {
    for (const char* key : {"rows_done", "rows_total", "rows_per_second", "eta_seconds"}) {
      EXPECT_TRUE(progress.contains(key)) << key << " missing in " << progress.dump();
    }
    EXPECT_TRUE(progress["rows_done"].is_number()) << progress.dump();
    EXPECT_TRUE(progress["rows_total"].is_number()) << progress.dump();
  }

  RunResult r = Run({"pause", kMigration});
  EXPECT_EQ(r.exit_code, 0) << r;
  RunResult stopped = WaitExit(pid, Millis(30'000));
  EXPECT_EQ(stopped.exit_code, 5) << stopped;
  ASSERT_TRUE(WaitForNoOtherSessions());

  ExpectCheckpointMatchesData(100000);
  ExpectResumeCompletes(spec, 100000);  // a new apply clears the pause
}

TEST_F(ResumeTest, MaxRuntimeEndsTheWindowWithExit5ThenApplyResumes) {
  SeedOrders(100000);
  const std::string spec = WriteOrdersSpec(kMigration, kSlowBatchSettings);
  RunResult r =
      Run({"apply", spec, "--through", "backfill", "--batch-delay", "50ms", "--max-runtime", "2s"},
          Millis(60'000));
  EXPECT_EQ(r.exit_code, 5) << r;
  EXPECT_LT(r.elapsed.count(), 15'000) << r;
  ExpectCheckpointMatchesData(100000);
  ExpectResumeCompletes(spec, 100000);
}

}  // namespace
}  // namespace pgphase::it
