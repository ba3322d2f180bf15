// Backfill of a table with neither a primary key nor a unique NOT NULL key: batches of
// pages in ctid order (docs/how-it-works.md, "Backfill in ctid ranges").
#include <signal.h>

#include <sstream>

#include "harness.h"

namespace pgphase::it {
namespace {

class CtidBackfillTest : public PgphaseTest {
 protected:
  static constexpr const char* kMigration = "0001_readings_n2";
  static constexpr long long kRows = 50000;

  // readings(id, n, note): no primary key, no unique index, rows in id order on disk.
  void SeedReadings(long long rows = kRows) {
    Exec(
        "CREATE TABLE readings (id int NOT NULL, n int NOT NULL, note text);"
        "INSERT INTO readings SELECT g, g % 1000, 'r' || g FROM generate_series(1, " +
        std::to_string(rows) + ") g; ANALYZE readings;");
  }

  // add_column n2 integer from `up` (default n * 2).
  std::string WriteN2Spec(const std::string& settings, bool nullable = true,
                          const std::string& up = "n * 2") {
    return WriteAddColumnSpec(kMigration, "readings", up, "n2", "integer", nullable, settings);
  }

  long long BadN2() {
    return ScalarInt("SELECT count(*) FROM readings WHERE n2 IS DISTINCT FROM n * 2");
  }

  // The ctid walk's checkpoint: {next page, end page, file node}; empty before a batch.
  std::vector<long long> CtidCheckpoint(const std::string& migration) {
    std::vector<long long> out;
    for (const auto& row : Query("SELECT unnest(last_key) FROM pgphase.backfill "
                                 "WHERE migration = '" +
                                 migration + "'"))
      out.push_back(std::stoll(row[0]));
    return out;
  }

