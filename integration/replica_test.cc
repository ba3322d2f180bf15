// The --max-replica-lag throttle against a real streaming standby (scripts/test.sh starts
// one with pg_basebackup -R and sets PGPHASE_TEST_STANDBY_DB).
#include <cstdlib>
#include <thread>

#include "harness.h"

namespace pgphase::it {
namespace {

class ReplicaLagTest : public PgphaseTest {
 protected:
  void SetUp() override {
    PgphaseTest::SetUp();
    const char* url = std::getenv("PGPHASE_TEST_STANDBY_DB");
    ASSERT_NE(url, nullptr) << "PGPHASE_TEST_STANDBY_DB is not set: run scripts/test.sh, which "
                               "starts a standby of the test server";
    standby_ = std::make_unique<pqxx::connection>(url);
  }
  void TearDown() override {
    if (standby_) {
      pqxx::nontransaction tx(*standby_);
      tx.exec("SELECT pg_wal_replay_resume()");
    }
    PgphaseTest::TearDown();
  }
  void StandbyExec(const std::string& sql) {
    pqxx::nontransaction tx(*standby_);
    tx.exec(sql);
  }
  // users(id, name) with `rows` rows, a spec adding shout = upper(name) in batches of at
  // most `batch_max`, applied through sync, and replay paused on the standby.
  std::string SyncedUsersWithReplayPaused(int rows, int batch_max) {
    Exec(
        "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);"
        "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, " +
        std::to_string(rows) + ") g; ANALYZE users;");
    const std::string spec = WriteSpec("0001_users_shout",
                                       "settings:\n"
                                       "  batch_size_max: " +
                                           std::to_string(batch_max) +
                                           "\n"
                                           "operations:\n"
                                           "  - add_column:\n"
                                           "      table: users\n"
                                           "      up: upper(name)\n"
                                           "      column:\n"
                                           "        name: shout\n"
                                           "        type: text\n"
                                           "        nullable: true\n");
    EXPECT_EQ(Run({"apply", spec, "--through", "sync"}).exit_code, 0);
    StandbyExec("SELECT pg_wal_replay_pause()");
    return spec;
  }
  // True once the running apply `pid` recorded that it is throttled.
  bool Throttled(pid_t pid) {
    return Eventually(
        [&] {
          return ScalarInt("SELECT count(*) FROM pgphase.events WHERE event = 'throttled'") > 0;
        },
        Millis(30'000), pid);
  }
  std::unique_ptr<pqxx::connection> standby_;
};

TEST_F(ReplicaLagTest, BackfillWaitsWhileTheStandbyIsBehindAndResumesWhenItCatchesUp) {
  const std::string spec = SyncedUsersWithReplayPaused(60000, 1000);
  const pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--max-replica-lag", "500ms",
                           "--batch-delay", "20ms"});
  // The throttle engages once replay has stood still for 500ms behind the primary.
  ASSERT_TRUE(Throttled(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long long held = ScalarInt("SELECT rows_done FROM pgphase.backfill");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(ScalarInt("SELECT rows_done FROM pgphase.backfill"), held)
      << "no batch may run while the standby is behind";
  EXPECT_LT(held, 60000);
  EXPECT_NE(Scalar("SELECT detail FROM pgphase.events WHERE event = 'throttled' LIMIT 1")
                .find("replay lag"),
            std::string::npos);

  StandbyExec("SELECT pg_wal_replay_resume()");
  const RunResult r = WaitExit(pid, Millis(120'000));
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("throttled: replica"), std::string::npos) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM users WHERE shout IS DISTINCT FROM upper(name)"), 0);
}

TEST_F(ReplicaLagTest, PauseWhileThrottledStopsWithExit5) {
  const std::string spec = SyncedUsersWithReplayPaused(20000, 500);
  const pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--max-replica-lag", "300ms",
                           "--batch-delay", "20ms"});
  ASSERT_TRUE(Throttled(pid));
  EXPECT_EQ(Run({"pause", "0001_users_shout"}).exit_code, 0);
  const RunResult r = WaitExit(pid, Millis(30'000));
  EXPECT_EQ(r.exit_code, 5) << r;
  StandbyExec("SELECT pg_wal_replay_resume()");
  EXPECT_EQ(Run({"apply", spec, "--through", "backfill"}).exit_code, 0);
}

}  // namespace
}  // namespace pgphase::it
