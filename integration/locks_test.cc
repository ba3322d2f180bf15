// DDL steps under lock contention: bounded waits, retries with backoff, and a message
// that names who blocks (DESIGN "Locks").
#include <atomic>
#include <cstdio>
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

// While pgphase waits for a lock a long transaction holds, the application's statements queue
// behind its request: they must never wait longer than lock_timeout (plus a margin for the
// machine), however many times pgphase retries.
TEST_F(LockTest, ApplicationWaitsNoLongerThanLockTimeoutWhileRetrying) {
  const std::string spec = Spec();
  auto blocker = Connect();
  auto hold = std::make_unique<pqxx::work>(*blocker);
  hold->exec("SELECT count(*) FROM accounts");
  std::atomic<bool> stop{false};
  std::atomic<long long> worst_us{0}, probes{0};
  std::thread probe([&] {
    auto c = Connect();
    while (!stop) {
      const auto t0 = std::chrono::steady_clock::now();
      pqxx::nontransaction tx(*c);
      tx.exec(probes % 2 ? "SELECT name FROM accounts WHERE id = 1"
                         : "UPDATE accounts SET name = name WHERE id = 2");
      const long long us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - t0)
                               .count();
      worst_us = std::max<long long>(worst_us, us);
      ++probes;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    hold->abort();
  });
  RunResult r = Run(
      {"apply", spec, "--through", "expand", "--lock-timeout", "200ms", "--lock-retries", "30"});
  release.join();
  stop = true;
  probe.join();
  std::printf("worst application wait %.1f ms over %lld probes (lock_timeout 200 ms)\n",
              worst_us / 1000.0, static_cast<long long>(probes));
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("lock timeout"), std::string::npos) << "it did wait and retry" << r;
  EXPECT_GT(probes, 20);
  EXPECT_LT(worst_us, 200'000 + 300'000) << "an application statement waited too long";
}

// An application writing rows that the backfill's batches hold: once it is seen waiting on a
// batch, batches aim at max_app_wait rather than the (long) target_batch_time, and say so;
// with max_app_wait 0 they do not. Reports the application's worst wait in each run.
TEST_F(LockTest, BatchesShrinkToMaxAppWaitWhileTheAppWaitsOnThem) {
  for (const char* max_app_wait : {"0ms", "50ms"}) {
    SCOPED_TRACE(std::string("max_app_wait ") + max_app_wait);
    const std::string table = max_app_wait[0] == '0' ? "t_off" : "t_on";  // one per migration
    Exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v int NOT NULL); INSERT INTO " +
         table + " SELECT g, g FROM generate_series(1, 300000) g; ANALYZE " + table);
    const std::string migration = "0001_" + table;
    const std::string spec = WriteAddColumnSpec(
        migration, table, "v * 2", "w", "int", true,
        std::string("  target_batch_time: 1s\n  batch_size_max: 200000\n  max_app_wait: ") +
            max_app_wait + "\n");
    std::atomic<bool> stop{false};
    std::atomic<long long> worst_us{0}, writes{0};
    std::thread app([&] {
      auto c = Connect();
      for (long long i = 1; !stop; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        pqxx::nontransaction(*c).exec(
            "UPDATE " + table + " SET v = v WHERE id = " + std::to_string(1 + (i * 7919) % 300000));
        worst_us =
            std::max<long long>(worst_us, std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::steady_clock::now() - t0)
                                              .count());
        ++writes;
      }
    });
    RunResult r = Run({"apply", spec, "--through", "backfill"});
    stop = true;
    app.join();
    std::printf("max_app_wait %s: worst application wait %.1f ms over %lld writes\n", max_app_wait,
                worst_us / 1000.0, static_cast<long long>(writes));
    ASSERT_EQ(r.exit_code, 0) << r;
    const long long shrunk = ScalarInt(
        "SELECT count(*) FROM pgphase.events WHERE event = 'app_waited' AND migration::text = '" +
        migration + "'");
    if (max_app_wait[0] == '0') {
      EXPECT_EQ(shrunk, 0) << r;
    } else {
      EXPECT_GE(shrunk, 1) << r;
      EXPECT_NE(r.out.find("waited on the batch"), std::string::npos) << r;
    }
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM " + table + " WHERE w IS DISTINCT FROM v * 2"), 0);
  }
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

// An index build cut short (its backend terminated while it waits for an old transaction)
// leaves an invalid index; apply resumes, drops it and builds a valid one, for each kind of
// index pgphase builds concurrently.
struct IndexCase {
  const char* name;
  const char* yaml;
  const char* index;  // the index the build leaves invalid
};

const IndexCase kIndexCases[] = {
    {"CreateIndex",
     "operations:\n  - create_index: {table: accounts, name: accounts_name_idx, columns: [name]}\n",
     "accounts_name_idx"},
    {"UniqueThroughShadow",
     "operations:\n  - alter_column:\n      table: accounts\n      column: name\n"
     "      unique: {name: accounts_name_key}\n      up: name\n      down: name\n",
     "accounts_name_key"},
    {"PrimaryKeyColumnMoved",
     "operations:\n  - alter_column: {table: accounts, column: id, type: numeric, up: id, down: "
     "\"CAST(id AS bigint)\"}\n",
     "_pgphase_new_accounts_pkey"},
};

void PrintTo(const IndexCase& c, std::ostream* os) { *os << c.name; }

class InvalidIndexTest : public LockTest, public ::testing::WithParamInterface<IndexCase> {};

TEST_P(InvalidIndexTest, ATerminatedBuildIsRebuiltOnResume) {
  Spec();  // the accounts table
  const std::string spec = WriteSpec("0001_index", GetParam().yaml);
  // A transaction holding an old snapshot (and no lock): CREATE INDEX CONCURRENTLY waits for it
  // to end before the index is valid.
  auto blocker = Connect();
  auto hold = std::make_unique<pqxx::work>(*blocker);
  hold->exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  const std::string holder = hold->exec("SELECT pg_backend_pid()")[0][0].c_str();
  pid_t pid = Spawn({"apply", spec, "--through", "swap"});
  const std::string waiting =
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE "
      "'CREATE %INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'";
  ASSERT_TRUE(Eventually([&] { return ScalarOpt(waiting).has_value(); }, Millis(60'000), pid))
      << WaitExit(pid, Millis(1000));
  Exec("SELECT pg_terminate_backend((" + waiting + " LIMIT 1))");
  RunResult cut = WaitExit(pid);
  EXPECT_EQ(cut.exit_code, 1) << cut;
  // It reconnected, and its retries named the old transaction the index build waits for.
  EXPECT_NE(cut.out.find("reconnecting"), std::string::npos) << cut;
  EXPECT_NE(cut.out.find("pid " + holder + " has had a transaction open"), std::string::npos)
      << cut;
  hold->abort();
  const std::string valid =
      "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid "
      "= i.indexrelid WHERE c.relname = '" +
      std::string(GetParam().index) + "'";
  EXPECT_EQ(ScalarOpt(valid).value_or("gone"), "false") << "the cut build left an invalid index";
  Apply(spec, "swap");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, InvalidIndexTest, ::testing::ValuesIn(kIndexCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pgphase::it
