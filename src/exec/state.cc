#include "exec/state.h"

#include <fmt/format.h>

#include "exec/db.h"
#include "pgphase/ddl.h"

namespace pgphase::exec {
namespace {

// The executor lock key: one apply/reverse per database ("pgphase" in ASCII).
constexpr long long kExecutorLockKey = 0x70677068617365LL;
// Serializes creation and upgrade of the state schema.
constexpr long long kSchemaLockKey = 0x70677068617366LL;

// Version 1 as existing databases hold it: frozen, hence its CHECK constraints spell the
// statuses out rather than take them from statuses.h.
constexpr const char* kSchemaV1 = R"(
CREATE TABLE pgphase.migrations (
  name            text PRIMARY KEY,
  checksum        text NOT NULL,
  spec            text NOT NULL,
  plan            jsonb NOT NULL,
  tables          text[] NOT NULL,
  status          text NOT NULL
                  CHECK (status IN ('pending', 'in_progress', 'completed', 'reversed', 'failed')),
  pause_requested boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);
CREATE TABLE pgphase.phases (
  migration   text NOT NULL REFERENCES pgphase.migrations ON DELETE CASCADE,
  phase       text NOT NULL,
  ordinal     integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'reversed')),
  started_at  timestamptz,
  finished_at timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  PRIMARY KEY (migration, phase)
);
CREATE TABLE pgphase.steps (
  migration   text NOT NULL REFERENCES pgphase.migrations ON DELETE CASCADE,
  step_id     text NOT NULL,
  phase       text NOT NULL,
  ordinal     integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'reversed')),
  attempts    integer NOT NULL DEFAULT 0,
  started_at  timestamptz,
  finished_at timestamptz,
  last_error  text,
  PRIMARY KEY (migration, step_id)
);
CREATE TABLE pgphase.backfill (
  migration    text NOT NULL,
  step_id      text NOT NULL,
  table_name   text NOT NULL,
  key_columns  text[] NOT NULL,
  last_key     text[],
  rows_done    bigint NOT NULL DEFAULT 0,
  rows_total   bigint NOT NULL DEFAULT 0,
  batch_size   integer NOT NULL DEFAULT 0,
  started_at   timestamptz,
  updated_at   timestamptz,
  PRIMARY KEY (migration, step_id),
  FOREIGN KEY (migration, step_id) REFERENCES pgphase.steps ON DELETE CASCADE
);
CREATE TABLE pgphase.events (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  migration text NOT NULL,
  phase     text,
  step_id   text,
  event     text NOT NULL,
  detail    text NOT NULL DEFAULT ''
);
)";

// Version 2: what guarded sync fills could not compute (issue 9), and the function their
// triggers call to record it; verification (BackfillJob::verify) results next to the walk's
// checkpoint. SECURITY DEFINER with a fixed search_path, so an application
// role with no rights on the state schema can record its row (USAGE lets it name the
// function; the tables stay closed to it).
std::string SchemaV2() {
  return fmt::format(R"(
CREATE TABLE pgphase.sync_errors (
  migration   text NOT NULL REFERENCES pgphase.migrations ON DELETE CASCADE,
  table_name  text NOT NULL,
  column_name text NOT NULL,
  row_key     text[] NOT NULL,
  sqlstate    text NOT NULL,
  message     text NOT NULL,
  occurrences bigint NOT NULL DEFAULT 1,
  first_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (migration, table_name, column_name, row_key)
);
CREATE FUNCTION {0}(migration text, table_name text, column_name text, row_key text[],
                    sqlstate text, message text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
  INSERT INTO pgphase.sync_errors AS e
         (migration, table_name, column_name, row_key, sqlstate, message)
  VALUES ($1, $2, $3, coalesce($4, '{{}}'), $5, $6)
  ON CONFLICT (migration, table_name, column_name, row_key) DO UPDATE
     SET sqlstate = excluded.sqlstate, message = excluded.message,
         occurrences = e.occurrences + 1, last_at = clock_timestamp()
$fn$;
GRANT USAGE ON SCHEMA pgphase TO PUBLIC;
GRANT EXECUTE ON FUNCTION {0}(text, text, text, text[], text, text) TO PUBLIC;
ALTER TABLE pgphase.backfill
  ADD COLUMN verify      boolean NOT NULL DEFAULT false,
  ADD COLUMN mismatched  bigint NOT NULL DEFAULT 0,
  ADD COLUMN sample_keys text[] NOT NULL DEFAULT '{{}}';
)",
                     ddl::kRecordSyncErrorFunction);
}

