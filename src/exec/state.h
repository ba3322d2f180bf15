// StateStore: the `pgphase` schema inside the target database (DESIGN "State").
//
// Every write here either runs in its own short transaction or, when given a
// transaction, joins the caller's so that DDL and its bookkeeping commit together.
// The store never decides anything; the runner does.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "exec/statuses.h"
#include "pgphase/plan.h"
#include "pgphase/status.h"

namespace pgphase::exec {

inline constexpr int kStateVersion = 4;

struct MigrationRow {
  std::string name;
  std::string checksum;
  MigrationStatus status = MigrationStatus::kPending;
  std::string plan_json;
  std::vector<std::string> tables;
};

struct BackfillRow {
  std::vector<std::string> last_key;  // empty before the first batch
  long long rows_done = 0;
  long long rows_total = 0;
  long long batch_size = 0;
  // A verification (BackfillJob::verify): rows found wrong, every one of them repaired (a
  // batch whose repair does not hold is rolled back), and the first few of their keys.
  long long mismatched = 0;
  std::vector<std::string> sample_keys{};
  // A parallel backfill (--workers) walks its table in parts, a row each, numbered from 0:
  // a keyset part walks the keys after last_key up to and including upper_key (empty: to the
  // last); a ctid part's last_key holds its own end page.
  int part = 0;
  std::vector<std::string> upper_key{};
};

// A row whose new value a guarded sync fill could not compute (pgphase.sync_errors).
struct SyncError {
  std::string column;
  std::vector<std::string> key;  // the row's key columns as text; empty for a table without one
  std::string sqlstate;
  std::string message;
  long long occurrences = 1;
};
// "1000 rows checked, 2 mismatched, 2 repaired (sample keys: 5, 9)": a verification's result
// as stdout, the events log and `status` say it.
std::string DescribeVerify(long long rows_checked, long long mismatched,
                           const std::vector<std::string>& sample_keys);

class StateStore {
 public:
  explicit StateStore(pqxx::connection& conn) : conn_(conn) {}

  // Creates or upgrades the schema. Serialized by a transaction-level advisory lock.
  Status Ensure();
  // False when the schema does not exist yet (read-only callers treat that as empty).
  bool Exists();

  // Executor lock: one apply/reverse per database. Session-level, released on disconnect.
  // Returns Busy naming the holder when someone else has it.
  Status AcquireExecutorLock();
  // Releases it before the connection closes: a backend frees session locks only after it
  // notices the disconnect, so without this a command run right after ours can see
  // "busy". Best effort: a broken connection has lost the lock anyway.
  void ReleaseExecutorLock() noexcept;

  std::optional<MigrationRow> LoadMigration(const std::string& name);
  // Unfinished migrations (not completed, not reversed) other than `except`.
  std::vector<MigrationRow> Unfinished(const std::string& except);

  // Records a new plan (replacing a reversed run of the same name): migration row,
  // one row per phase and step, one per backfill job. One transaction.
  void Register(const std::string& checksum, const std::string& spec_text, const Plan& plan);

  void SetMigrationStatus(const std::string& migration, MigrationStatus status);
  void SetPhaseStatus(const std::string& migration, Phase phase, PhaseStatus status,
                      const std::string& error = "");
  // kPending for a phase or step that has no row.
  PhaseStatus LoadPhaseStatus(const std::string& migration, Phase phase);
  StepStatus LoadStepStatus(const std::string& migration, const std::string& step_id);
  // In the caller's transaction, so a step and its record commit together.
  void SetStepStatus(pqxx::transaction_base& tx, const std::string& migration,
                     const std::string& step_id, StepStatus status, const std::string& error = "");
  void SetStepStatus(const std::string& migration, const std::string& step_id, StepStatus status,
                     const std::string& error = "");

  // The step's backfill over all its parts: rows, totals and verification results summed;
  // last_key, batch_size and upper_key of part 0.
  BackfillRow LoadBackfill(const std::string& migration, const std::string& step_id);
  // Each part's row, in part order (one, part 0, until SplitBackfill).
  std::vector<BackfillRow> LoadBackfillParts(const std::string& migration,
                                             const std::string& step_id);
  // Replaces the step's backfill by `parts` (part 0, 1, ...: last_key, upper_key, rows_total),
  // all started now, in one transaction.
  void SplitBackfill(const std::string& migration, const std::string& step_id,
                     const std::vector<BackfillRow>& parts);
  void StartBackfill(const std::string& migration, const std::string& step_id, long long total);
  // Checkpoint in the batch's transaction; returns whether a pause was requested. A
  // verification's batch adds the rows it repaired, and their keys to the sample (up to
  // ddl::kReportedKeys in all).
  bool Checkpoint(pqxx::transaction_base& tx, const std::string& migration,
                  const std::string& step_id, int part, const std::vector<std::string>& last_key,
                  long long rows, long long batch_size, long long repaired = 0,
                  const std::vector<std::string>& repaired_keys = {});
  // Back to one part, not started.
  void ResetBackfill(const std::string& migration, const std::string& step_id);

  // The recorded sync errors of `table` ("schema.name"), in key order.
  std::vector<SyncError> SyncErrors(const std::string& migration, const std::string& table);
  // How many rows of the migration have a recorded sync error.
  long long SyncErrorCount(const std::string& migration);
  void ForgetSyncError(const std::string& migration, const std::string& table, const SyncError& e);
  // Records one, as the sync trigger does (through the same function), in the caller's
  // transaction.
  void RecordSyncError(pqxx::transaction_base& tx, const std::string& migration,
                       const std::string& table, const SyncError& e);

  // The newest version schema of `of_schema` ("" when none, or no state yet).
  std::string LatestVersionSchema(const std::string& of_schema);
  // The version schema `migration` made, "" when none (yet).
  std::string VersionSchemaOf(const std::string& migration);

  void SetPauseRequested(const std::string& migration, bool paused);
  bool PauseRequested(const std::string& migration);

  void Event(const std::string& migration, const std::string& event, const std::string& detail,
             std::optional<Phase> phase = std::nullopt, const std::string& step_id = "");
  void Event(pqxx::transaction_base& tx, const std::string& migration, const std::string& event,
             const std::string& detail, std::optional<Phase> phase = std::nullopt,
             const std::string& step_id = "");

 private:
  std::string NewestVersionSchema(const char* column, const std::string& value);

  pqxx::connection& conn_;
};

// Releases the executor lock when the command ends, however it ends.
struct ExecutorLockGuard {
  explicit ExecutorLockGuard(StateStore& s) : store(s) {}
  ~ExecutorLockGuard() { store.ReleaseExecutorLock(); }
  ExecutorLockGuard(const ExecutorLockGuard&) = delete;
  ExecutorLockGuard& operator=(const ExecutorLockGuard&) = delete;
  StateStore& store;
};

// Parses a PostgreSQL text[] literal as returned by libpq ("{a,\"b c\"}").
std::vector<std::string> ParseTextArray(const std::string& literal);
// Renders a text[] literal, quoting every element.
std::string TextArrayLiteral(const std::vector<std::string>& items);

}  // namespace pgphase::exec
