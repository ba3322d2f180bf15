// Issue 10: kill -9 torture. An alter_column type change on a few hundred thousand rows while
// an old-app writer inserts and updates through the old column, writing the same value into a
// control column in the same statement. The executor is killed with SIGKILL at random instants
// across every phase up to swap and resumed each time. At the end no row's new value differs
// from its control, no insert is lost, and no application write failed.
//
// PGPHASE_TORTURE_SEED replays a run (the seed is printed); PGPHASE_SOAK=1 kills 50 times
// instead of 8, on a larger table.
#include <signal.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "harness.h"

namespace pgphase::it {
namespace {

bool Soak() { return std::getenv("PGPHASE_SOAK") != nullptr; }

unsigned Seed() {
  if (const char* s = std::getenv("PGPHASE_TORTURE_SEED")) return std::stoul(s);
  return std::random_device{}();
}

// The old application: inserts rows from `first_id` on and updates random existing rows,
// each time writing the same number into v (text before swap, bigint after: the value is
// sent untyped, as most drivers send it) and into the control column.
class Writer {
 public:
  Writer(std::unique_ptr<pqxx::connection> conn, long long rows, long long first_id, unsigned seed)
      : conn_(std::move(conn)), rows_(rows), next_id_(first_id), rng_(seed) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long long inserted() const { return inserted_; }
  long long updated() const { return updated_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void Loop() {
    std::uniform_int_distribution<long long> row(1, rows_), value(0, 1'000'000'000);
    while (!stop_) {
      const std::string v = std::to_string(value(rng_));
      try {
        pqxx::nontransaction tx(*conn_);
        if (value(rng_) % 4 == 0) {
          tx.exec_params("INSERT INTO t (id, v, ctl) VALUES ($1, $2, $3)", next_id_, v, v);
          ++next_id_;
          ++inserted_;
        } else {
          tx.exec_params("UPDATE t SET v = $2, ctl = $3 WHERE id = $1", row(rng_), v, v);
          ++updated_;
        }
      } catch (const std::exception& e) {
        if (errors_.size() < 5) errors_.push_back(e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  const long long rows_;
  long long next_id_;
  std::mt19937_64 rng_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> inserted_{0}, updated_{0};
  std::vector<std::string> errors_;
  std::thread thread_;
};

constexpr const char* kSpec = "0001_v_bigint";

class TortureTest : public PgphaseTest {
 protected:
  static constexpr std::array<const char*, 5> kTargets = {"expand", "sync", "backfill", "validate",
                                                          "swap"};
  // The phase kill number `k` of `wanted` aims at: expand, sync, then the backfill (most of
  // the run), validate twice, and swap last.
  static std::string Target(int k, int wanted) {
    if (k < 2) return kTargets[k];
    if (k < wanted - 3) return "backfill";
    return k < wanted - 1 ? "validate" : "swap";
  }
  // The phase running now, "" when none (or no state yet).
  std::string Running() {
    if (!RelationExists("pgphase.phases")) return "";
    return ScalarOpt(
               "SELECT phase::text FROM pgphase.phases WHERE status::text = 'running' "
               "LIMIT 1")
        .value_or("");
  }
  // `from`, or the first phase after it that is not done yet.
  std::string NextPhase(const std::string& from) {
    bool seen = false;
    for (int round = 0; round < 2; ++round) {
      for (const char* p : kTargets) {
        seen = seen || p == from;
        if (seen && PhaseStatus(kSpec, p) != "done") return p;
      }
    }
    return "swap";
  }
  // Runs `apply --through swap` and kills it with SIGKILL at a random instant of `target` (or of
  // the first phase after it not done yet): the short phases at a random instant after the
  // start, the others once they run. The phase it was killed in, or nullopt when apply
  // finished first.
  std::optional<std::string> KillDuring(const std::string& spec, std::string target,
                                        std::mt19937& rng) {
    target = NextPhase(target);
    if (target == "swap" && PhaseStatus(kSpec, "validate") != "done") target = "validate";
    // Swap is one short transaction: a reader holding the table makes it wait for its lock,
    // so that the kill lands inside it.
    std::unique_ptr<pqxx::connection> reader;
    std::optional<pqxx::work> holding;
    if (target == "swap") {
      reader = Connect();
      holding.emplace(*reader);
      holding->exec("LOCK TABLE t IN ACCESS SHARE MODE");
    }
    pid_t pid = Spawn({"apply", spec, "--through", "swap"});
    const bool short_phase = target == "expand" || target == "sync";
    if (!short_phase) {
      Eventually([&] { return Running() == target || PhaseStatus(kSpec, target) == "done"; },
                 Millis(30'000), pid);
    }
    std::uniform_int_distribution<int> after(short_phase ? 20 : 0, target == "swap" ? 20 : 300);
    std::this_thread::sleep_for(Millis(after(rng)));
    const std::string phase = Running();
    if (std::optional<RunResult> r = TryReap(pid)) {
      EXPECT_EQ(r->exit_code, 0) << *r;
      return std::nullopt;
    }
    EXPECT_TRUE(Signal(pid, SIGKILL));
    WaitExit(pid, Millis(10'000));
    if (holding) holding->commit();
    return phase.empty() ? "between steps" : phase;
  }
};

TEST_F(TortureTest, KillNineAtRandomInstantsLosesNoWrite) {
  const unsigned seed = Seed();
  std::cout << "torture seed " << seed << " (PGPHASE_TORTURE_SEED=" << seed << " replays it)\n";
  const long long rows = Soak() ? 1'000'000 : 200'000;
  const int kills_wanted = Soak() ? 50 : 8;
  Exec(
      "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL, ctl text NOT NULL);"
      "INSERT INTO t SELECT g, g::text, g::text FROM generate_series(1, " +
      std::to_string(rows) + ") g; ANALYZE t");
  // Small batches, so that the backfill and validate's verification last long enough for the
  // kills to land in them.
  const std::string spec =
      WriteSpec("0001_v_bigint",
                "settings: {target_batch_time: 20ms, batch_size_min: 100, batch_size_max: 2000}\n"
                "operations:\n  - alter_column: {table: t, column: v, type: bigint}\n");
  Writer writer(Connect(), rows, rows + 1, seed);
  std::mt19937 rng(seed);
  int kills = 0, runs = 0;
  std::map<std::string, int> killed_in;  // phase -> kills
  while (kills < kills_wanted && runs++ < kills_wanted + 20) {
    ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"))
        << "a killed executor's session lingers";
    if (std::optional<std::string> phase = KillDuring(spec, Target(kills, kills_wanted), rng)) {
      ++killed_in[*phase];
      ++kills;
    } else {
      // Finished before the kills did: swap is undone, and the next run goes through it again.
      ASSERT_EQ(Run({"reverse", kSpec, "--to", "validate"}).exit_code, 0);
    }
  }
  ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"));
  Apply(spec, "swap");
  ASSERT_EQ(MigrationStatus("0001_v_bigint"), "in_progress");
  ExpectPhasesDoneThrough("0001_v_bigint", "swap");
  writer.Stop();
  std::cout << "torture: " << kills << " kills, " << runs << " runs; the writer made "
            << writer.inserted() << " inserts and " << writer.updated()
            << " updates; kills by phase:";
  for (const auto& [phase, n] : killed_in) std::cout << " " << phase << " " << n;
  std::cout << "\n";
  EXPECT_GT(killed_in["backfill"], 0) << "no kill landed in the backfill";
  EXPECT_GE(kills, kills_wanted);
  EXPECT_TRUE(writer.errors().empty()) << "an application write failed: " << writer.errors()[0];
  EXPECT_EQ(TypeOf("t", "v"), "bigint");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM t WHERE v IS DISTINCT FROM ctl::bigint"), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM t"), rows + writer.inserted()) << "lost inserts";
  Apply(spec, "contract");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM t WHERE v IS DISTINCT FROM ctl::bigint"), 0);
}

// The executor's backend terminated under it (pg_terminate_backend) mid-backfill: it
// reconnects and goes on, and every row is right; without reconnects (--reconnects 0) it
// exits 1 saying so, and the next apply finishes.
TEST_F(TortureTest, TerminatedBackendMidBackfillIsReconnected) {
  Exec(
      "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL, ctl text NOT NULL);"
      "INSERT INTO t SELECT g, g::text, g::text FROM generate_series(1, 100000) g; ANALYZE t");
  const std::string spec =
      WriteSpec(kSpec, "operations:\n  - alter_column: {table: t, column: v, type: bigint}\n");
  for (const char* reconnects : {"0", "5"}) {
    SCOPED_TRACE(std::string("--reconnects ") + reconnects);
    // This run's own progress, past where the one before stopped.
    const long long before = BackfillRowsDone(kSpec);
    pid_t pid = Spawn(
        {"apply", spec, "--through", "swap", "--batch-delay", "50ms", "--reconnects", reconnects});
    ASSERT_TRUE(
        Eventually([&] { return Running() == "backfill" && BackfillRowsDone(kSpec) > before; },
                   Millis(60'000), pid));
    Exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND application_name LIKE 'pgphase %'");
    RunResult r = WaitExit(pid);
    if (std::string(reconnects) == "0") {
      EXPECT_EQ(r.exit_code, 1) << r;
      EXPECT_NE(r.err.find("lost the connection to the database"), std::string::npos) << r;
      ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"));
    } else {
      EXPECT_EQ(r.exit_code, 0) << r;
      EXPECT_NE(r.out.find("reconnecting"), std::string::npos) << r;
    }
  }
  ExpectPhasesDoneThrough(kSpec, "swap");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM t WHERE v IS DISTINCT FROM ctl::bigint"), 0);
}

}  // namespace
}  // namespace pgphase::it
