// DDL steps under lock contention: bounded waits, retries with backoff, and a message
// that names who blocks (DESIGN "Locks").
#include <thread>

#include "harness.h"

namespace pgphase::it {
namespace {

class LockTest : public PgphaseTest {
 protected:
  std::string Spec() {
    Exec(
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);"
        "INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;");
    return WriteSpec("0001_accounts_shout",
                     "operations:\n"
                     "  - add_column:\n"
                     "      table: accounts\n"
                     "      up: upper(name)\n"
                     "      column:\n"
                     "        name: shout\n"
                     "        type: text\n");
  }
};

TEST_F(LockTest, GivesUpAfterItsRetriesNamingTheBlockingSession) {
  const std::string spec = Spec();
  auto blocker = Connect();
  pqxx::work hold(*blocker);
  const std::string blocker_pid = hold.exec("SELECT pg_backend_pid()")[0][0].c_str();
  hold.exec("SELECT count(*) FROM accounts");  // ACCESS SHARE until the transaction ends

  RunResult r =
      Run({"apply", spec, "--through", "expand", "--lock-timeout", "100ms", "--lock-retries", "2"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("gave up after 3 attempts"), std::string::npos) << r;
  EXPECT_NE(r.err.find("pid " + blocker_pid + " holds AccessShareLock"), std::string::npos) << r;
  EXPECT_NE(r.err.find("55P03"), std::string::npos) << r;
  EXPECT_NE(r.out.find("retrying in"), std::string::npos) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.events WHERE event = 'lock_timeout'"), 2);
  EXPECT_EQ(Scalar("SELECT status FROM pgphase.phases WHERE phase = 'expand'"), "failed");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM information_schema.columns "
                      "WHERE table_name = 'accounts' AND column_name = 'shout'"),
            0);
  hold.abort();

  RunResult again = Run({"apply", spec, "--through", "expand"});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(Scalar("SELECT status FROM pgphase.phases WHERE phase = 'expand'"), "done");
}

TEST_F(LockTest, SucceedsWhenTheBlockerLeavesDuringTheRetries) {
  const std::string spec = Spec();
  auto blocker = Connect();
  auto hold = std::make_unique<pqxx::work>(*blocker);
  hold->exec("SELECT count(*) FROM accounts");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    hold->abort();
  });
  RunResult r = Run(
      {"apply", spec, "--through", "expand", "--lock-timeout", "100ms", "--lock-retries", "20"});
  release.join();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("lock timeout"), std::string::npos) << r;
  EXPECT_EQ(Scalar("SELECT status FROM pgphase.phases WHERE phase = 'expand'"), "done");
}

// CREATE INDEX CONCURRENTLY that times out waiting for a writer's transaction leaves an
// invalid index behind; the retry must clear it and build a valid one.
TEST_F(LockTest, ConcurrentIndexBuildRetriesAfterLeavingAnInvalidIndex) {
  Exec(
      "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);"
      "INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;");
  const std::string spec = WriteSpec("0001_accounts_code",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: accounts\n"
                                     "      up: \"'c' || id\"\n"
                                     "      column:\n"
                                     "        name: code\n"
                                     "        type: text\n"
                                     "        nullable: true\n"  // the index build meets the writer
                                     "        unique: true\n");
  ASSERT_EQ(Run({"apply", spec, "--through", "backfill"}).exit_code, 0);
  auto writer = Connect();
  auto hold = std::make_unique<pqxx::work>(*writer);
  hold->exec("UPDATE accounts SET name = name WHERE id = 1");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    hold->abort();
  });
  RunResult r = Run(
      {"apply", spec, "--through", "validate", "--lock-timeout", "200ms", "--lock-retries", "20"});
  release.join();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("lock timeout"), std::string::npos) << r;
  EXPECT_EQ(Scalar("SELECT indisvalid::text FROM pg_index "
                   "WHERE indexrelid = 'accounts_code_key'::regclass"),
            "true");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE NOT i.indisvalid"),
            0);
}

}  // namespace
}  // namespace pgphase::it
