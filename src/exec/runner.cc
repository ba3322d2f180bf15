#include "exec/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <mutex>
#include <random>
#include <thread>

#include "exec/conversions.h"
#include "exec/db.h"
#include "exec/live.h"
#include "exec/notify.h"
#include "pgphase/sql.h"

namespace pgphase {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_stop_requested{false};  // by RequestStop, whose cause is below
std::mutex g_stop_mu;
std::string g_stop_cause;

extern "C" void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

void InstallStopSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

namespace exec {

namespace {

// Sessions other than ours holding a lock on `schema.name`, a line each.
std::string LockHolders(pqxx::transaction_base& tx, const std::string& schema,
                        const std::string& name) {
  std::string out;
  auto r = tx.exec_params(R"(
SELECT DISTINCT a.pid, l.mode, coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(extract(epoch FROM now() - a.xact_start)::bigint, 0),
       left(regexp_replace(coalesce(a.query, ''), '\s+', ' ', 'g'), 80)
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
 WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation = to_regclass($1)
 ORDER BY 1
)",
                          QuoteQualified(schema, name));
  for (const auto& row : r) {
    out += fmt::format(
        "\n    pid {} holds {} on {}.{} (application '{}', {}, transaction open {}s): {}",
        row[0].c_str(), row[1].c_str(), schema, name, row[2].c_str(), row[3].c_str(),
        row[4].c_str(), row[5].c_str());
  }
  return out;
}

// Sessions of this database whose transaction (and so snapshot) is older than `age`: what a
// CREATE INDEX CONCURRENTLY waits for after its table locks, a line each, oldest first.
std::string OldTransactions(pqxx::transaction_base& tx, Millis age) {
  std::string out;
  auto r = tx.exec_params(R"(
SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
       extract(epoch FROM now() - a.xact_start)::bigint,
       left(regexp_replace(coalesce(a.query, ''), '\s+', ' ', 'g'), 80)
  FROM pg_catalog.pg_stat_activity a
 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
   AND a.xact_start < now() - make_interval(secs => $1 / 1000.0)
   AND (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
 ORDER BY a.xact_start LIMIT 5
)",
                          static_cast<long long>(age.count()));
  for (const auto& row : r) {
    out += fmt::format(
        "\n    pid {} has had a transaction open {}s (application '{}', {}), which a concurrent "
        "index build waits for: {}",
        row[0].c_str(), row[3].c_str(), row[1].c_str(), row[2].c_str(), row[4].c_str());
  }
  return out;
}

}  // namespace

std::string DescribeBlockers(RunContext& ctx) {
  std::string out;
  try {
    pqxx::nontransaction tx(ctx.conn);
    std::vector<std::pair<std::string, std::string>> tables;
    for (const auto& e : ctx.plan.expected_columns) {
      if (std::find(tables.begin(), tables.end(), std::pair{e.schema, e.table}) == tables.end())
        tables.emplace_back(e.schema, e.table);
    }
    for (const auto& [schema, name] : tables) out += LockHolders(tx, schema, name);
    if (out.empty()) out = OldTransactions(tx, ctx.settings.lock_timeout);
  } catch (const std::exception&) {
    return "";  // best effort: the lock timeout itself is what we report
  }
  return out.empty() ? " (no session holds a lock on the tables now)" : out;
}

namespace {

Millis Backoff(int attempt) {
  static std::mt19937 rng{std::random_device{}()};
  const long long base = std::min<long long>(200LL << std::min(attempt, 5), 5000);
  std::uniform_int_distribution<long long> jitter(base / 2, base);
  return Millis(jitter(rng));
}

// A non-transactional statement and its cleanup, under session-level timeouts that are
// reset even when it fails: a scan_timeout left on the session would cut pgphase's own
// bookkeeping short.
void RunAlone(RunContext& ctx, const Statement& st, const std::vector<Statement>& cleanup) {
  pqxx::nontransaction tx(ctx.conn);
  auto reset = [&] {
    tx.exec("RESET lock_timeout");
    tx.exec("RESET statement_timeout");
  };
  ApplyTimeouts(tx, ctx.settings, TimeoutFor(st), false);
  try {
    for (const auto& c : cleanup) tx.exec(c.sql);
    tx.exec(st.sql);
  } catch (const pqxx::sql_error&) {
    try {
      reset();
    } catch (const std::exception&) {
      // The connection is gone; so is the session the settings were on.
    }
    throw;
  }
  reset();
}

bool DoneCheck(RunContext& ctx, const Step& step) {
  if (step.done_check.empty()) return false;
  pqxx::nontransaction tx(ctx.conn);
  return tx.exec(step.done_check)[0][0].as<bool>();
}

}  // namespace

void ApplyTimeouts(pqxx::transaction_base& tx, const Resolved& s, TimeoutKind kind, bool local) {
  const std::string scope = local ? "SET LOCAL " : "SET ";
  // PostgreSQL has one setting for both: scan_timeout is statement_timeout for a statement
  // whose lock lets the application go on.
  const Millis run_limit = kind == TimeoutKind::kStatement ? s.statement_timeout : s.scan_timeout;
  tx.exec(scope + "lock_timeout = '" + PgInterval(s.lock_timeout.count()) + "'");
  tx.exec(scope + "statement_timeout = '" + PgInterval(run_limit.count()) + "'");
}

bool StopRequested() { return g_stop.load() || g_stop_requested.load(); }

void RequestStop(const std::string& cause) {
  {
    const std::lock_guard<std::mutex> lock(g_stop_mu);
    if (!g_stop_requested.load()) g_stop_cause = cause;
  }
  g_stop_requested.store(true);
}

std::string StopCause() {
  if (g_stop.load()) return "signal";
  const std::lock_guard<std::mutex> lock(g_stop_mu);
  return g_stop_cause;
}

void InterruptibleSleep(Millis d) {
  const auto until = Clock::now() + d;
  while (!StopRequested() && Clock::now() < until)
    std::this_thread::sleep_for(std::min<Clock::duration>(Millis(50), until - Clock::now()));
}

namespace {

// While a step runs, the server's warnings to it (RAISE WARNING in a generated DO block, such
// as a version schema still in use that --ignore-version-sessions lets contract drop) go to
// the operator's output.
class WarningsToOutput : public pqxx::errorhandler {
 public:
  WarningsToOutput(pqxx::connection_base& conn, std::ostream& out)
      : pqxx::errorhandler(conn), out_(out) {}
  bool operator()(const char msg[]) noexcept override {
    const std::string_view m(msg);
    if (m.rfind("WARNING:", 0) != 0) return true;
    try {
      out_ << "  " << m << (m.empty() || m.back() != '\n' ? "\n" : "") << std::flush;
    } catch (...) {  // a notice must never fail the step
    }
    return false;
  }

