// Tests of the harness itself, so a broken harness is not mistaken for a broken pgphase.
// These need PGPHASE_TEST_DB but not a working pgphase binary.
#include "harness.h"

#include <signal.h>
#include <unistd.h>

#include <regex>
#include <thread>

namespace pgphase::it {
namespace {

TEST(HarnessNames, DatabaseNameIsAValidDistinctIdentifier) {
  std::string a = DatabaseNameFor("ReverseTest/FromEveryPhase.RestoresSchema/validate", 4242);
  EXPECT_TRUE(std::regex_match(a, std::regex("pgphase_it_[a-z0-9_]+_[0-9a-f]{8}_4242"))) << a;
  std::string long1 = DatabaseNameFor(std::string(200, 'x') + "A", 1);
  std::string long2 = DatabaseNameFor(std::string(200, 'x') + "B", 1);
  EXPECT_LE(long1.size(), 63u);
  EXPECT_NE(long1, long2);
}

TEST(HarnessNames, WithDatabaseReplacesOnlyTheDatabase) {
  EXPECT_EQ(WithDatabase("postgresql://postgres@127.0.0.1:55440/postgres", "d1"),
            "postgresql://postgres@127.0.0.1:55440/d1");
  EXPECT_EQ(WithDatabase("postgres://u:pw@h:5432", "d1"), "postgres://u:pw@h:5432/d1");
  EXPECT_EQ(WithDatabase("postgresql://h/postgres?sslmode=disable", "d1"),
            "postgresql://h/d1?sslmode=disable");
  EXPECT_EQ(WithDatabase("host=/tmp port=5 dbname=postgres", "d1"),
            "host=/tmp port=5 dbname=postgres dbname='d1'");
}

TEST(HarnessRun, CapturesStdoutStderrAndExitCodeSeparately) {
  RunResult r = RunCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(HarnessRun, LargeOutputOnBothPipesDoesNotDeadlock) {
  RunResult r = RunCommand({"/bin/sh", "-c",
                            "i=0; while [ $i -lt 4 ]; do head -c 300000 /dev/zero | tr '\\0' a; "
                            "head -c 300000 /dev/zero | tr '\\0' b >&2; i=$((i+1)); done"},
                           Millis(30'000));
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 200);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out.size(), 1'200'000u);
  EXPECT_EQ(r.err.size(), 1'200'000u);
}

TEST(HarnessRun, KillsAChildThatOutlivesItsTimeout) {
  RunResult r = RunCommand({"/bin/sleep", "30"}, Millis(300));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_LT(r.elapsed.count(), 5000);
}

TEST(HarnessRun, MissingProgramIsReportedNotThrown) {
  RunResult r = RunCommand({"/nonexistent/pgphase"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("/nonexistent/pgphase"), std::string::npos) << r;
}

TEST(HarnessRun, BinaryPathIsConfigured) {
  EXPECT_FALSE(BinaryPath().empty()) << "PGPHASE_BINARY is neither defined nor set";
}

using HarnessFixture = PgphaseTest;

TEST_F(HarnessFixture, GivesEachTestAFreshEmptyDatabase) {
  EXPECT_EQ(Scalar("SELECT current_database()"), db_name());
  EXPECT_EQ(db_name().rfind("pgphase_it_harnessfixture_gives", 0), 0u) << db_name();
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                      "c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
                      "'information_schema', 'pg_toast')"),
            0);
  EXPECT_FALSE(RelationExists("pgphase.migrations"));
}

TEST_F(HarnessFixture, TestDatabaseIsDroppedEvenWithOpenConnections) {
  std::string name = DatabaseNameFor(db_name() + "_extra", getpid());
  {
    TestDatabase extra(*AdminUrl(), name, /*keep=*/false);
    pqxx::connection c(extra.url());  // left open: the drop must use FORCE
    EXPECT_EQ(ScalarOptP("SELECT datname::text FROM pg_database WHERE datname = $1", name), name);
  }
  EXPECT_FALSE(
      ScalarOptP("SELECT datname::text FROM pg_database WHERE datname = $1", name).has_value());
}

TEST_F(HarnessFixture, QueryHelpersReturnStrings) {
  Exec("CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x'), (2, NULL);");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM t"), 2);
  EXPECT_EQ(Scalar("SELECT b FROM t WHERE a = 2"), "NULL");
  EXPECT_FALSE(ScalarOpt("SELECT b FROM t WHERE a = 2").has_value());
  EXPECT_EQ(Query("SELECT a, b FROM t ORDER BY a"), (Rows{{"1", "x"}, {"2", "NULL"}}));
  EXPECT_TRUE(RelationExists("public.t"));
  EXPECT_TRUE(ColumnExists("t", "b"));
  EXPECT_FALSE(ColumnNotNull("t", "b"));
  EXPECT_EQ(PhaseStatus("m", "expand"), "");  // no pgphase schema yet: no row, no throw
  EXPECT_EQ(BackfillRowsDone("m"), 0);
}

TEST_F(HarnessFixture, SchemaDumpSeesPublicAndExcludesPgphase) {
  std::string before = SchemaDump();
  EXPECT_EQ(before, SchemaDump()) << "two dumps of one schema must be equal";
  Exec(
      "CREATE SCHEMA pgphase; CREATE TABLE pgphase.state_table (x int);"
      "CREATE TABLE visible_table (y int);");
  std::string after = SchemaDump();
  EXPECT_NE(after.find("visible_table"), std::string::npos) << after;
  EXPECT_EQ(after.find("state_table"), std::string::npos) << after;
  EXPECT_EQ(after.find("\\restrict"), std::string::npos) << after;
}

TEST_F(HarnessFixture, SpawnSignalAndReap) {
  pid_t pid = SpawnCommand({"/bin/sh", "-c", "echo started; exec sleep 30"});
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(Millis(500));  // let it print
  EXPECT_FALSE(TryReap(pid).has_value());
  EXPECT_TRUE(Signal(pid, SIGTERM));
  RunResult r = WaitExit(pid, Millis(5000));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGTERM) << r;
  EXPECT_EQ(r.out, "started\n");
  EXPECT_FALSE(Signal(pid, SIGTERM)) << "a reaped pid must not be signalled again";
}

TEST_F(HarnessFixture, EventuallyStopsEarlyWhenTheWatchedChildExits) {
  pid_t pid = SpawnCommand({"/bin/sh", "-c", "exit 7"});
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(Eventually([] { return false; }, Millis(10'000), pid));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(WaitExit(pid).exit_code, 7);
}

TEST_F(HarnessFixture, SpecIsWrittenAsMigrationNameDotYaml) {
  std::string path = WriteSpec("0042_thing", "operations: []\n");
  EXPECT_EQ(path, temp_dir() + "/0042_thing.yaml");
  EXPECT_EQ(RunCommand({"/bin/cat", path}).out, "operations: []\n");
}

}  // namespace
}  // namespace pgphase::it
