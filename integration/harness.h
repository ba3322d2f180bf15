// Integration test harness: a real PostgreSQL, a fresh database per test, and the
// pgphase binary run as a child process exactly as an operator would run it.
//
// Environment:
//   PGPHASE_TEST_DB   admin libpq URL (or key=value string) of a running server; the
//                     harness creates and drops databases through it. Required: when it
//                     is unset every fixture test FAILS (a silently skipped suite hides
//                     regressions). scripts/test.sh starts a server and sets it.
//   PGPHASE_KEEP_DB   when set, test databases and temp dirs are kept for inspection.
//   PGPHASE_BINARY    overrides the binary path compiled in by CMake.
//   PGPHASE_PG_BINDIR overrides where pg_dump is looked for.
//
// Not thread-safe: one test at a time per process (ctest runs tests as separate
// processes; database names carry the pid so those never collide).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace pgphase::it {

using Millis = std::chrono::milliseconds;

// What a finished child process left behind.
struct RunResult {
  std::string command;     // the argv joined with spaces, for messages
  int exit_code = -1;      // exit status; 128+N when killed by signal N; 127 when exec failed
  int term_signal = 0;     // N when killed by signal N, else 0
  bool timed_out = false;  // the harness killed it after its timeout
  std::string out;
  std::string err;
  Millis elapsed{0};
};
// Prints command, exit code, stdout and stderr (each capped) for assertion messages:
//   EXPECT_EQ(r.exit_code, 0) << r;
std::ostream& operator<<(std::ostream& os, const RunResult& r);