 private:
  std::ostream& out_;
};

}  // namespace

Status RunStatement(RunContext& ctx, const Statement& st, const std::string& context,
                    const std::function<void(pqxx::transaction_base&)>& record,
                    const std::vector<Statement>& cleanup, std::chrono::microseconds* held) {
  const WarningsToOutput warnings(ctx.conn, ctx.out);
  for (int attempt = 0;; ++attempt) {
    try {
      if (st.transactional) {
        pqxx::work tx(ctx.conn);
        ApplyTimeouts(tx, ctx.settings, TimeoutFor(st), true);
        const auto start = Clock::now();
        tx.exec(st.sql);
        if (record) record(tx);
        tx.commit();
        if (held != nullptr)
          *held = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
      } else {
        RunAlone(ctx, st, cleanup);
        if (record) {
          pqxx::work tx(ctx.conn);
          record(tx);
          tx.commit();
        }
      }
      return Status::Ok();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kLockNotAvailable) return FromSqlError(e, context);
      const std::string blockers = DescribeBlockers(ctx);
      if (attempt >= ctx.settings.lock_retries) {
        return FromSqlError(e, fmt::format("{}: gave up after {} attempts; blocked by:{}", context,
                                           attempt + 1, blockers));
      }
      const Millis wait = Backoff(attempt);
      ctx.out << fmt::format(
                     "  lock timeout ({}) on {}, attempt {}/{}; blocked by:{}\n"
                     "  retrying in {}\n",
                     FormatDuration(ctx.settings.lock_timeout), context, attempt + 1,
                     ctx.settings.lock_retries + 1, blockers, FormatDuration(wait))
              << std::flush;
      ctx.store.Event(ctx.plan.migration, "lock_timeout", context + ";" + blockers);
      Live().CountLockRetry();
      InterruptibleSleep(wait);
      if (StopRequested()) return Status::Stopped("stopped while waiting for a lock");
    } catch (const std::exception& e) {
      return FromException(e, context);
    }
  }
}