  // Starts a slow `apply --through backfill` and waits for its first checkpoint.
  pid_t StartSlowBackfill(const std::string& spec, const std::string& migration = kMigration) {
    pid_t pid = Spawn({"apply", spec, "--through", "backfill", "--batch-delay", "20ms"});
    if (!Eventually([&] { return BackfillRowsDone(migration) > 0; }, Millis(60'000), pid)) {
      ADD_FAILURE() << "the backfill never checkpointed a batch" << WaitExit(pid, Millis(1000));
      return -1;
    }
    return pid;
  }

  // The old app at work while the walk is still near the start: `set` (an UPDATE's SET
  // list) on 1 row in 10 of the last fifth of the table (1000 rows), in one statement. The
  // old pages are full, so most rows move to new pages, beyond where the walk will end.
  void UpdateRowsAheadOfTheWalk(const std::string& migration, const std::string& set) {
    const std::string rows = "id > " + std::to_string(kRows * 4 / 5) + " AND id % 10 = 0";
    const long long first_page =
        ScalarInt("SELECT min((ctid::text::point)[0])::bigint FROM readings WHERE " + rows);
    Exec("UPDATE readings SET " + set + " WHERE " + rows);
    const auto at = CtidCheckpoint(migration);
    ASSERT_EQ(at.size(), 3u);
    ASSERT_LT(at[0] + 10, first_page) << "the walk reached the rows before the app: too fast";
  }

  // Runs the backfill of `spec` slowly, with UpdateRowsAheadOfTheWalk(set) while it runs.
  void BackfillWhileTheAppUpdatesAhead(const std::string& spec, const std::string& migration,
                                       const std::string& set) {
    pid_t pid = StartSlowBackfill(spec, migration);
    ASSERT_GT(pid, 0);
    UpdateRowsAheadOfTheWalk(migration, set);
    ASSERT_TRUE(TryReap(pid) == std::nullopt) << "the backfill ended before the app wrote";
    RunResult r = WaitExit(pid, Millis(120'000));
    ASSERT_EQ(r.exit_code, 0) << r;
  }
};

TEST_F(CtidBackfillTest, AddColumnThroughContractFillsEveryRow) {
  SeedReadings();
  const std::string spec = WriteN2Spec("", /*nullable=*/false);
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("in ctid-range batches"), std::string::npos) << plan;

  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "contract");
  EXPECT_EQ(BadN2(), 0);
  EXPECT_TRUE(ColumnNotNull("readings", "n2"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings"), kRows);
  // A row the backfill itself moved into a range it had not walked yet (the last page's
  // free space) is counted again there, so rows_done may exceed the rows by up to a page.
  EXPECT_GE(BackfillRowsDone(kMigration), kRows);
  EXPECT_LE(BackfillRowsDone(kMigration), kRows + 300);
}

// The batch statement `plan` shows is the one that runs: one TID range scan per batch
// (PostgreSQL 14+), never a sequential scan of the table.
TEST_F(CtidBackfillTest, EachBatchIsATidRangeScan) {
  SeedReadings();
  const std::string spec = WriteN2Spec("");
  RunResult plan = Run({"plan", spec, "--format", "sql"});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  std::istringstream lines(plan.out);
  std::string line, batch_sql;
  while (std::getline(lines, line))
    if (line.rfind("PREPARE pgphase_batch AS ", 0) == 0)
      batch_sql = line.substr(std::string("PREPARE pgphase_batch AS ").size());
  ASSERT_FALSE(batch_sql.empty()) << plan;
  batch_sql.pop_back();  // the trailing ';'
  ASSERT_EQ(Run({"apply", spec, "--through", "sync"}).exit_code, 0);

  const std::string filenode = Scalar("SELECT pg_relation_filenode('readings')::text");
  pqxx::nontransaction tx(conn());
  std::string explain;
  for (const auto& row : tx.exec_params("EXPLAIN " + batch_sql, "\"public\".\"readings\"", filenode,
                                        "(10,0)", "(20,0)"))
    explain += std::string(row[0].c_str()) + "\n";
  EXPECT_NE(explain.find("Tid Range Scan on readings"), std::string::npos) << explain;
  EXPECT_EQ(explain.find("Seq Scan"), std::string::npos) << explain;
}

// An app UPDATE of a row the walk has not reached moves it (a new tuple version) to a page
// the walk will never read: the sync trigger must fill the column then, although the
// UPDATE changed nothing `up` reads (half the rows; the other half change n too). n2 is
// nullable, so only that rule covers it.
TEST_F(CtidBackfillTest, AppUpdatesOfOtherColumnsDuringTheBackfillLeaveNoRowUnfilled) {
  SeedReadings();
  const std::string spec = WriteN2Spec(kSlowBatchSettings);
  BackfillWhileTheAppUpdatesAhead(spec, kMigration,
                                  "note = note || '+', n = n + (id % 20 = 0)::int");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE note LIKE '%+'"), 1000);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE n2 IS NULL"), 0);
  EXPECT_EQ(BadN2(), 0);

  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadN2(), 0);
}

// Without `up`, a volatile default fills inserted rows and the backfill the others; on a
// table without a key the sync trigger must still fill the rows an UPDATE moves.
TEST_F(CtidBackfillTest, VolatileDefaultWithoutUpLeavesNoRowUnfilled) {
  SeedReadings();
  const std::string spec = WriteSpec(kMigration, std::string("settings:\n") + kSlowBatchSettings +
                                                     "operations:\n"
                                                     "  - add_column:\n"
                                                     "      table: readings\n"
                                                     "      column:\n"
                                                     "        name: n2\n"
                                                     "        type: integer\n"
                                                     "        nullable: true\n"
                                                     "        default: (random() * 0 + 7)::int\n");
  BackfillWhileTheAppUpdatesAhead(spec, kMigration, "note = note || '+'");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE n2 IS DISTINCT FROM 7"), 0);
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(UserTriggerCount("readings"), 0);
  EXPECT_EQ(FunctionCountInSchema("pgphase"), 0);
}

// The checkpoint commits with its batch: after kill -9 the filled rows are exactly those
// of the committed batches, and the resumed walk writes each remaining row once (every
// evaluation of `up` inserts into fill_log in the batch's own transaction).
TEST_F(CtidBackfillTest, KillNineMidBackfillThenApplyResumesWithoutRedoingRows) {
  SeedReadings();
  Exec(
      "CREATE TABLE fill_log (id int NOT NULL);"
      "CREATE FUNCTION logged_double(id int, n int) RETURNS int LANGUAGE plpgsql AS "
      "$$BEGIN INSERT INTO fill_log VALUES (id); RETURN n * 2; END$$;");
  const std::string spec = WriteN2Spec(kSlowBatchSettings, true, "logged_double(id, n)");
  pid_t pid = StartSlowBackfill(spec);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(Signal(pid, SIGKILL));
  EXPECT_EQ(WaitExit(pid, Millis(10'000)).term_signal, SIGKILL);
  ASSERT_TRUE(WaitForNoOtherSessions()) << "the killed executor's session lingers";

  const auto at = CtidCheckpoint(kMigration);
  ASSERT_EQ(at.size(), 3u) << "checkpoint is {next page, end page, file node}";
  EXPECT_GT(at[0], 0);
  EXPECT_LT(at[0], at[1]) << "the kill came too late to test a resume";
  const long long filled = ScalarInt("SELECT count(*) FROM readings WHERE n2 IS NOT NULL");
  EXPECT_GT(filled, 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM fill_log"), filled)
      << "each batch commits its rows with its checkpoint";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE n2 IS NOT NULL AND "
                      "(ctid::text::point)[0] < " +
                      std::to_string(at[0])),
            ScalarInt("SELECT count(*) FROM readings WHERE (ctid::text::point)[0] < " +
                      std::to_string(at[0])))
      << "every row on the pages before the checkpoint is filled";

  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadN2(), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM fill_log"), kRows) << "a row was written twice";
  EXPECT_EQ(ScalarInt("SELECT count(DISTINCT id) FROM fill_log"), kRows);
  EXPECT_GE(std::stoll(Scalar("SELECT attempts::text FROM pgphase.phases WHERE migration = '" +
                              std::string(kMigration) + "' AND phase = 'backfill'")),
            2);
}

// VACUUM FULL between two batches compacts the rows the walk has not reached onto the
// pages it has passed. The walk notices the new file node and starts over.
TEST_F(CtidBackfillTest, TableRewrittenMidBackfillIsWalkedAgainFromTheStart) {
  SeedReadings();
  const std::string spec = WriteN2Spec(kSlowBatchSettings);
  pid_t pid = StartSlowBackfill(spec);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(Signal(pid, SIGTERM));
  ASSERT_EQ(WaitExit(pid, Millis(30'000)).exit_code, 5);
  ASSERT_TRUE(WaitForNoOtherSessions());
  const auto at = CtidCheckpoint(kMigration);
  ASSERT_EQ(at.size(), 3u);
  ASSERT_LT(at[0], at[1]) << "the stop came too late to test a rewrite";
  Exec("VACUUM FULL readings");
  ASSERT_GT(ScalarInt("SELECT count(*) FROM readings WHERE n2 IS NULL AND "
                      "(ctid::text::point)[0] < " +
                      std::to_string(at[0])),
            0)
      << "the rewrite moved no unfilled row behind the walk; the test proves nothing";

  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("was rewritten"), std::string::npos) << r;
  EXPECT_EQ(BadN2(), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.events WHERE event = 'backfill_restarted'"), 1);
}

// alter_column through a shadow column: the shadow is pgphase's own, filled from `up` only
// when a source changes, so the same rule must cover it (after swap the shadow becomes the
// column: a row missed here would lose its value).
TEST_F(CtidBackfillTest, AlterColumnTypeOnTableWithoutKeyKeepsEveryValue) {
  SeedReadings();
  const std::string migration = "0001_readings_note";
  const std::string spec = WriteSpec(migration, std::string("settings:\n") + kSlowBatchSettings +
                                                    "operations:\n"
                                                    "  - alter_column:\n"
                                                    "      table: readings\n"
                                                    "      column: note\n"
                                                    "      type: varchar(40)\n");
  BackfillWhileTheAppUpdatesAhead(spec, migration, "n = n + 1");

  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                   "WHERE attrelid = 'readings'::regclass AND attname = 'note'"),
            "character varying(40)");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE note IS DISTINCT FROM 'r' || id"), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings"), kRows);
}

}  // namespace
}  // namespace pgphase::it