// Version 3: the version schemas pgphase made (ddl_version.h), newest last; the executor reads
// the newest one of a schema before planning (PlanOptions::previous_version_schema).
constexpr const char* kSchemaV3 = R"(
CREATE TABLE pgphase.version_schemas (
  name       text PRIMARY KEY,
  of_schema  text NOT NULL,
  migration  text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq        bigserial NOT NULL
);
)";

// Version 4: a parallel backfill's parts (BackfillRow::part), a checkpoint row each.
constexpr const char* kSchemaV4 = R"(
ALTER TABLE pgphase.backfill
  ADD COLUMN part      integer NOT NULL DEFAULT 0,
  ADD COLUMN upper_key text[];
ALTER TABLE pgphase.backfill DROP CONSTRAINT backfill_pkey;
ALTER TABLE pgphase.backfill ADD PRIMARY KEY (migration, step_id, part);
)";

std::string PhaseOrNull(std::optional<Phase> phase) {
  return phase ? std::string(PhaseName(*phase)) : std::string();
}

template <class E>
std::string Name(E status) {
  return std::string(StatusName(status));
}

}  // namespace

std::vector<std::string> ParseTextArray(const std::string& literal) {
  std::vector<std::string> out;
  pqxx::array_parser parser(literal.c_str());
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value) out.push_back(item.second);
  }
  return out;
}

std::string DescribeVerify(long long rows_checked, long long mismatched,
                           const std::vector<std::string>& sample_keys) {
  std::string out = fmt::format("{} rows checked, {} mismatched, {} repaired", rows_checked,
                                mismatched, mismatched);
  if (!sample_keys.empty()) out += fmt::format(" (sample keys: {})", fmt::join(sample_keys, ", "));
  return out;
}

std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

bool StateStore::Exists() {
  pqxx::nontransaction tx(conn_);
  return !tx.exec("SELECT to_regclass('pgphase.schema_version')")[0][0].is_null();
}

Status StateStore::Ensure() {
  try {
    pqxx::work tx(conn_);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLockKey);
    tx.exec("CREATE SCHEMA IF NOT EXISTS pgphase");
    tx.exec("CREATE TABLE IF NOT EXISTS pgphase.schema_version (version integer NOT NULL)");
    auto r = tx.exec("SELECT max(version) FROM pgphase.schema_version");
    const int version = r[0][0].is_null() ? 0 : r[0][0].as<int>();
    if (version > kStateVersion) {
      return Status::Failure(fmt::format(
          "state schema pgphase is version {}, newer than this pgphase understands ({})", version,
          kStateVersion));
    }
    if (version < 1) tx.exec(kSchemaV1);
    if (version < 2) tx.exec(SchemaV2());
    if (version < 3) tx.exec(kSchemaV3);
    if (version < 4) tx.exec(kSchemaV4);
    if (version < kStateVersion) {
      tx.exec("DELETE FROM pgphase.schema_version");
      tx.exec_params("INSERT INTO pgphase.schema_version VALUES ($1)", kStateVersion);
    }
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromException(e, "creating state schema pgphase");
  }
}

