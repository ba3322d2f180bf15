// Issue 10: the server goes away under a running backfill. Restarted (`pg_ctl restart -m
// fast`): the executor reconnects, with backoff, and goes on. Failed over to its streaming
// standby (promoted; the old primary stopped): reconnecting to the old address fails, the
// executor exits 1 saying the connection was lost, and `apply` against the promoted server
// resumes from the checkpoint it has and completes, with every row right. Each test
// runs a server of its own (scripts/pg.sh): restarting the shared one would break the tests
// running beside it.
#include <pqxx/pqxx>

#include "harness.h"

namespace pgphase::it {
namespace {

const std::string kPgSh = PGPHASE_SOURCE_DIR "/scripts/pg.sh";
constexpr const char* kMigration = "0001_v_bigint";

class ServerFaultsTest : public PgphaseTest {
 protected:
  void TearDown() override {
    for (const std::string& dir : servers_) RunCommand({"bash", kPgSh, "destroy", dir});
    PgphaseTest::TearDown();
  }
  // Starts a server (or, with `primary`, a standby of it) in a fresh directory; its URL.
  std::string StartServer(const std::string& name, const std::string& primary = "") {
    const std::string dir = temp_dir() + "/" + name;
    servers_.push_back(dir);
    RunResult r = primary.empty() ? RunCommand({"bash", kPgSh, "start", dir})
                                  : RunCommand({"bash", kPgSh, "standby", primary, dir});
    EXPECT_EQ(r.exit_code, 0) << r;
    std::string url = r.out.substr(0, r.out.find('\n'));
    return url;
  }
  static std::string Query1(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
  }
  // The same, "" while the query cannot run yet (the state schema is not there, or the
  // server is restarting).
  static std::string Poll(const std::string& url, const std::string& sql) {
    try {
      return Query1(url, sql);
    } catch (const std::exception&) {
      return "";
    }
  }
  static void Seed(const std::string& url) {
    pqxx::connection c(url);
    pqxx::nontransaction(c).exec(
        "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL, ctl text NOT NULL);"
        "INSERT INTO t SELECT g, g::text, g::text FROM generate_series(1, 100000) g; ANALYZE t");
  }
  std::string Spec() {
    return WriteSpec(kMigration,
                     "settings: {batch_size_max: 2000}\n"
                     "operations:\n  - alter_column: {table: t, column: v, type: bigint}\n");
  }
  // Starts a slow apply on `url` and waits for its first checkpoint.
  pid_t StartBackfill(const std::string& url, const std::string& spec,
                      const std::string& reconnects) {
    pid_t pid = SpawnCommand({BinaryPath(), "apply", spec, "--through", "swap", "--batch-delay",
                              "20ms", "--reconnects", reconnects, "--db", url});
    const bool started = Eventually(
        [&] { return Poll(url, "SELECT bool_or(rows_done > 0) FROM pgphase.backfill") == "t"; },
        Millis(60'000), pid);
    EXPECT_TRUE(started) << "the backfill never checkpointed";
    return pid;
  }
  // Every row right on `url`, and the migration through swap.
  void ExpectDone(const std::string& url) {
    EXPECT_EQ(Query1(url, "SELECT count(*) FROM t WHERE v IS DISTINCT FROM ctl::bigint"), "0");
    EXPECT_EQ(Query1(url, "SELECT count(*) FROM t"), "100000");
    EXPECT_EQ(Query1(url, "SELECT status FROM pgphase.phases WHERE phase = 'swap'"), "done");
  }

 private:
  std::vector<std::string> servers_;
};

TEST_F(ServerFaultsTest, RestartMidBackfillIsReconnected) {
  const std::string url = StartServer("primary");
  Seed(url);
  const std::string spec = Spec();
  pid_t pid = StartBackfill(url, spec, "5");
  const std::string dir = temp_dir() + "/primary";
  ASSERT_EQ(RunCommand({"bash", kPgSh, "stop", dir}).exit_code, 0);
  ASSERT_EQ(RunCommand({"bash", kPgSh, "start", dir}).exit_code, 0);
  RunResult r = WaitExit(pid);
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("lost the connection to the database; reconnecting"), std::string::npos)
      << r;
  ExpectDone(url);
}

TEST_F(ServerFaultsTest, FailoverMidBackfillThenApplyOnThePromotedStandbyResumes) {
  const std::string primary = StartServer("primary");
  Seed(primary);
  const std::string standby = StartServer("standby", temp_dir() + "/primary");
  const std::string spec = Spec();
  pid_t pid = StartBackfill(primary, spec, "1");
  Eventually(
      [&] { return Poll(standby, "SELECT bool_or(rows_done > 0) FROM pgphase.backfill") == "t"; },
      Millis(30'000));
  ASSERT_EQ(RunCommand({"bash", kPgSh, "stop", temp_dir() + "/primary"}).exit_code, 0);
  EXPECT_EQ(Query1(standby, "SELECT pg_promote()"), "t");
  const std::string checkpoint =
      Query1(standby, "SELECT rows_done FROM pgphase.backfill WHERE step_id = 'backfill.t'");
  EXPECT_NE(checkpoint, "0") << "the standby has the replicated checkpoint";
  RunResult lost = WaitExit(pid);
  EXPECT_EQ(lost.exit_code, 1) << lost;
  EXPECT_NE(lost.err.find("lost the connection to the database"), std::string::npos) << lost;
  RunResult r = RunCommand({BinaryPath(), "apply", spec, "--through", "swap", "--db", standby});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectDone(standby);
  EXPECT_EQ(Query1(standby,
                   "SELECT rows_done FROM pgphase.backfill WHERE step_id = "
                   "'backfill.t'"),
            "100000")
      << "resumed from the checkpoint: no row done twice";
}

}  // namespace
}  // namespace pgphase::it
