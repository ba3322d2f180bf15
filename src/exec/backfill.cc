// The backfill loop: batches (keyset or ctid ranges, see batch_walk.h), each committing its
// rows and its checkpoint in one transaction, so a crash at any instant loses nothing and
// redoes nothing.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "exec/batch_walk.h"
#include "exec/db.h"
#include "exec/replica.h"
#include "exec/runner.h"
#include "pgphase/sql.h"

namespace pgphase::exec {
namespace {

// Progress on a terminal (one updating line) or in logs (a line every few seconds).
class Progress {
 public:
  Progress(std::ostream& out, std::string table, std::string_view unit, long long total,
           long long done)
      : out_(out),
        table_(std::move(table)),
        unit_(unit),
        total_(total),
        start_done_(done),
        tty_(isatty(STDOUT_FILENO) == 1) {}

  // What holds the backfill back now ("" when nothing): shown until it clears.
  void SetThrottle(const std::string& reason) {
    if (reason != throttle_) last_ = {};  // show a change at once
    throttle_ = reason;
  }

  void Update(long long done, long long batch, bool final = false) {
    const auto now = Clock::now();
    if (!final && now - last_ < (tty_ ? Millis(100) : Millis(5000))) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? (done - start_done_) / secs : 0;
    const long long total = std::max(total_, done);
    const double pct = total > 0 ? 100.0 * done / total : 100.0;
    const std::string eta =
        rate > 0 && !final
            ? FormatDuration(Millis(static_cast<long long>(1000.0 * (total - done) / rate)))
            : "-";
    std::string line = fmt::format(
        "  backfill {}: {}/{} rows ({:.0f}%), {:.0f} rows/s, ETA {}, "
        "batch {}{}",
        table_, done, total, pct, rate, eta, batch, unit_ == "rows" ? "" : " " + unit_);
    if (!throttle_.empty()) line += ", throttled: " + throttle_;
    if (tty_) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(kWidth * pct / 100.0);
      line = "\r  [" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "]" +
             line.substr(1) + "\033[K";
      out_ << line << (final ? "\n" : "") << std::flush;
    } else {
      out_ << line << "\n" << std::flush;
    }
  }

 private:
  std::ostream& out_;
  std::string table_;
  std::string unit_;  // of the batch size; shown unless rows
  long long total_;
  long long start_done_;
  bool tty_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  std::string throttle_;
};

long long NextBatchSize(long long batch, Millis elapsed, Millis target_time,
                        const BatchLimits& limits) {
  const double target = static_cast<double>(target_time.count());
  const double took = std::max<double>(1.0, static_cast<double>(elapsed.count()));
  const double factor = std::clamp(target / took, 0.5, 2.0);
  return std::clamp(static_cast<long long>(batch * factor), limits.min, limits.max);
}

// Holds the backfill while a standby replays further behind than --max-replica-lag,
// still honouring stop signals, the window end and `pgphase pause` meanwhile.
Status WaitForReplicas(RunContext& ctx, const Step& step, ReplicaLagMonitor& monitor,
                       Progress& progress, long long done, long long batch) {
  const Resolved& s = ctx.settings;
  if (!s.max_replica_lag) return Status::Ok();
  bool throttled = false;
  for (;;) {
    const std::optional<ReplicaLag> lag = monitor.Worst(ctx.conn);
    if (!lag || lag->seconds * 1000.0 <= static_cast<double>(s.max_replica_lag->count())) {
      progress.SetThrottle("");
      return Status::Ok();
    }
    const std::string reason = fmt::format("replica {} replay lag {:.1f}s > {}", lag->standby,
                                           lag->seconds, FormatDuration(*s.max_replica_lag));
    if (!throttled) {
      ctx.store.Event(ctx.plan.migration, "throttled", reason, Phase::kBackfill, step.id);
      throttled = true;
    }
    progress.SetThrottle(reason);
    progress.Update(done, batch);
    if (StopRequested())
      return Status::Stopped("stopped by signal while throttled; checkpoint kept");
    if (s.deadline && Clock::now() >= *s.deadline)
      return Status::Stopped(s.deadline_reason + " while throttled; checkpoint kept");
    if (ctx.store.PauseRequested(ctx.plan.migration))
      return Status::Stopped("paused by `pgphase pause` while throttled; checkpoint kept");
    InterruptibleSleep(Millis(250));
  }
}

long long EstimateRows(pqxx::connection& conn, const BackfillJob& job) {
  pqxx::nontransaction tx(conn);
  const std::string rel = QuoteQualified(job.schema, job.table);
  auto r = tx.exec_params(
      "SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class WHERE oid = to_regclass($1)",
      rel);
  long long n = r.empty() ? 0 : r[0][0].as<long long>();
  if (n == 0) n = tx.exec("SELECT count(*) FROM " + rel)[0][0].as<long long>();
  return n;
}

}  // namespace