Status StateStore::AcquireExecutorLock() {
  pqxx::nontransaction tx(conn_);
  if (tx.exec_params1("SELECT pg_try_advisory_lock($1)", kExecutorLockKey)[0].as<bool>())
    return Status::Ok();
  auto r = tx.exec_params(R"(
SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''),
       coalesce(a.client_addr::text, 'local'),
       coalesce(extract(epoch FROM now() - a.backend_start)::bigint, 0)
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted
   AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
   AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
)",
                          kExecutorLockKey);
  if (r.empty()) return Status::Busy("another pgphase executor holds the lock on this database");
  return Status::Busy(fmt::format(
      "another pgphase executor is running on this database: held by pid {} ({}, user {}, from "
      "{}, connected {}s ago); wait for it to finish or stop it",
      r[0][0].c_str(), r[0][1].c_str(), r[0][2].c_str(), r[0][3].c_str(), r[0][4].c_str()));
}

void StateStore::ReleaseExecutorLock() noexcept {
  try {
    pqxx::nontransaction tx(conn_);
    tx.exec_params("SELECT pg_advisory_unlock($1)", kExecutorLockKey);
  } catch (const std::exception&) {
  }
}

std::optional<MigrationRow> StateStore::LoadMigration(const std::string& name) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params(
      "SELECT name, checksum, status, plan::text, tables FROM pgphase.migrations WHERE name = $1",
      name);
  if (r.empty()) return std::nullopt;
  return MigrationRow{r[0][0].c_str(), r[0][1].c_str(),
                      StoredStatus<MigrationStatus>(r[0][2].c_str()), r[0][3].c_str(),
                      ParseTextArray(r[0][4].c_str())};
}

std::vector<MigrationRow> StateStore::Unfinished(const std::string& except) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params(
      "SELECT name, checksum, status, '', tables FROM pgphase.migrations "
      "WHERE status NOT IN ($2, $3) AND name <> $1 ORDER BY name",
      except, Name(MigrationStatus::kCompleted), Name(MigrationStatus::kReversed));
  std::vector<MigrationRow> out;
  for (const auto& row : r)
    out.push_back({row[0].c_str(), row[1].c_str(), StoredStatus<MigrationStatus>(row[2].c_str()),
                   "", ParseTextArray(row[4].c_str())});
  return out;
}

void StateStore::Register(const std::string& checksum, const std::string& spec_text,
                          const Plan& plan) {
  pqxx::work tx(conn_);
  tx.exec_params("DELETE FROM pgphase.migrations WHERE name = $1", plan.migration);
  tx.exec_params(
      "INSERT INTO pgphase.migrations (name, checksum, spec, plan, tables, status) "
      "VALUES ($1, $2, $3, $4::jsonb, $5::text[], $6)",
      plan.migration, checksum, spec_text, PlanToJson(plan), TextArrayLiteral(plan.tables),
      Name(MigrationStatus::kInProgress));
  for (const auto& p : plan.phases) {
    tx.exec_params(
        "INSERT INTO pgphase.phases (migration, phase, ordinal, status) "
        "VALUES ($1, $2, $3, $4)",
        plan.migration, std::string(PhaseName(p.phase)), PhaseIndex(p.phase),
        Name(PhaseStatus::kPending));
    int ordinal = 0;
    for (const auto& s : p.steps) {
      tx.exec_params(
          "INSERT INTO pgphase.steps (migration, step_id, phase, ordinal, status) "
          "VALUES ($1, $2, $3, $4, $5)",
          plan.migration, s.id, std::string(PhaseName(p.phase)), ordinal++,
          Name(StepStatus::kPending));
      if (!s.backfill) continue;
      std::vector<std::string> keys;
      for (const auto& k : s.backfill->key) keys.push_back(k.name);
      tx.exec_params(
          "INSERT INTO pgphase.backfill (migration, step_id, table_name, key_columns, rows_total,"
          " verify) VALUES ($1, $2, $3, $4::text[], $5, $6)",
          plan.migration, s.id, s.backfill->schema + "." + s.backfill->table,
          TextArrayLiteral(keys), s.backfill->estimated_rows, s.backfill->verify);
    }
  }
  Event(tx, plan.migration, "registered", "checksum " + checksum);
  tx.commit();
}

