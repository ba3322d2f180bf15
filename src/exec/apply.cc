// apply and reverse: lock, load or register the migration, run phases in order.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <functional>
#include <ostream>
#include <set>
#include <sstream>

#include "exec/db.h"
#include "exec/live.h"
#include "exec/plan_options.h"
#include "exec/precheck.h"
#include "exec/runner.h"
#include "pgphase/catalog_reader.h"
#include "pgphase/ddl.h"

namespace pgphase {
namespace {

using exec::Clock;

// The most connections a backfill may fill its table on (each is a backend of the server).
constexpr int64_t kMaxWorkers = 64;

template <class T>
T Pick(const std::optional<T>& flag, const std::optional<T>& setting, T fallback) {
  return flag ? *flag : setting ? *setting : fallback;
}

// Next local occurrence of "HH:MM".
Result<Clock::time_point> UntilDeadline(const std::string& hhmm) {
  int h = -1, m = -1;
  char extra = 0;
  if (std::sscanf(hhmm.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 ||
      m > 59) {
    return Status::Invalid("--until: expected HH:MM (24-hour local time), got '" + hhmm + "'");
  }
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  local.tm_hour = h;
  local.tm_min = m;
  local.tm_sec = 0;
  std::time_t at = std::mktime(&local);
  if (at <= now) at += 24 * 3600;
  return Clock::now() + std::chrono::seconds(at - now);
}

Result<exec::Resolved> Resolve(const Settings& spec, const LockPolicy& locks,
                               const Throttle& throttle) {
  const exec::Resolved d;  // the defaults
  exec::Resolved r;
  r.lock_timeout = Pick(locks.lock_timeout, spec.lock_timeout, d.lock_timeout);
  r.statement_timeout = Pick(locks.statement_timeout, spec.statement_timeout, d.statement_timeout);
  r.scan_timeout = Pick(locks.scan_timeout, spec.scan_timeout, d.scan_timeout);
  r.lock_retries = locks.lock_retries.value_or(d.lock_retries);
  r.target_batch_time =
      Pick(throttle.target_batch_time, spec.target_batch_time, d.target_batch_time);
  r.max_app_wait = Pick(throttle.max_app_wait, spec.max_app_wait, d.max_app_wait);
  r.batch_size_min = Pick<int64_t>(throttle.batch_size_min, spec.batch_size_min, d.batch_size_min);
  r.batch_size_max = Pick<int64_t>(throttle.batch_size_max, spec.batch_size_max, d.batch_size_max);
  if (r.batch_size_min > r.batch_size_max)
    return Status::Invalid("batch size minimum is larger than the maximum");
  r.batch_delay = throttle.batch_delay.value_or(Millis(0));
  const int64_t workers = Pick<int64_t>(throttle.workers, spec.workers, d.workers);
  if (workers < 1 || workers > kMaxWorkers)
    return Status::Invalid(fmt::format("workers must be from 1 to {}", kMaxWorkers));
  r.workers = static_cast<int>(workers);
  r.max_replica_lag = throttle.max_replica_lag;
  if (throttle.max_runtime) {
    r.deadline = Clock::now() + *throttle.max_runtime;
    r.deadline_reason = "--max-runtime " + FormatDuration(*throttle.max_runtime) + " reached";
  }
  if (throttle.until) {
    auto until = UntilDeadline(*throttle.until);
    if (!until.ok()) return until.status();
    if (!r.deadline || *until < *r.deadline) {
      r.deadline = *until;
      r.deadline_reason = "--until " + *throttle.until + " reached";
    }
  }
  return r;
}

std::string Md5(pqxx::connection& conn, const std::string& text) {
  pqxx::nontransaction tx(conn);
  return tx.exec_params1("SELECT md5($1)", text)[0].c_str();
}

// Asks PostgreSQL to resolve every backfill expression against its table (names,
// functions, operators), in a transaction that is rolled back: a typo in `up` is invalid
// input found before anything changes, not a failure halfway through a migration.
Status ProbeExpressions(pqxx::connection& conn, const Plan& plan, const ChangeSpec& spec) {
  for (const Step& step : plan.phase(Phase::kBackfill).steps) {
    // create_constraint's fix of violating rows may read columns this migration adds
    // (they exist only from expand on); its expressions were parsed at plan time.
    if (!step.backfill || !step.backfill->only_where.empty()) continue;
    const BackfillJob& job = *step.backfill;
    for (const auto& a : job.assignments) {
      if (std::find(job.unprobed.begin(), job.unprobed.end(), a.column) != job.unprobed.end())
        continue;
      try {
        pqxx::read_transaction tx(conn);
        tx.exec(ddl::ProbeExpression({job.schema, job.table}, a.expr));
      } catch (const pqxx::sql_error& e) {
        std::string msg = e.what();
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        return Status::Invalid(
            fmt::format("{}: the expression for column {} does not work on table {}.{}: {}",
                        spec.file, a.column, job.schema, job.table, msg));
      }
    }
  }
  return Status::Ok();
}

// Column types the spec names, with where, up to its first `sql` operation (which may
// create types the later ones use).
std::vector<std::pair<std::string, SourceLocation>> TypesToProbe(const ChangeSpec& spec) {
  std::vector<std::pair<std::string, SourceLocation>> out;
  for (const OperationEntry& e : spec.operations) {
    if (std::holds_alternative<SqlOp>(e.op)) break;
    if (auto* add = std::get_if<AddColumnOp>(&e.op))
      out.emplace_back(add->column.type, add->column.where);
    if (auto* alter = std::get_if<AlterColumnOp>(&e.op))
      if (alter->type) out.emplace_back(*alter->type, e.where);
    if (auto* create = std::get_if<CreateTableOp>(&e.op))
      for (const auto& c : create->columns) out.emplace_back(c.type, c.where);
  }
  return out;
}

// Asks PostgreSQL whether it knows every column type the spec names: a misspelt type is
// invalid input named where it is written, found before anything changes.
Status ProbeTypes(pqxx::connection& conn, const ChangeSpec& spec) {
  // Shorthands that exist only in column definitions (an integer column with a sequence).
  static const std::set<std::string> kSerials = {"serial",  "serial4",     "bigserial",
                                                 "serial8", "smallserial", "serial2"};
  for (const auto& [type, where] : TypesToProbe(spec)) {
    std::string lower;
    for (char c : type) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (kSerials.count(lower) != 0) continue;
    try {
      pqxx::read_transaction tx(conn);
      tx.exec(ddl::ProbeType(type));
    } catch (const pqxx::sql_error& e) {
      return Status::Invalid(
          fmt::format("{}: type {}: {}", where.ToString(), type, exec::ServerMessage(e.what())));
    }
  }
  return Status::Ok();
}

// Plans against the live catalog and asks the server whether the plan can work: the types
// and expressions resolve, and (unless `precheck` says not to) the existing rows convert.
// Precheck lines go to `out`.
Result<Plan> FreshPlan(pqxx::connection& conn, const ChangeSpec& spec, bool precheck,
                       std::ostream& out) {
  Result<CatalogSnapshot> catalog = ReadCatalog(conn, {spec.settings.schema});
  if (!catalog.ok()) return catalog.status();
  Result<PlanOptions> options = exec::ReadPlanOptions(conn, spec, *catalog);
  if (!options.ok()) return options.status();
  Result<Plan> plan = BuildPlan(spec, *catalog, *options);
  if (!plan.ok()) return plan;
  PGPHASE_RETURN_IF_ERROR(ProbeTypes(conn, spec));
  PGPHASE_RETURN_IF_ERROR(ProbeExpressions(conn, *plan, spec));
  if (precheck && spec.settings.precheck.value_or(true))
    PGPHASE_RETURN_IF_ERROR(exec::RunPrechecks(conn, *plan, spec, out));
  return plan;
}

Status CheckConflicts(exec::StateStore& store, const Plan& plan) {
  for (const auto& other : store.Unfinished(plan.migration)) {
    for (const auto& t : plan.tables) {
      if (std::find(other.tables.begin(), other.tables.end(), t) != other.tables.end()) {
        return Status::Invalid(fmt::format(
            "migration {} touches table {}, which unfinished migration {} ({}) also touches; "
            "complete or reverse {} first",
            plan.migration, t, other.name, exec::StatusName(other.status), other.name));
      }
    }
  }
  return Status::Ok();
}

// Loads the stored plan, or plans afresh and registers it.
Result<Plan> LoadOrRegister(pqxx::connection& conn, exec::StateStore& store, const ChangeSpec& spec,
                            bool precheck, std::ostream& out) {
  std::optional<exec::MigrationRow> row;
  if (store.Exists()) {
    // A migration begun by an earlier pgphase resumes on this one's state schema.
    PGPHASE_RETURN_IF_ERROR(store.Ensure());
    row = store.LoadMigration(spec.name);
  }
  const std::string checksum = Md5(conn, spec.text);
  if (row && row->status != exec::MigrationStatus::kReversed) {
    if (row->checksum != checksum) {
      return Status::Invalid(fmt::format(
          "{}: the spec changed since migration {} was first applied (checksum {} recorded, {} "
          "now); reverse it first, or put the change in a new migration",
          spec.file, spec.name, row->checksum, checksum));
    }
    return ParsePlanJson(row->plan_json);
  }
  Result<Plan> plan = FreshPlan(conn, spec, precheck, out);
  if (!plan.ok()) return plan;
  PGPHASE_RETURN_IF_ERROR(store.Ensure());
  PGPHASE_RETURN_IF_ERROR(CheckConflicts(store, *plan));
  store.Register(checksum, spec.text, *plan);
  out << fmt::format("registered migration {} (tables: {})\n", spec.name,
                     fmt::join(plan->tables, ", "));
  for (const auto& note : plan->notes) out << "note: " << note << "\n";
  return plan;
}

// Refuses to run a phase when the tables no longer look as the plan expects.
Status CheckDrift(pqxx::connection& conn, const Plan& plan, Phase phase) {
  std::vector<std::string> schemas;
  auto add = [&](const std::string& schema) {
    if (std::find(schemas.begin(), schemas.end(), schema) == schemas.end())
      schemas.push_back(schema);
  };
  for (const auto& e : plan.expected_columns) add(e.schema);
  for (const auto& k : plan.expected_keys) add(k.schema);
  if (schemas.empty()) return Status::Ok();
  Result<CatalogSnapshot> catalog = ReadCatalog(conn, schemas);
  if (!catalog.ok()) return catalog.status();
  const std::vector<std::string> drift = FindDrift(plan, *catalog);
  if (drift.empty()) return Status::Ok();
  return Status::Invalid(fmt::format(
      "migration {}: the schema drifted from what the plan expects, refusing to run phase {}:\n"
      "  {}\nrestore it, or reverse the migration and plan it again",
      plan.migration, PhaseName(phase), fmt::join(drift, "\n  ")));
}

Status ApplyLocked(pqxx::connection& conn, exec::StateStore& store, const ChangeSpec& spec,
                   const ApplyOptions& options, const exec::Resolved& settings, std::ostream& out) {
  exec::Live().SetMigration(spec.name);  // for log lines before the plan is registered
  Result<Plan> plan = LoadOrRegister(conn, store, spec, options.precheck, out);
  if (!plan.ok()) return plan.status();
  const std::string& name = spec.name;
  if (store.LoadMigration(name)->status == exec::MigrationStatus::kCompleted) {
    out << fmt::format("migration {} is already completed\n", name);
    return Status::Ok();
  }
  store.SetPauseRequested(name, false);
  store.SetMigrationStatus(name, exec::MigrationStatus::kInProgress);
  exec::RunContext ctx{conn, store, *plan, settings, out, options.notify, options.conninfo};
  exec::PublishPhases(ctx);
  for (Phase phase : kAllPhases) {
    if (PhaseIndex(phase) > PhaseIndex(options.through)) break;
    if (store.LoadPhaseStatus(name, phase) == exec::PhaseStatus::kDone) continue;
    if (Status drift = CheckDrift(conn, *plan, phase); !drift.ok()) {
      store.Event(name, "drift", drift.message(), phase);
      return drift;
    }
    Status st = exec::RunPhase(ctx, phase);
    if (st.code() == ExitCode::kStopped) {
      store.Event(name, "stopped", st.message(), phase);
      return Status::Stopped(fmt::format(
          "migration {} stopped at a safe point in phase {}: {}; run `pgphase apply {}` again to "
          "resume",
          name, PhaseName(phase), st.message(), spec.file));
    }
    if (!st.ok()) return st;
  }
  if (options.through == Phase::kContract) {
    store.SetMigrationStatus(name, exec::MigrationStatus::kCompleted);
    out << fmt::format("migration {} completed\n", name);
  } else {
    out << fmt::format("migration {} is through {}\n", name, PhaseName(options.through));
  }
  return Status::Ok();
}

}  // namespace

namespace {

// One connection's worth of `command` (apply or reverse of `migration`): connect, take the
// executor lock, run `locked`. `lost` says the connection went away under it (or, when
// `reconnecting`, could not be made): a new one may go on from what committed.
using LockedRun = std::function<Status(pqxx::connection&, exec::StateStore&)>;

Status RunConnected(const std::string& conninfo, const std::string& command,
                    const std::string& migration, const LockedRun& locked, bool reconnecting,
                    bool& lost) {
  lost = false;
  auto conn = exec::Connect(conninfo, fmt::format("pgphase {} {}", command, migration));
  if (!conn.ok()) {
    lost = reconnecting;
    return conn.status();
  }
  Status st = Status::Ok();
  try {
    exec::StateStore store(**conn);
    PGPHASE_RETURN_IF_ERROR(store.AcquireExecutorLock());
    const exec::ExecutorLockGuard guard(store);
    st = locked(**conn, store);
  } catch (const std::exception& e) {
    st = exec::FromException(e, fmt::format("{} of migration {}", command, migration));
  }
  lost = exec::LostConnection(st);
  return st;
}

// 500 ms, doubling, at most 8 s.
Millis ReconnectBackoff(int attempt) { return Millis(attempt > 4 ? 8000 : 500 << (attempt - 1)); }

// RunConnected, and again after each lost connection, up to `reconnects` times with backoff:
// the state in the database says where the new connection goes on. Re-taking the executor
// lock on each connection means a second executor that took it meanwhile stops this one
// (exit 4).
Status RunReconnecting(const std::string& conninfo, const std::string& command,
                       const std::string& migration, int reconnects, const LockedRun& locked,
                       std::ostream& out) {
  bool lost = false;
  Status st = RunConnected(conninfo, command, migration, locked, false, lost);
  for (int attempt = 1; lost && attempt <= reconnects; ++attempt) {
    const Millis wait = ReconnectBackoff(attempt);
    out << fmt::format("{}; reconnecting in {} (attempt {}/{})\n", exec::kLostConnection,
                       FormatDuration(wait), attempt, reconnects)
        << std::flush;
    exec::InterruptibleSleep(wait);
    if (exec::StopRequested())
      return Status::Stopped(
          fmt::format("stopped while reconnecting; `pgphase {}` again resumes", command));
    st = RunConnected(conninfo, command, migration, locked, true, lost);
  }
  if (lost && !exec::LostConnection(st)) {  // the last reconnect could not connect
    return Status::Failure(fmt::format(
        "migration {}: {} and could not reconnect ({} attempts; last: {}); `pgphase {}` again "
        "resumes from what committed",
        migration, exec::kLostConnection, reconnects, st.message(), command));
  }
  return st;
}

}  // namespace

Status Apply(const ChangeSpec& spec, const ApplyOptions& options, std::ostream& out) {
  Result<exec::Resolved> settings = Resolve(spec.settings, options.locks, options.throttle);
  if (!settings.ok()) return settings.status();
  const LockedRun run = [&](pqxx::connection& conn, exec::StateStore& store) {
    if (options.ignore_version_sessions)  // read by ddl::CheckVersionSchemaUnused
      pqxx::nontransaction(conn).exec("SET pgphase.ignore_version_sessions = on");
    return ApplyLocked(conn, store, spec, options, *settings, out);
  };
  return RunReconnecting(options.conninfo, "apply", spec.name, options.reconnects, run, out);
}

Result<ScriptOptions> ScriptSettings(const ChangeSpec& spec, const LockPolicy& locks) {
  auto r = Resolve(spec.settings, locks, {});
  if (!r.ok()) return r.status();
  ScriptOptions o;
  o.lock_timeout = r->lock_timeout;
  o.statement_timeout = r->statement_timeout;
  o.scan_timeout = r->scan_timeout;
  o.batch_size = r->batch_size_max;
  return o;
}

Result<Plan> PlanAgainstDatabase(const ChangeSpec& spec, const std::string& conninfo,
                                 bool precheck) {
  auto conn = exec::Connect(conninfo, "pgphase plan " + spec.name);
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    if (store.Exists()) {
      auto row = store.LoadMigration(spec.name);
      if (row && row->status != exec::MigrationStatus::kReversed &&
          row->checksum == Md5(**conn, spec.text))
        return ParsePlanJson(row->plan_json);
    }
    std::ostringstream quiet;  // `plan` prints the plan only; a failing precheck is its error
    return FreshPlan(**conn, spec, precheck, quiet);
  } catch (const std::exception& e) {
    return exec::FromException(e, "planning " + spec.name);
  }
}

namespace {

// Reversing sync but not expand would drop the triggers and keep the columns they fill: a
// value computed from a row that the application then changes goes stale, and the next
// apply's backfill fills only the empty ones. Refused, with the ways that keep data right.
Status CheckKeepsFillsCurrent(exec::StateStore& store, const Plan& plan, std::optional<Phase> to) {
  if (to != Phase::kExpand || plan.phase(Phase::kSync).steps.empty()) return Status::Ok();
  const exec::PhaseStatus sync = store.LoadPhaseStatus(plan.migration, Phase::kSync);
  if (sync == exec::PhaseStatus::kPending || sync == exec::PhaseStatus::kReversed)
    return Status::Ok();
  return Status::Invalid(fmt::format(
      "reverse --to expand would drop the sync triggers of migration {} and keep the columns "
      "they fill: a value computed from a row the application then changes would go stale, "
      "and the next apply fills only empty ones. Reverse --to sync (the triggers stay), or "
      "reverse the whole migration",
      plan.migration));
}

Status ReverseLocked(pqxx::connection& conn, exec::StateStore& store, const std::string& name,
                     const ReverseOptions& options, std::ostream& out) {
  std::optional<exec::MigrationRow> row;
  if (store.Exists()) {
    PGPHASE_RETURN_IF_ERROR(store.Ensure());  // as in LoadOrRegister
    row = store.LoadMigration(name);
  }
  if (!row) return Status::Invalid("no migration named " + name + " has been applied");
  if (row->status == exec::MigrationStatus::kReversed) {
    out << fmt::format("migration {} is already reversed\n", name);
    return Status::Ok();
  }
  Result<Plan> plan = ParsePlanJson(row->plan_json);
  if (!plan.ok()) return plan.status();
  const exec::PhaseStatus contract = store.LoadPhaseStatus(name, Phase::kContract);
  if (contract != exec::PhaseStatus::kPending && contract != exec::PhaseStatus::kReversed) {
    return Status::Invalid(fmt::format(
        "migration {} has run contract ({}), which is irreversible: the old columns and "
        "triggers are gone",
        name, exec::StatusName(contract)));
  }
  PGPHASE_RETURN_IF_ERROR(CheckKeepsFillsCurrent(store, *plan, options.to));
  Result<exec::Resolved> settings = Resolve({}, options.locks, {});
  if (!settings.ok()) return settings.status();
  exec::RunContext ctx{conn, store, *plan, *settings, out, options.notify, options.conninfo};
  exec::PublishPhases(ctx);
  const int stop_at = options.to ? PhaseIndex(*options.to) : -1;
  for (int i = PhaseIndex(Phase::kSwap); i > stop_at; --i) {
    const Phase phase = kAllPhases[i];
    const exec::PhaseStatus status = store.LoadPhaseStatus(name, phase);
    if (status == exec::PhaseStatus::kPending || status == exec::PhaseStatus::kReversed) continue;
    Status st = exec::ReversePhase(ctx, phase);
    if (!st.ok()) {
      store.Event(name, "reverse_failed", st.message(), phase);
      return st;
    }
  }
  store.SetMigrationStatus(
      name, options.to ? exec::MigrationStatus::kInProgress : exec::MigrationStatus::kReversed);
  out << (options.to
              ? fmt::format("migration {} is back to the end of {}\n", name, PhaseName(*options.to))
              : fmt::format("migration {} reversed\n", name));
  return Status::Ok();
}

}  // namespace

Status Reverse(const std::string& migration, const ReverseOptions& options, std::ostream& out) {
  const LockedRun run = [&](pqxx::connection& conn, exec::StateStore& store) {
    return ReverseLocked(conn, store, migration, options, out);
  };
  return RunReconnecting(options.conninfo, "reverse", migration, options.reconnects, run, out);
}

}  // namespace pgphase