Status RunBackfill(RunContext& ctx, const Step& step) {
  const BackfillJob& job = *step.backfill;
  const std::string& m = ctx.plan.migration;
  const std::string context = fmt::format("migration {}, phase backfill, step {}", m, step.id);
  const Resolved& s = ctx.settings;
  BackfillRow state;
  std::unique_ptr<BatchWalk> walk;
  try {
    state = ctx.store.LoadBackfill(m, step.id);
    if (state.rows_done == 0) {
      state.rows_total = EstimateRows(ctx.conn, job);
      ctx.store.StartBackfill(m, step.id, state.rows_total);
    }
    walk = MakeBatchWalk(ctx.conn, job, state, s);
  } catch (const std::exception& e) {
    return FromException(e, context);
  }
  const BatchLimits limits = walk->Limits();
  long long batch = state.batch_size > 0 ? state.batch_size : limits.initial;
  batch = std::clamp(batch, limits.min, limits.max);
  long long done = state.rows_done;
  Progress progress(ctx.out, job.table, walk->Unit(), state.rows_total, done);
  ReplicaLagMonitor replicas;
  int failures = 0;

  for (;;) {
    if (StopRequested())
      return Status::Stopped("stopped by signal during backfill; checkpoint kept");
    if (s.deadline && Clock::now() >= *s.deadline)
      return Status::Stopped(s.deadline_reason + "; backfill checkpoint kept");
    try {
      PGPHASE_RETURN_IF_ERROR(WaitForReplicas(ctx, step, replicas, progress, done, batch));
    } catch (const std::exception& e) {
      return FromException(e, context + ": reading pg_stat_replication");
    }
    const auto t0 = Clock::now();
    try {
      pqxx::work tx(ctx.conn);
      tx.exec("SET LOCAL lock_timeout = '" + PgInterval(s.lock_timeout.count()) + "'");
      tx.exec("SET LOCAL statement_timeout = '" + PgInterval(s.statement_timeout.count()) + "'");
      const BatchOutcome r = walk->Run(tx, batch);
      if (r.finished) {
        ctx.store.SetStepStatus(tx, m, step.id, StepStatus::kDone);
        ctx.store.Event(tx, m, "backfill_done", fmt::format("{} rows", done), Phase::kBackfill,
                        step.id);
        tx.commit();
        break;
      }
      if (!r.restarted.empty()) {
        ctx.out << "\n  " << r.restarted << "\n" << std::flush;
        ctx.store.Event(tx, m, "backfill_restarted", r.restarted, Phase::kBackfill, step.id);
      }
      const auto elapsed = std::chrono::duration_cast<Millis>(Clock::now() - t0);
      const long long next = NextBatchSize(batch, elapsed, s.target_batch_time, limits);
      const bool paused = ctx.store.Checkpoint(tx, m, step.id, walk->Pending(), r.scanned, next);
      tx.commit();
      walk->Advance();
      done += r.scanned;
      progress.Update(done, batch);
      batch = next;
      failures = 0;
      if (paused) {
        progress.Update(done, batch, true);
        return Status::Stopped("paused by `pgphase pause`; backfill checkpoint kept");
      }
    } catch (const pqxx::sql_error& e) {
      const bool timeout = e.sqlstate() == kLockNotAvailable || e.sqlstate() == kQueryCanceled;
      if (!timeout || StopRequested()) return FromSqlError(e, context);
      if (++failures > s.lock_retries)
        return FromSqlError(e, context + fmt::format(": {} batches in a row timed out", failures));
      batch = std::max(limits.min, batch / 2);
      ctx.out << fmt::format("  batch timed out (SQLSTATE {}); retrying with batch size {}\n",
                             e.sqlstate(), batch)
              << std::flush;
      ctx.store.Event(m, "batch_timeout", e.sqlstate(), Phase::kBackfill, step.id);
      InterruptibleSleep(Millis(100 * failures));
      continue;
    } catch (const std::exception& e) {
      return FromException(e, context);
    }
    if (s.batch_delay.count() > 0) InterruptibleSleep(s.batch_delay);
  }
  progress.Update(done, batch, true);
  return Status::Ok();
}

}  // namespace pgphase::exec