namespace {

// A constraint's VALIDATE failed with `failure`: when rows violate it, name them (invalid data
// the operator must fix, exit 2); else the failure stands.
Status Diagnose(RunContext& ctx, const Step& step, const Status& failure) {
  std::string keys;
  try {
    pqxx::read_transaction tx(ctx.conn);
    for (const auto& row : tx.exec(step.diagnose))
      keys += std::string(keys.empty() ? "" : ", ") + row[0].c_str();
  } catch (const std::exception&) {
    return failure;
  }
  if (keys.empty()) return failure;
  return Status::Invalid(fmt::format(
      "{}\nthese rows violate it (up to ten, by key): {}\nfix them and run apply again, or "
      "reverse the migration",
      failure.message(), keys));
}

// A swap transaction's locks block the application while it runs: how long, for the
// operator's output and the events.
void ReportLockHold(RunContext& ctx, const Step& step, std::chrono::microseconds held) {
  const std::string ms = fmt::format("{:.1f} ms", static_cast<double>(held.count()) / 1000.0);
  ctx.out << fmt::format("  {}: locks held for {} ({})\n", step.id, ms,
                         LockName(step.statement->lock))
          << std::flush;
  ctx.store.Event(ctx.plan.migration, "lock_hold", ms, Phase::kSwap, step.id);
}

Status RunStep(RunContext& ctx, Phase phase, const Step& step) {
  const std::string& m = ctx.plan.migration;
  if (ctx.store.LoadStepStatus(m, step.id) == StepStatus::kDone) return Status::Ok();
  Live().SetPosition(phase, step.id);
  const auto t0 = Clock::now();
  const std::string context =
      fmt::format("migration {}, phase {}, step {}", m, PhaseName(phase), step.id);
  // A batched step and a conversion check run across many transactions: marked running,
  // their start is recorded, and reverse undoes one left half-finished (a checkpoint too).
  if (step.backfill || step.conversion_check)
    ctx.store.SetStepStatus(m, step.id, StepStatus::kRunning);
  Status st;
  if (step.backfill) {
    st = RunBackfill(ctx, phase, step);
  } else if (step.conversion_check) {
    st = RunConversionCheck(ctx, step);
    if (st.ok()) {
      pqxx::work tx(ctx.conn);
      ctx.store.SetStepStatus(tx, m, step.id, StepStatus::kDone);
      tx.commit();
    }
  } else {
    auto record = [&](pqxx::transaction_base& tx) {
      ctx.store.SetStepStatus(tx, m, step.id, StepStatus::kDone);
      ctx.store.Event(tx, m, "step_done", step.statement->sql, phase, step.id);
    };
    if (!step.statement->transactional) {
      if (DoneCheck(ctx, step)) {
        pqxx::work tx(ctx.conn);
        record(tx);
        tx.commit();
        return Status::Ok();
      }
      ctx.store.SetStepStatus(m, step.id, StepStatus::kRunning);
    }
    std::chrono::microseconds held{-1};
    st = RunStatement(ctx, *step.statement, context, record, step.cleanup, &held);
    if (!st.ok() && !step.diagnose.empty()) st = Diagnose(ctx, step, st);
    if (st.ok() && phase == Phase::kSwap && held.count() >= 0 &&
        BlocksApplication(step.statement->lock))
      ReportLockHold(ctx, step, held);
  }
  if (!st.ok()) return st;
  const auto ms = std::chrono::duration_cast<Millis>(Clock::now() - t0);
  ctx.out << fmt::format("  {} {} ({})\n", step.id, step.summary, FormatDuration(ms)) << std::flush;
  return Status::Ok();
}

}  // namespace