void StateStore::SetMigrationStatus(const std::string& migration, MigrationStatus status) {
  pqxx::work tx(conn_);
  tx.exec_params(
      "UPDATE pgphase.migrations SET status = $2, updated_at = now(), "
      "completed_at = CASE WHEN $3 THEN now() END WHERE name = $1",
      migration, Name(status), status == MigrationStatus::kCompleted);
  Event(tx, migration, "migration_" + Name(status), "");
  tx.commit();
}

void StateStore::SetPhaseStatus(const std::string& migration, Phase phase, PhaseStatus status,
                                const std::string& error) {
  const bool finished = status == PhaseStatus::kDone || status == PhaseStatus::kReversed ||
                        status == PhaseStatus::kFailed;
  pqxx::work tx(conn_);
  // $5: an attempt starts; $6: it ends; $7: it failed.
  tx.exec_params(R"(
UPDATE pgphase.phases
   SET status = $3,
       attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END,
       started_at = CASE WHEN $5 THEN coalesce(started_at, now()) ELSE started_at END,
       finished_at = CASE WHEN $6 THEN now() END,
       last_error = CASE WHEN $7 THEN $4 ELSE last_error END
 WHERE migration = $1 AND phase = $2
)",
                 migration, std::string(PhaseName(phase)), Name(status), error,
                 status == PhaseStatus::kRunning, finished, status == PhaseStatus::kFailed);
  tx.exec_params("UPDATE pgphase.migrations SET updated_at = now() WHERE name = $1", migration);
  Event(tx, migration, "phase_" + Name(status), error, phase);
  tx.commit();
}

PhaseStatus StateStore::LoadPhaseStatus(const std::string& migration, Phase phase) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params("SELECT status FROM pgphase.phases WHERE migration = $1 AND phase = $2",
                          migration, std::string(PhaseName(phase)));
  return r.empty() ? PhaseStatus::kPending : StoredStatus<PhaseStatus>(r[0][0].c_str());
}

StepStatus StateStore::LoadStepStatus(const std::string& migration, const std::string& step_id) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params("SELECT status FROM pgphase.steps WHERE migration = $1 AND step_id = $2",
                          migration, step_id);
  return r.empty() ? StepStatus::kPending : StoredStatus<StepStatus>(r[0][0].c_str());
}

void StateStore::SetStepStatus(pqxx::transaction_base& tx, const std::string& migration,
                               const std::string& step_id, StepStatus status,
                               const std::string& error) {
  const bool finished = status == StepStatus::kDone || status == StepStatus::kReversed;
  // $5: an attempt starts; $6: it ends; $7: it is done. A step that runs in one transaction
  // (never marked running) started when that transaction did: now(). It ends at the clock.
  tx.exec_params(R"(
UPDATE pgphase.steps
   SET status = $3,
       attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END,
       started_at = CASE WHEN $5 OR $7 THEN coalesce(started_at, now()) ELSE started_at END,
       finished_at = CASE WHEN $6 THEN clock_timestamp() END,
       last_error = nullif($4, '')
 WHERE migration = $1 AND step_id = $2
)",
                 migration, step_id, Name(status), error, status == StepStatus::kRunning, finished,
                 status == StepStatus::kDone);
}

void StateStore::SetStepStatus(const std::string& migration, const std::string& step_id,
                               StepStatus status, const std::string& error) {
  pqxx::work tx(conn_);
  SetStepStatus(tx, migration, step_id, status, error);
  tx.commit();
}

BackfillRow StateStore::LoadBackfill(const std::string& migration, const std::string& step_id) {
  const std::vector<BackfillRow> parts = LoadBackfillParts(migration, step_id);
  if (parts.empty()) return {};
  BackfillRow sum = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    sum.rows_done += parts[i].rows_done;
    sum.rows_total += parts[i].rows_total;
    sum.mismatched += parts[i].mismatched;
    for (const auto& k : parts[i].sample_keys)
      if (sum.sample_keys.size() < static_cast<size_t>(ddl::kReportedKeys))
        sum.sample_keys.push_back(k);
  }
  return sum;
}

