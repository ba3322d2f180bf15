// Runner: executes the steps of a stored plan, recording each in the state store.
// Shared by apply (forward) and reverse; the backfill loop lives in backfill.cc.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "exec/state.h"
#include "pgphase/exec.h"
#include "pgphase/plan.h"

namespace pgphase::exec {

using Clock = std::chrono::steady_clock;

// Settings after flags, spec settings and defaults are resolved.
struct Resolved {
  Millis lock_timeout{1000};
  Millis statement_timeout{60000};
  Millis scan_timeout{0};  // 0: no limit
  int lock_retries = 5;
  Millis target_batch_time{200};
  // While application sessions wait on a batch's row locks, batches aim at this time instead
  // (halving it while the waits are longer); 0: batches ignore the application.
  Millis max_app_wait{10};
  long long batch_size_min = 100;
  long long batch_size_max = 50000;
  Millis batch_delay{0};
  // Connections a backfill fills its table's parts on (backfill_parts.h); 1: one walk.
  int workers = 1;
  std::optional<Millis> max_replica_lag;
  std::optional<Clock::time_point> deadline;  // window end (--until / --max-runtime)
  std::string deadline_reason;
};

struct RunContext {
  pqxx::connection& conn;
  StateStore& store;
  const Plan& plan;
  Resolved settings;
  std::ostream& out;
  std::string notify = "";    // --notify CMD (notify.h); "" for none
  std::string conninfo = "";  // as given, for the hook's PGPHASE_DB (masked there)
};

// True once SIGINT/SIGTERM arrived (see InstallStopSignalHandlers) or RequestStop was called.
bool StopRequested();
// Asks the command to stop at its next safe point, as a signal does; `cause` completes
// "stopped by ..." ("POST /stop from 127.0.0.1:5000"). Safe from any thread.
void RequestStop(const std::string& cause);
// What asked to stop: "signal", or RequestStop's cause.
std::string StopCause();
// Sleeps up to `d`, waking early when a stop is requested.
void InterruptibleSleep(Millis d);

// SET LOCAL (local: for the transaction) or SET (for the session) lock_timeout, and
// PostgreSQL's statement_timeout to s.statement_timeout or s.scan_timeout as `kind` says.
void ApplyTimeouts(pqxx::transaction_base& tx, const Resolved& s, TimeoutKind kind, bool local);

// Sessions other than ours holding locks on the migration's tables, a line each (pid, mode,
// state, transaction age, query), or a note that none does: who to blame when a step cannot
// get its lock. Best effort: "" when it cannot be read.
std::string DescribeBlockers(RunContext& ctx);

// Runs one statement with SET LOCAL lock_timeout and the timeout TimeoutFor(st) picks
// (transactional), or the same as session-level settings reset afterwards
// (non-transactional), retrying lock timeouts with capped exponential backoff and jitter.
// `cleanup` runs before every attempt of a non-transactional statement (an interrupted
// CREATE INDEX CONCURRENTLY leaves an invalid index behind). `record` runs in the
// statement's transaction (or a new one right after a non-transactional statement) to
// record success. `held`, when set, receives how long the transaction of the attempt that
// succeeded lasted, from its first statement to its commit: how long it held its locks.
Status RunStatement(RunContext& ctx, const Statement& st, const std::string& context,
                    const std::function<void(pqxx::transaction_base&)>& record,
                    const std::vector<Statement>& cleanup = {},
                    std::chrono::microseconds* held = nullptr);

// Publishes the migration's phase statuses and sync error count to Live() (live.h).
void PublishPhases(RunContext& ctx);

// Runs every unfinished step of `phase` and marks the phase done.
Status RunPhase(RunContext& ctx, Phase phase);
// Undoes the finished steps of `phase` in reverse order and marks it reversed.
Status ReversePhase(RunContext& ctx, Phase phase);

// The backfill loop for one step of `phase`: a fill, or a verification (backfill.cc).
Status RunBackfill(RunContext& ctx, Phase phase, const Step& step);

}  // namespace pgphase::exec