void PublishPhases(RunContext& ctx) {
  const std::string& m = ctx.plan.migration;
  std::vector<std::pair<Phase, std::string>> phases;
  for (Phase phase : kAllPhases)
    phases.emplace_back(phase, std::string(StatusName(ctx.store.LoadPhaseStatus(m, phase))));
  Live().SetMigration(m);
  Live().SetPhases(std::move(phases), ctx.store.SyncErrorCount(m));
}

Status RunPhase(RunContext& ctx, Phase phase) {
  const std::string& m = ctx.plan.migration;
  const PhasePlan& p = ctx.plan.phase(phase);
  ctx.store.SetPhaseStatus(m, phase, PhaseStatus::kRunning);
  PublishPhases(ctx);
  Live().SetPosition(phase, "");
  ctx.out << fmt::format("phase {}{}\n", PhaseName(phase), p.steps.empty() ? ": nothing to do" : "")
          << std::flush;
  for (const Step& step : p.steps) {
    if (StopRequested())
      return Status::Stopped(fmt::format("stopped by {} before step {}", StopCause(), step.id));
    Status st = RunStep(ctx, phase, step);
    if (st.code() == ExitCode::kStopped) return st;
    if (st.code() == ExitCode::kInvalid) {
      // Refused until the data is fixed (a conversion check, a constraint's violating rows):
      // nothing failed, and `apply` goes on from this step once it is.
      ctx.store.Event(m, "refused", st.message(), phase, step.id);
      return st;
    }
    if (!st.ok()) {
      ctx.store.SetPhaseStatus(m, phase, PhaseStatus::kFailed, st.message());
      PublishPhases(ctx);
      Notify(ctx, phase, StatusName(PhaseStatus::kFailed));
      ctx.store.SetMigrationStatus(m, MigrationStatus::kFailed);
      return st;
    }
  }
  ctx.store.SetPhaseStatus(m, phase, PhaseStatus::kDone);
  PublishPhases(ctx);
  Notify(ctx, phase, StatusName(PhaseStatus::kDone));
  return Status::Ok();
}

Status ReversePhase(RunContext& ctx, Phase phase) {
  const std::string& m = ctx.plan.migration;
  const PhasePlan& p = ctx.plan.phase(phase);
  PublishPhases(ctx);
  Live().SetPosition(phase, "");
  ctx.out << fmt::format("reverse {}\n", PhaseName(phase)) << std::flush;
  for (auto it = p.steps.rbegin(); it != p.steps.rend(); ++it) {
    const Step& step = *it;
    const StepStatus status = ctx.store.LoadStepStatus(m, step.id);
    if (status != StepStatus::kDone && status != StepStatus::kRunning) continue;
    if (StopRequested())
      return Status::Stopped(
          fmt::format("stopped by {} before reversing step {}", StopCause(), step.id));
    const std::string context =
        fmt::format("migration {}, reversing phase {}, step {}", m, PhaseName(phase), step.id);
    if (step.backfill) ctx.store.ResetBackfill(m, step.id);
    for (size_t i = 0; i < step.reverse.size(); ++i) {
      PGPHASE_RETURN_IF_ERROR(RunStatement(ctx, step.reverse[i], context, nullptr));
    }
    pqxx::work tx(ctx.conn);
    ctx.store.SetStepStatus(tx, m, step.id, StepStatus::kReversed);
    ctx.store.Event(tx, m, "step_reversed", "", phase, step.id);
    tx.commit();
    ctx.out << fmt::format("  undid {}\n", step.id) << std::flush;
  }
  ctx.store.SetPhaseStatus(m, phase, PhaseStatus::kReversed);
  PublishPhases(ctx);
  Notify(ctx, phase, StatusName(PhaseStatus::kReversed));
  return Status::Ok();
}

}  // namespace exec
}  // namespace pgphase