std::vector<BackfillRow> StateStore::LoadBackfillParts(const std::string& migration,
                                                       const std::string& step_id) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params(
      "SELECT coalesce(last_key, '{}'), rows_done, rows_total, batch_size, mismatched, "
      "sample_keys, part, coalesce(upper_key, '{}') FROM pgphase.backfill "
      "WHERE migration = $1 AND step_id = $2 ORDER BY part",
      migration, step_id);
  std::vector<BackfillRow> out;
  for (const auto& row : r)
    out.push_back({ParseTextArray(row[0].c_str()), row[1].as<long long>(), row[2].as<long long>(),
                   row[3].as<long long>(), row[4].as<long long>(), ParseTextArray(row[5].c_str()),
                   row[6].as<int>(), ParseTextArray(row[7].c_str())});
  return out;
}

void StateStore::SplitBackfill(const std::string& migration, const std::string& step_id,
                               const std::vector<BackfillRow>& parts) {
  pqxx::work tx(conn_);
  tx.exec_params("DELETE FROM pgphase.backfill WHERE migration = $1 AND step_id = $2 AND part > 0",
                 migration, step_id);
  for (const BackfillRow& p : parts) {
    tx.exec_params(R"(
INSERT INTO pgphase.backfill AS b (migration, step_id, part, table_name, key_columns, verify,
                                   last_key, upper_key, rows_total, started_at, updated_at)
SELECT migration, step_id, $3, table_name, key_columns, verify, nullif($4::text[], '{}'),
       nullif($5::text[], '{}'), $6, now(), now()
  FROM pgphase.backfill WHERE migration = $1 AND step_id = $2 AND part = 0
ON CONFLICT (migration, step_id, part) DO UPDATE
   SET last_key = excluded.last_key, upper_key = excluded.upper_key,
       rows_total = excluded.rows_total, started_at = excluded.started_at,
       updated_at = excluded.updated_at
)",
                   migration, step_id, p.part, TextArrayLiteral(p.last_key),
                   TextArrayLiteral(p.upper_key), p.rows_total);
  }
  tx.commit();
}

void StateStore::StartBackfill(const std::string& migration, const std::string& step_id,
                               long long total) {
  pqxx::work tx(conn_);
  tx.exec_params(
      "UPDATE pgphase.backfill SET rows_total = $3, started_at = coalesce(started_at, now()), "
      "updated_at = now() WHERE migration = $1 AND step_id = $2 AND part = 0",
      migration, step_id, total);
  tx.commit();
}

bool StateStore::Checkpoint(pqxx::transaction_base& tx, const std::string& migration,
                            const std::string& step_id, int part,
                            const std::vector<std::string>& last_key, long long rows,
                            long long batch_size, long long repaired,
                            const std::vector<std::string>& repaired_keys) {
  auto r = tx.exec_params(R"(
UPDATE pgphase.backfill b
   SET last_key = $3::text[], rows_done = b.rows_done + $4, batch_size = $5, updated_at = now(),
       rows_total = greatest(b.rows_total, b.rows_done + $4), mismatched = b.mismatched + $6,
       sample_keys = (b.sample_keys || $7::text[])[1:$8]
  FROM pgphase.migrations m
 WHERE b.migration = $1 AND b.step_id = $2 AND b.part = $9 AND m.name = b.migration
RETURNING m.pause_requested
)",
                          migration, step_id, TextArrayLiteral(last_key), rows, batch_size,
                          repaired, TextArrayLiteral(repaired_keys), ddl::kReportedKeys, part);
  return !r.empty() && r[0][0].as<bool>();
}

void StateStore::ResetBackfill(const std::string& migration, const std::string& step_id) {
  pqxx::work tx(conn_);
  tx.exec_params("DELETE FROM pgphase.backfill WHERE migration = $1 AND step_id = $2 AND part > 0",
                 migration, step_id);
  tx.exec_params(
      "UPDATE pgphase.backfill SET last_key = NULL, upper_key = NULL, rows_done = 0, "
      "started_at = NULL, mismatched = 0, sample_keys = '{}', updated_at = now() "
      "WHERE migration = $1 AND step_id = $2",
      migration, step_id);
  tx.commit();
}

