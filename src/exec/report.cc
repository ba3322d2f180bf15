// Read-only views of the state store: status (text and JSON), wait, and the pause flag.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "exec/db.h"
#include "exec/runner.h"
#include "pgphase/ddl.h"
#include "pgphase/sql.h"

namespace pgphase {
namespace {

using exec::MigrationStatus;
using exec::PhaseStatus;
using exec::StatusName;

struct PhaseRow {
  std::string migration;
  MigrationStatus migration_status = MigrationStatus::kPending;
  std::string phase;
  PhaseStatus status = PhaseStatus::kPending;
  std::string started_at, finished_at, last_error;
  int attempts = 0;
  bool has_progress = false;
  long long rows_done = 0, rows_total = 0;
  double seconds = 0;
  long long unconverted = 0;   // of the migration: rows a guarded sync fill could not compute
  std::string version_schema;  // the migration's version schema, "" when it made none (yet)
  bool verify = false;         // the batched steps are verifications: rows_done rows were checked
  long long mismatched = 0;
  std::vector<std::string> sample_keys;
  long long batch_size = 0;  // of the batched step checkpointed last
  std::string throttled_by;  // a running backfill's hold since its last checkpoint
};

// The verification's columns are read through to_jsonb(bf): a state schema of version 1
// (before verification) has none, and status is read-only, so it reports such a state as it
// is until the next apply or reverse upgrades it.
constexpr const char* kStatusQuery = R"(
SELECT m.name, m.status, p.phase, p.status,
       coalesce(to_char(p.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
       coalesce(to_char(p.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
       p.attempts, coalesce(p.last_error, ''),
       b.rows_done IS NOT NULL, coalesce(b.rows_done, 0), coalesce(b.rows_total, 0),
       coalesce(b.seconds, 0), coalesce(b.verify, false), coalesce(b.mismatched, 0),
       coalesce((SELECT array_agg(x.k ORDER BY x.ordinal, x.i)
                   FROM (SELECT u.k, s.ordinal, u.i
                           FROM pgphase.backfill bf
                           JOIN pgphase.steps s ON s.migration = bf.migration
                                               AND s.step_id = bf.step_id,
                                jsonb_array_elements_text(coalesce(to_jsonb(bf) -> 'sample_keys',
                                                                   '[]'))
                                  WITH ORDINALITY AS u (k, i)
                          WHERE bf.migration = m.name AND s.phase = p.phase
                          ORDER BY s.ordinal, u.i
                          LIMIT $2) x), '{}'),
       coalesce(b.batch_size, 0),
       coalesce((SELECT ev.detail FROM pgphase.events ev
                  WHERE p.status = 'running' AND ev.migration = m.name AND ev.phase = p.phase
                    AND ev.event = 'throttled'
                    AND ev.at > coalesce(b.updated_at, '-infinity')
                  ORDER BY ev.id DESC LIMIT 1), '')
  FROM pgphase.migrations m
  JOIN pgphase.phases p ON p.migration = m.name
  LEFT JOIN LATERAL (
        SELECT sum(bf.rows_done)::bigint AS rows_done, sum(bf.rows_total)::bigint AS rows_total,
               extract(epoch FROM max(bf.updated_at) - min(bf.started_at))::float8 AS seconds,
               bool_or((to_jsonb(bf) ->> 'verify')::boolean) AS verify,
               sum((to_jsonb(bf) ->> 'mismatched')::bigint)::bigint AS mismatched,
               (array_agg(bf.batch_size ORDER BY bf.updated_at DESC))[1] AS batch_size,
               max(bf.updated_at) AS updated_at
          FROM pgphase.backfill bf
          JOIN pgphase.steps s ON s.migration = bf.migration AND s.step_id = bf.step_id
         WHERE bf.migration = m.name AND s.phase = p.phase AND bf.started_at IS NOT NULL
        HAVING count(*) > 0) b ON true
 WHERE $1 = '' OR m.name = $1
 ORDER BY m.name, p.ordinal
)";

std::vector<PhaseRow> LoadRows(pqxx::connection& conn, const std::string& migration) {
  pqxx::read_transaction tx(conn);
  std::vector<PhaseRow> rows;
  for (const auto& r : tx.exec_params(kStatusQuery, migration, ddl::kReportedKeys)) {
    PhaseRow p;
    p.migration = r[0].c_str();
    p.migration_status = exec::StoredStatus<MigrationStatus>(r[1].c_str());
    p.phase = r[2].c_str();
    p.status = exec::StoredStatus<PhaseStatus>(r[3].c_str());
    p.started_at = r[4].c_str();
    p.finished_at = r[5].c_str();
    p.attempts = r[6].as<int>();
    p.last_error = r[7].c_str();
    p.has_progress = r[8].as<bool>();
    p.rows_done = r[9].as<long long>();
    p.rows_total = std::max(r[10].as<long long>(), p.rows_done);
    p.seconds = r[11].as<double>();
    p.verify = r[12].as<bool>();
    p.mismatched = r[13].as<long long>();
    p.sample_keys = exec::ParseTextArray(r[14].c_str());
    p.batch_size = r[15].as<long long>();
    p.throttled_by = r[16].c_str();
    rows.push_back(std::move(p));
  }
  return rows;
}

double Rate(const PhaseRow& p) { return p.seconds > 0 ? p.rows_done / p.seconds : 0.0; }
double Eta(const PhaseRow& p) {
  const double rate = Rate(p);
  return rate > 0 ? (p.rows_total - p.rows_done) / rate : 0.0;
}

std::string RenderJson(const std::vector<PhaseRow>& rows) {
  using nlohmann::ordered_json;
  ordered_json migrations = ordered_json::array();
  for (const auto& p : rows) {
    if (migrations.empty() || migrations.back()["name"] != p.migration) {
      migrations.push_back({{"name", p.migration},
                            {"status", std::string(StatusName(p.migration_status))},
                            {"phases", ordered_json::array()}});
      if (p.unconverted > 0) migrations.back()["unconverted_rows"] = p.unconverted;
      if (!p.version_schema.empty()) migrations.back()["version_schema"] = p.version_schema;
    }
    ordered_json phase = {{"name", p.phase}, {"status", std::string(StatusName(p.status))}};
    if (!p.started_at.empty()) phase["started_at"] = p.started_at;
    if (!p.finished_at.empty()) phase["finished_at"] = p.finished_at;
    if (p.attempts > 0) phase["attempts"] = p.attempts;
    if (!p.last_error.empty()) phase["last_error"] = p.last_error;
    if (p.has_progress) {
      phase["progress"] = {{"rows_done", p.rows_done},
                           {"rows_total", p.rows_total},
                           {"rows_per_second", Rate(p)},
                           {"eta_seconds", Eta(p)},
                           {"batch_size", p.batch_size}};
      if (!p.throttled_by.empty()) phase["progress"]["throttled_by"] = p.throttled_by;
    }
    if (p.verify) {
      // Every committed mismatch was repaired: a batch whose repair does not hold is rolled
      // back and fails the step.
      phase["verify"] = {{"rows_checked", p.rows_done},
                         {"mismatched", p.mismatched},
                         {"repaired", p.mismatched},
                         {"sample_keys", p.sample_keys}};
    }
    migrations.back()["phases"].push_back(phase);
  }
  return ordered_json({{"migrations", migrations}}).dump(2) + "\n";
}

// One phase's row of the text table: phase, status, started, finished, progress.
std::string TextRow(const PhaseRow& p) {
  std::string progress;
  if (p.has_progress) {
    progress = fmt::format("{}/{} rows, {:.0f} rows/s", p.rows_done, p.rows_total, Rate(p));
    if (p.status == PhaseStatus::kRunning) progress += fmt::format(", ETA {:.0f}s", Eta(p));
    if (p.batch_size > 0) progress += fmt::format(", batch {}", p.batch_size);
    if (!p.throttled_by.empty()) progress += ", throttled: " + p.throttled_by;
  }
  std::string row = fmt::format("  {:<9} {:<9} {:<20}  {:<20}  {}", p.phase, StatusName(p.status),
                                p.started_at, p.finished_at, progress);
  row.erase(row.find_last_not_of(' ') + 1);
  row += "\n";
  if (p.verify)
    row += "    verify: " + exec::DescribeVerify(p.rows_done, p.mismatched, p.sample_keys) + "\n";
  if (!p.last_error.empty()) row += "    last error: " + p.last_error + "\n";
  return row;
}

std::string RenderText(const std::vector<PhaseRow>& rows) {
  if (rows.empty()) return "no migrations\n";
  std::string out, current;
  for (const auto& p : rows) {
    if (p.migration != current) {
      current = p.migration;
      out += fmt::format("{}{}  {}\n", out.empty() ? "" : "\n", p.migration,
                         StatusName(p.migration_status));
      if (!p.version_schema.empty())
        out += fmt::format("  version schema {} (search_path={})\n", p.version_schema,
                           QuoteIdent(p.version_schema));
      if (p.unconverted > 0)
        out += fmt::format(
            "  {} row(s) the sync trigger could not convert: validate and swap refuse until "
            "they are fixed\n",
            p.unconverted);
      out += fmt::format("  {:<9} {:<9} {:<20}  {:<20}  {}\n", "PHASE", "STATUS", "STARTED",
                         "FINISHED", "PROGRESS");
    }
    out += TextRow(p);
  }
  return out;
}

}  // namespace

Result<std::string> StatusReport(const std::string& conninfo,
                                 const std::optional<std::string>& migration, bool json) {
  auto conn = exec::Connect(conninfo, "pgphase status");
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    std::vector<PhaseRow> rows;
    if (store.Exists()) rows = LoadRows(**conn, migration.value_or(""));
    for (size_t i = 0; i < rows.size(); ++i) {  // once per migration (rows are by migration)
      PhaseRow& r = rows[i];
      if (i > 0 && rows[i - 1].migration == r.migration) {
        r.unconverted = rows[i - 1].unconverted;
        r.version_schema = rows[i - 1].version_schema;
        continue;
      }
      r.unconverted = store.SyncErrorCount(r.migration);
      r.version_schema = store.VersionSchemaOf(r.migration);
    }
    if (migration && rows.empty())
      return Status::Invalid("no migration named " + *migration + " has been applied");
    return json ? RenderJson(rows) : RenderText(rows);
  } catch (const std::exception& e) {
    return exec::FromException(e, "reading status");
  }
}

namespace {

// Where `phase` is: `status` as it is now and `done`; kFailure when it cannot be done
// without an operator.
Status Reached(exec::StateStore& store, const std::string& migration, Phase phase,
               std::string& status, bool& done) {
  done = false;
  std::optional<exec::MigrationRow> row;
  if (store.Exists()) row = store.LoadMigration(migration);
  if (!row) {
    status = "not registered";
    return Status::Ok();
  }
  const PhaseStatus phase_status = store.LoadPhaseStatus(migration, phase);
  status = StatusName(phase_status);
  done = phase_status == PhaseStatus::kDone;
  if (done) return Status::Ok();
  if (row->status == MigrationStatus::kReversed || row->status == MigrationStatus::kFailed ||
      phase_status == PhaseStatus::kFailed || phase_status == PhaseStatus::kReversed) {
    return Status::Failure(fmt::format(
        "migration {} is {} (phase {} {}); the phase will not complete without an operator",
        migration, StatusName(row->status), PhaseName(phase), status));
  }
  return Status::Ok();
}

Status WaitLoop(exec::StateStore& store, const std::string& migration, Phase phase,
                const WaitOptions& options, std::ostream& out) {
  const auto deadline = exec::Clock::now() + options.timeout;
  std::string last;
  for (;;) {
    std::string status;
    bool done = false;
    PGPHASE_RETURN_IF_ERROR(Reached(store, migration, phase, status, done));
    if (status != last && !options.json)
      out << fmt::format("{} {}: {}\n", migration, PhaseName(phase), status) << std::flush;
    last = status;
    if (done) return Status::Ok();
    if (exec::Clock::now() >= deadline || exec::StopRequested()) {
      return Status::GateNotReached(
          fmt::format("phase {} of migration {} not done after {} (it is {})", PhaseName(phase),
                      migration, FormatDuration(options.timeout), status));
    }
    exec::InterruptibleSleep(std::min(
        options.interval, std::chrono::duration_cast<Millis>(deadline - exec::Clock::now())));
  }
}

}  // namespace

Status WaitForPhase(const std::string& conninfo, const std::string& migration, Phase phase,
                    const WaitOptions& options, std::ostream& out) {
  auto conn = exec::Connect(conninfo, "pgphase wait " + migration);
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    Status st = WaitLoop(store, migration, phase, options, out);
    if (options.json) {
      std::vector<PhaseRow> rows;
      if (store.Exists()) rows = LoadRows(**conn, migration);
      out << RenderJson(rows) << std::flush;
    }
    return st;
  } catch (const std::exception& e) {
    return exec::FromException(e, "waiting for " + migration);
  }
}

Status RequestPause(const std::string& conninfo, const std::string& migration) {
  auto conn = exec::Connect(conninfo, "pgphase pause " + migration);
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    if (!store.Exists() || !store.LoadMigration(migration))
      return Status::Invalid("no migration named " + migration + " has been applied");
    store.SetPauseRequested(migration, true);
    return Status::Ok();
  } catch (const std::exception& e) {
    return exec::FromException(e, "pausing " + migration);
  }
}

}  // namespace pgphase
