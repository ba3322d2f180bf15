// Fleets and tenants (README "Fleets and tenants"): one migration across 12 databases and
// 20 tenant schemas of a 13th, run by `apply --fleet` with bounded parallelism, a canary,
// halt on failure, `status --fleet`, `wait --fleet` and a resume after kill -9.
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

namespace pgphase::it {
namespace {

constexpr int kDatabases = 12;
constexpr int kTenants = 20;
constexpr const char* kMigration = "0001_orders_total";

std::string OrdersDdl(const std::string& schema, int rows) {
  const std::string t = QuoteIdent(schema) + ".orders";
  return "CREATE TABLE " + t +
         " (id bigint PRIMARY KEY, amount integer NOT NULL, note text); INSERT INTO " + t +
         " SELECT g, g % 1000, 'note ' || g FROM generate_series(1, " + std::to_string(rows) +
         ") g; ANALYZE " + t + ";";
}

void ExecOn(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string ScalarOn(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

class FleetTest : public PgphaseTest {
 protected:
  // 12 databases with public.orders, and tenant_01..tenant_20 in the fixture's database;
  // `rows` rows each.
  void MakeFleet(int rows, bool tenants = true) {
    const std::string admin = *AdminUrl();
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (int i = 0; i < kDatabases; ++i) {
      dbs_.push_back(std::make_unique<TestDatabase>(
          admin, DatabaseNameFor("fleet_" + test + "_" + std::to_string(i), getpid()), false));
      ExecOn(dbs_.back()->url(), OrdersDdl("public", rows));
    }
    std::string yaml = "targets:\n";
    for (int i = 0; i < kDatabases; ++i)
      yaml += "  - {name: db" + std::to_string(i) + ", db: \"" + dbs_[i]->url() + "\"}\n";
    for (int t = 1; tenants && t <= kTenants; ++t) {
      const std::string schema = Tenant(t);
      Exec("CREATE SCHEMA " + schema + "; " + OrdersDdl(schema, rows));
      yaml += "  - {name: " + schema + ", db: \"" + db_url() + "\", schema: " + schema + "}\n";
    }
    fleet_ = temp_dir() + "/fleet.yaml";
    std::ofstream(fleet_) << yaml;
    spec_ = WriteAddColumnSpec(kMigration, "orders", "amount * 2", "total", "bigint");
  }
  static std::string Tenant(int t) { return (t < 10 ? "tenant_0" : "tenant_") + std::to_string(t); }

  RunResult Fleet(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath());
    args.insert(args.end(), {"--fleet", fleet_});
    return RunCommand(args, Millis(300'000));
  }
  // pgphase.migrations.status of database i ("" before its first apply), or of a tenant.
  std::string DbStatus(int i) {
    if (ScalarOn(dbs_[i]->url(), "SELECT to_regclass('pgphase.migrations') IS NULL") == "t")
      return "";
    return ScalarOn(dbs_[i]->url(), "SELECT status FROM pgphase.migrations WHERE name = '" +
                                        std::string(kMigration) + "'");
  }
  std::string TenantStatus(int t) {
    return ScalarOn(db_url(), "SELECT status FROM pgphase.migrations WHERE name = '" +
                                  std::string(kMigration) + "__" + Tenant(t) + "'");
  }
  long long BadTotalsOn(const std::string& url, const std::string& schema) {
    return std::stoll(ScalarOn(url, "SELECT count(*) FROM " + schema +
                                        ".orders WHERE total IS DISTINCT FROM amount::bigint * 2"));
  }

  // The old application on three targets while the fleet runs: inserts without `total` and
  // updates `amount`, which the sync trigger must keep in step. Returns how many writes failed.
  long long WriteWhileRunning(pid_t fleet, const std::vector<std::string>& urls,
                              std::optional<RunResult>& result) {
    std::vector<std::unique_ptr<pqxx::connection>> conns;
    for (const auto& u : urls) conns.push_back(std::make_unique<pqxx::connection>(u));
    long long failures = 0;
    for (long long id = 1'000'000; !(result = TryReap(fleet)); ++id) {
      for (auto& c : conns) {
        try {
          pqxx::nontransaction tx(*c);
          tx.exec("INSERT INTO orders (id, amount, note) VALUES (" + std::to_string(id) +
                  ", 5, 'old app'); UPDATE orders SET amount = amount + 1 WHERE id = " +
                  std::to_string(id % 50 + 1));
        } catch (const std::exception&) {
          ++failures;
        }
      }
      usleep(5000);
    }
    return failures;
  }

  std::vector<std::unique_ptr<TestDatabase>> dbs_;
  std::string fleet_;
  std::string spec_;
};

TEST_F(FleetTest, CanaryThenFourAtATimeThroughContractWithOldAppWriters) {
  MakeFleet(200);
  const pid_t fleet = SpawnCommand(
      {BinaryPath(), "apply", spec_, "--fleet", fleet_, "--parallel", "4", "--canary", "1"});
  std::optional<RunResult> r;
  const long long failures =
      WriteWhileRunning(fleet, {dbs_[0]->url(), dbs_[5]->url(), dbs_[11]->url()}, r);
  ASSERT_EQ(r->exit_code, 0) << *r;
  EXPECT_EQ(failures, 0);
  // The canary (db0) reached swap before any other target started its expand.
  const size_t canary_swap = r->out.find("db0: swap done");
  ASSERT_NE(canary_swap, std::string::npos) << *r;
  EXPECT_GT(r->out.find("db1: expand done"), canary_swap) << *r;
  EXPECT_NE(r->out.find("32 targets: done: 32"), std::string::npos) << *r;
  for (int i : {0, 5, 11}) EXPECT_EQ(BadTotalsOn(dbs_[i]->url(), "public"), 0) << i;

  const RunResult status = Fleet({"status", kMigration});
  ASSERT_EQ(status.exit_code, 0) << status;
  EXPECT_NE(status.out.find("by last phase done: swap: 32"), std::string::npos) << status;
  const RunResult waited = Fleet({"wait", kMigration, "--phase", "swap", "--timeout", "5s"});
  EXPECT_EQ(waited.exit_code, 0) << waited;

  // The old application is gone: contract everywhere.
  const RunResult contract = Fleet({"apply", spec_, "--through", "contract"});
  ASSERT_EQ(contract.exit_code, 0) << contract;
  for (int i = 0; i < kDatabases; ++i) EXPECT_EQ(DbStatus(i), "completed") << i;
  for (int t = 1; t <= kTenants; ++t) {
    EXPECT_EQ(TenantStatus(t), "completed") << t;
    EXPECT_EQ(BadTotalsOn(db_url(), Tenant(t)), 0) << t;
  }
}

TEST_F(FleetTest, MissingTableHaltsTheRestWithItsExitCode) {
  MakeFleet(50, /*tenants=*/false);
  ExecOn(dbs_[2]->url(), "DROP TABLE orders");
  const RunResult r = Fleet({"apply", spec_, "--parallel", "2"});
  // The failing target's own exit code: the table it names does not exist (invalid input).
  const RunResult alone = RunCommand({BinaryPath(), "apply", spec_, "--db", dbs_[2]->url()});
  ASSERT_NE(alone.exit_code, 0) << alone;
  EXPECT_EQ(r.exit_code, alone.exit_code) << r;
  EXPECT_NE(r.out.find("db2: expand failed"), std::string::npos) << r;
  // At most the two running then (db0..db3) got anywhere; the rest never started.
  for (int i = 4; i < kDatabases; ++i) EXPECT_EQ(DbStatus(i), "") << i;
  EXPECT_NE(r.out.find("not started"), std::string::npos) << r;

  // --log-format json: each target's line carries the target, its phase and result.
  const RunResult json = Fleet({"--log-format", "json", "apply", spec_, "--parallel", "1"});
  EXPECT_EQ(json.exit_code, alone.exit_code) << json;
  EXPECT_NE(json.out.find(R"("fields":{"target":"db2","target_phase":"expand",)"
                          R"("target_status":"failed","seconds":)"),
            std::string::npos)
      << json;

  // --continue-on-failure runs every other target to swap, and still fails.
  const RunResult cont = Fleet({"apply", spec_, "--parallel", "4", "--continue-on-failure"});
  EXPECT_EQ(cont.exit_code, alone.exit_code) << cont;
  EXPECT_NE(cont.out.find("12 targets: done: 11, failed: 1"), std::string::npos) << cont;
  // wait --fleet says at once that the fleet cannot reach swap... once a target is reversed.
  const RunResult rev = RunCommand({BinaryPath(), "reverse", kMigration, "--db", dbs_[7]->url()});
  ASSERT_EQ(rev.exit_code, 0) << rev;
  ExecOn(dbs_[2]->url(), OrdersDdl("public", 10));
  const RunResult waited = Fleet({"wait", kMigration, "--phase", "swap", "--timeout", "60s"});
  EXPECT_EQ(waited.exit_code, 1) << waited;
  EXPECT_LT(waited.elapsed, Millis(30'000)) << waited;
  EXPECT_NE(waited.out.find("db7"), std::string::npos) << waited;
}

TEST_F(FleetTest, KillNineMidFleetThenApplyResumesEveryTarget) {
  MakeFleet(20'000, /*tenants=*/false);
  spec_ = WriteAddColumnSpec(kMigration, "orders", "amount * 2", "total", "bigint", false,
                             kSlowBatchSettings);
  const pid_t fleet = SpawnCommand({BinaryPath(), "apply", spec_, "--fleet", fleet_, "--parallel",
                                    "4", "--batch-delay", "20ms"});
  // Kill once some target is past expand and the fleet is not done.
  ASSERT_TRUE(Eventually(
      [&] {
        for (int i = 0; i < kDatabases; ++i) {
          if (ScalarOn(dbs_[i]->url(), "SELECT to_regclass('pgphase.phases') IS NOT NULL") == "t" &&
              ScalarOn(dbs_[i]->url(),
                       "SELECT count(*) FROM pgphase.phases WHERE phase = "
                       "'backfill' AND status = 'running'") != "0")
            return true;
        }
        return false;
      },
      Millis(120'000), fleet));
  ASSERT_TRUE(Signal(fleet, SIGKILL));
  const RunResult killed = WaitExit(fleet);
  EXPECT_EQ(killed.term_signal, SIGKILL);
  int started = 0;
  for (int i = 0; i < kDatabases; ++i) started += DbStatus(i).empty() ? 0 : 1;
  EXPECT_GT(started, 0);
  EXPECT_LT(started, kDatabases) << "the kill came too late to test a resume";
  const RunResult resumed = Fleet({"apply", spec_, "--parallel", "4"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed;
  for (int i = 0; i < kDatabases; ++i) {
    EXPECT_EQ(DbStatus(i), "in_progress") << i;
    EXPECT_EQ(BadTotalsOn(dbs_[i]->url(), "public"), 0) << i;
  }
  const RunResult waited = Fleet({"wait", kMigration, "--phase", "swap", "--timeout", "5s"});
  EXPECT_EQ(waited.exit_code, 0) << waited;
}

TEST_F(FleetTest, SchemasPatternRunsEveryMatchingTenantWithItsOwnState) {
  for (const std::string schema : {"tenant_a", "tenant_b", "tenant_c", "other"})
    Exec("CREATE SCHEMA " + schema + "; " + OrdersDdl(schema, 30));
  spec_ = WriteAddColumnSpec(kMigration, "orders", "amount * 2", "total", "bigint");
  const RunResult r = RunCommand({BinaryPath(), "apply", spec_, "--schemas", "tenant_*", "--db",
                                  db_url(), "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("3 targets: done: 3"), std::string::npos) << r;
  for (const std::string schema : {"tenant_a", "tenant_b", "tenant_c"}) {
    EXPECT_EQ(BadTotalsOn(db_url(), schema), 0) << schema;
    EXPECT_EQ(Scalar("SELECT status FROM pgphase.migrations WHERE name = '" +
                     std::string(kMigration) + "__" + schema + "'"),
              "completed");
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                   "'other' AND column_name = 'total'"),
            "0");
  const RunResult status =
      RunCommand({BinaryPath(), "status", kMigration, "--schemas", "tenant_*", "--db", db_url()});
  ASSERT_EQ(status.exit_code, 0) << status;
  EXPECT_NE(status.out.find("by status: completed: 3"), std::string::npos) << status;
  // A pattern that matches nothing is invalid input, not an empty success.
  const RunResult rev =
      RunCommand({BinaryPath(), "apply", spec_, "--schemas", "nothing_*", "--db", db_url()});
  EXPECT_EQ(rev.exit_code, 2) << rev;
}

}  // namespace
}  // namespace pgphase::it