std::vector<SyncError> StateStore::SyncErrors(const std::string& migration,
                                              const std::string& table) {
  pqxx::nontransaction tx(conn_);
  auto r = tx.exec_params(
      "SELECT column_name, row_key, sqlstate, message, occurrences FROM pgphase.sync_errors "
      "WHERE migration = $1 AND table_name = $2 ORDER BY column_name, row_key",
      migration, table);
  std::vector<SyncError> out;
  for (const auto& row : r)
    out.push_back({row[0].c_str(), ParseTextArray(row[1].c_str()), row[2].c_str(), row[3].c_str(),
                   row[4].as<long long>()});
  return out;
}

// The newest version schema whose `column` (of_schema or migration, a fixed name) is `value`.
std::string StateStore::NewestVersionSchema(const char* column, const std::string& value) {
  pqxx::nontransaction tx(conn_);
  if (tx.exec("SELECT to_regclass('pgphase.version_schemas')")[0][0].is_null()) return "";
  auto r = tx.exec_params(fmt::format("SELECT name FROM pgphase.version_schemas WHERE {} = $1 "
                                      "ORDER BY seq DESC LIMIT 1",
                                      column),
                          value);
  return r.empty() ? "" : r[0][0].c_str();
}

std::string StateStore::LatestVersionSchema(const std::string& of_schema) {
  return NewestVersionSchema("of_schema", of_schema);
}

std::string StateStore::VersionSchemaOf(const std::string& migration) {
  return NewestVersionSchema("migration", migration);
}

long long StateStore::SyncErrorCount(const std::string& migration) {
  pqxx::nontransaction tx(conn_);
  if (tx.exec("SELECT to_regclass('pgphase.sync_errors')")[0][0].is_null()) return 0;
  return tx
      .exec_params1("SELECT count(*) FROM pgphase.sync_errors WHERE migration = $1", migration)[0]
      .as<long long>();
}

void StateStore::ForgetSyncError(const std::string& migration, const std::string& table,
                                 const SyncError& e) {
  pqxx::work tx(conn_);
  tx.exec_params(
      "DELETE FROM pgphase.sync_errors WHERE migration = $1 AND table_name = $2 AND "
      "column_name = $3 AND row_key = $4::text[]",
      migration, table, e.column, TextArrayLiteral(e.key));
  tx.commit();
}

void StateStore::RecordSyncError(pqxx::transaction_base& tx, const std::string& migration,
                                 const std::string& table, const SyncError& e) {
  tx.exec_params(
      fmt::format("SELECT {}($1, $2, $3, $4::text[], $5, $6)", ddl::kRecordSyncErrorFunction),
      migration, table, e.column, TextArrayLiteral(e.key), e.sqlstate, e.message);
}

void StateStore::SetPauseRequested(const std::string& migration, bool paused) {
  pqxx::work tx(conn_);
  tx.exec_params("UPDATE pgphase.migrations SET pause_requested = $2 WHERE name = $1", migration,
                 paused);
  if (paused) Event(tx, migration, "pause_requested", "");
  tx.commit();
}

bool StateStore::PauseRequested(const std::string& migration) {
  pqxx::nontransaction tx(conn_);
  auto r =
      tx.exec_params("SELECT pause_requested FROM pgphase.migrations WHERE name = $1", migration);
  return !r.empty() && r[0][0].as<bool>();
}

void StateStore::Event(const std::string& migration, const std::string& event,
                       const std::string& detail, std::optional<Phase> phase,
                       const std::string& step_id) {
  pqxx::work tx(conn_);
  Event(tx, migration, event, detail, phase, step_id);
  tx.commit();
}

void StateStore::Event(pqxx::transaction_base& tx, const std::string& migration,
                       const std::string& event, const std::string& detail,
                       std::optional<Phase> phase, const std::string& step_id) {
  tx.exec_params(
      "INSERT INTO pgphase.events (migration, phase, step_id, event, detail) "
      "VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5)",
      migration, PhaseOrNull(phase), step_id, event, detail);
}

}  // namespace pgphase::exec