// Runs argv[0] (a path, or a name looked up on PATH) with both pipes drained
// concurrently (poll), so any amount of output on either never deadlocks. After
// `timeout` the child gets SIGKILL and the result says timed_out.
RunResult RunCommand(const std::vector<std::string>& argv, Millis timeout = Millis(120'000));

// PGPHASE_TEST_DB, or nullopt.
std::optional<std::string> AdminUrl();
// The pgphase binary under test (PGPHASE_BINARY env, else the CMake-defined path).
std::string BinaryPath();
// pg_dump next to the server binaries (PGPHASE_PG_BINDIR, `pg_config --bindir`, the
// newest /usr/lib/postgresql/*/bin), else "pg_dump" from PATH.
std::string PgDumpPath();

// pg_dump --schema-only of the database at `url` as PgphaseTest::SchemaDump makes it.
std::string SchemaDumpOf(const std::string& url);

// "pgphase_it_<sanitized name>_<hash>_<pid>": lowercase [a-z0-9_], at most 63 bytes,
// distinct for distinct names even when truncated.
std::string DatabaseNameFor(const std::string& test_name, long pid);
// The same server as `conninfo` (URL or key=value string), database `dbname`.
std::string WithDatabase(const std::string& conninfo, const std::string& dbname);
// SQL identifier quoting ("a""b").
std::string QuoteIdent(const std::string& name);

// A database that exists for this object's lifetime; dropped WITH (FORCE) on
// destruction unless `keep`.
class TestDatabase {
 public:
  TestDatabase(std::string admin_url, std::string name, bool keep);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
  bool keep_;
};

using Rows = std::vector<std::vector<std::string>>;

// Base fixture: each test gets a fresh database, a temp dir for specs and helpers to
// run pgphase against it. A failure in SetUp (no PGPHASE_TEST_DB, server down) fails
// the test before its body runs.
class PgphaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& db_url() const { return db_->url(); }
  const std::string& db_name() const { return db_->name(); }
  const std::string& temp_dir() const { return dir_; }

  // A new connection to the test database. The caller owns it.
  std::unique_ptr<pqxx::connection> Connect() const;
  // The fixture's shared connection (opened on first use, autocommit helpers below).
  pqxx::connection& conn();

  // Runs SQL (several statements allowed) outside any explicit transaction.
  void Exec(const std::string& sql);
  // First column of the first row; "NULL" for SQL NULL; fails the test when no row.
  std::string Scalar(const std::string& sql);
  std::optional<std::string> ScalarOpt(const std::string& sql);  // nullopt: NULL or no row
  long long ScalarInt(const std::string& sql);
  Rows Query(const std::string& sql);  // NULLs as "NULL"
  // Parameterized variants ($1, $2, ...).
  template <typename... Args>
  std::optional<std::string> ScalarOptP(const std::string& sql, Args&&... args) {
    pqxx::nontransaction tx(conn());
    pqxx::result r = tx.exec_params(sql, std::forward<Args>(args)...);
    if (r.empty() || r[0][0].is_null()) return std::nullopt;
    return r[0][0].c_str();
  }
  template <typename... Args>
  void ExecP(const std::string& sql, Args&&... args) {
    pqxx::nontransaction tx(conn());
    tx.exec_params(sql, std::forward<Args>(args)...);
  }
  // True when `qualified` ("pgphase.phases") names an existing relation.
  bool RelationExists(const std::string& qualified);

  // pgphase <args...> --db <db_url()>, waiting for it to exit.
  RunResult Run(std::vector<std::string> args, Millis timeout = Millis(120'000));
  // `pgphase apply SPEC --through PHASE` / `pgphase reverse MIGRATION`, failing the test
  // (with the command's output) unless they exit 0.
  void Apply(const std::string& spec, const std::string& phase);
  void Reverse(const std::string& migration);
  // pgphase <args...> with no --db (lint, or to test flag handling).
  RunResult RunNoDb(std::vector<std::string> args, Millis timeout = Millis(120'000));
  // Starts pgphase <args...> --db <db_url()> in the background; stdout and stderr go to
  // files in temp_dir(). Returns the pid. TearDown SIGKILLs whatever is still running.
  pid_t Spawn(std::vector<std::string> args);
  // Starts any command in the background (harness self-tests).
  pid_t SpawnCommand(const std::vector<std::string>& argv);
  // Non-blocking: the result when `pid` (from Spawn) has exited, else nullopt.
  std::optional<RunResult> TryReap(pid_t pid);
  // Waits for `pid` to exit; on timeout SIGKILLs it and marks the result timed_out.
  RunResult WaitExit(pid_t pid, Millis timeout = Millis(120'000));
  // kill(2); returns false when the process is already gone.
  bool Signal(pid_t pid, int sig);

  // Polls `pred` until it is true or `timeout` passes. When `watched` is a spawned
  // pid that exits meanwhile, gives up early (its result is then kept for WaitExit).
  bool Eventually(const std::function<bool()>& pred, Millis timeout,
                  std::optional<pid_t> watched = std::nullopt, Millis interval = Millis(50));
  // Waits until no other session is connected to the test database (e.g. the server
  // side of a killed pgphase has gone, releasing its advisory lock); with
  // `application_like`, only sessions whose application_name is LIKE it count.
  bool WaitForNoOtherSessions(Millis timeout = Millis(20'000),
                              const std::string& application_like = "%");

  // Writes <temp_dir>/<migration>.yaml and returns its path.
  std::string WriteSpec(const std::string& migration, const std::string& yaml);
  // Writes a migration of one add_column: `column` of `type` on `table`, filled from `up`,
  // NOT NULL unless `nullable`, after a `settings:` block when `settings` is not empty (its
  // body, indented by two spaces per line). Returns its path.
  std::string WriteAddColumnSpec(const std::string& migration, const std::string& table,
                                 const std::string& up, const std::string& column,
                                 const std::string& type, bool nullable = false,
                                 const std::string& settings = "");

  // pg_dump --schema-only --no-owner --no-privileges --exclude-schema=pgphase, with
  // per-run noise (\restrict keys) removed, so two dumps of an equal schema are equal.
  std::string SchemaDump();

  // --- pgphase state (schema pgphase), tolerant of the schema not existing yet ---
  // pgphase.phases.status of one phase, or "" when there is no such row.
  std::string PhaseStatus(const std::string& migration, const std::string& phase);
  // pgphase.migrations.status, or "" when there is no such row.
  std::string MigrationStatus(const std::string& migration);
  // sum(rows_done) in pgphase.backfill for the migration; 0 when none.
  long long BackfillRowsDone(const std::string& migration);
  // Expects phases up to and including `last_done` to be `done` and later ones not
  // started (`pending`, or no row yet). `last_done` "" means none done.
  void ExpectPhasesDoneThrough(const std::string& migration, const std::string& last_done);
  // True when another session holds an advisory lock in the test database.
  bool AdvisoryLockHeldByOther();

  // --- catalog probes on schema public ---
  bool ColumnExists(const std::string& table, const std::string& column);
  bool ColumnNotNull(const std::string& table, const std::string& column);
  // format_type of public.table.column ("" when there is no such column).
  std::string TypeOf(const std::string& table, const std::string& column);
  long long UserTriggerCount(const std::string& table);  // pg_trigger, not tgisinternal
  long long NotValidConstraintCount(const std::string& table);
  long long CheckConstraintCount(const std::string& table);
  // Functions in `schema`, not counting the state schema's own (pgphase.record_sync_error).
  long long FunctionCountInSchema(const std::string& schema);
  // The SQLSTATE `sql` fails with, "" when it succeeds.
  std::string StateOf(const std::string& sql);
  // No pgphase column, trigger or function is left on `table` (pgroll's TableMustBeCleanedUp).
  void ExpectCleanedUp(const std::string& table);

 private:
  struct Child {
    std::string command;
    std::string out_path;
    std::string err_path;
    std::chrono::steady_clock::time_point started;
    std::optional<RunResult> result;  // set once reaped
  };
  RunResult Collect(Child& child, int wait_status);

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<pqxx::connection> conn_;
  std::string dir_;
  bool keep_ = false;
  std::map<pid_t, Child> children_;
  int spawn_seq_ = 0;
};

// The scenario most tests share: public.orders(id bigint PRIMARY KEY, amount integer
// NOT NULL, note text) and migrations adding `total bigint NOT NULL` with
// up = amount * 2 (the "old app" knows only id, amount, note).
class OrdersTest : public PgphaseTest {
 protected:
  static constexpr const char* kMigration = "0001_orders_total";

  // Creates and fills orders with ids 1..rows, then ANALYZE.
  void SeedOrders(long long rows);
  // Writes the add_column spec (optionally with a `settings:` block body, indented by
  // two spaces per line, e.g. "  batch_size_max: 500\n") and returns its path.
  std::string WriteOrdersSpec(const std::string& migration = kMigration,
                              const std::string& settings = "",
                              const std::string& up = "amount * 2");
  // Rows whose total is not amount * 2 (NULL counts as wrong).
  long long BadTotals();
  long long FilledTotals();  // rows whose total is set
  long long OrdersCount();
  // md5 over (id, amount, note) of every row in id order: the old app's data.
  std::string OriginalDataChecksum();
  // The old app at work: inserts ids first_id..first_id+n-1 without `total`, and
  // changes `amount` of ids 1..n (which `up` reads).
  void OldAppWrites(long long first_id, int n);
};

// A `settings:` body of small batches (100 to 500 rows, 20 ms target): with --batch-delay,
// a backfill of 50k+ rows takes seconds, long enough to stop, kill or write during it.
inline constexpr const char* kSlowBatchSettings =
    "  batch_size_min: 100\n"
    "  batch_size_max: 500\n"
    "  target_batch_time: 20ms\n";

// The six phases, in order.
inline const std::vector<std::string>& AllPhases() {
  static const std::vector<std::string> kPhases = {"expand",   "sync", "backfill",
                                                   "validate", "swap", "contract"};
  return kPhases;
}
int PhaseIndexOf(const std::string& phase);  // -1 when unknown

// Lowercased copy, for case-insensitive message checks.
std::string Lower(std::string s);
// "dir/0001_x.yaml" -> "0001_x.yaml".
std::string Basename(const std::string& path);

}  // namespace pgphase::it
