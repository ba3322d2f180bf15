// RunBackfill: the backfill loop (backfill_loop.h) over the database, for a fill (backfill
// phase) or a verification (validate phase, BackfillJob::verify). Each batch commits its rows
// and its checkpoint in one transaction, so a crash at any instant loses nothing and redoes
// nothing.
#include <fmt/format.h>
#include <unistd.h>

#include <type_traits>

#include "exec/backfill_io.h"
#include "exec/backfill_loop.h"
#include "exec/db.h"
#include "pgphase/ddl.h"
#include "pgphase/sql.h"

namespace pgphase::exec {
namespace {

// Runs `f`, turning what it throws (libpqxx, the walk) into a failure in `context`.
template <class F>
auto Try(const std::string& context, F&& f) {
  using T = std::invoke_result_t<F>;
  using R = std::conditional_t<std::is_void_v<T>, Status, Result<T>>;
  try {
    if constexpr (std::is_void_v<T>) {
      f();
      return R(Status::Ok());
    } else {
      return R(f());
    }
  } catch (const std::exception& e) {
    return R(FromException(e, context));
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

// BackfillIo over the run's connection and state store, for one backfill step.
class DbBackfillIo final : public BackfillIo {
 public:
  DbBackfillIo(RunContext& ctx, Phase phase, const Step& step)
      : ctx_(ctx),
        phase_(phase),
        job_(*step.backfill),
        migration_(ctx.plan.migration),
        step_id_(step.id),
        context_(fmt::format("migration {}, phase {}, step {}", migration_, PhaseName(phase),
                             step_id_)) {}

  Result<BackfillRow> LoadCheckpoint() override {
    return Try(context_, [&] { return ctx_.store.LoadBackfill(migration_, step_id_); });
  }

  Result<long long> StartBackfill() override {
    return Try(context_, [&] {
      const long long total = EstimateRows(ctx_.conn, job_);
      ctx_.store.StartBackfill(migration_, step_id_, total);
      return total;
    });
  }

  Status OpenWalk(const BackfillRow& at) override {
    return Try(context_, [&] { walk_ = MakeBatchWalk(ctx_.conn, job_, at); });
  }

  std::string Unit() const override { return std::string(walk_->Unit()); }
  BatchLimits Limits(const Resolved& s) const override { return walk_->Limits(s); }
  BatchResult RunBatch(long long size, const Resolved& s) override;
  BatchResult RunRows(long long size, const Resolved& s);

  Status Finish(long long rows_done) override {
    return Try(context_, [&] {
      std::string event = "backfill_done", detail = fmt::format("{} rows", rows_done);
      if (job_.verify) {
        const BackfillRow row = ctx_.store.LoadBackfill(migration_, step_id_);
        event = "verify_done";
        detail = DescribeVerify(rows_done, row.mismatched, row.sample_keys);
      }
      pqxx::work tx(ctx_.conn);
      ctx_.store.SetStepStatus(tx, migration_, step_id_, StepStatus::kDone);
      ctx_.store.Event(tx, migration_, event, detail, phase_, step_id_);
      tx.commit();
    });
  }

  Result<std::optional<ReplicaLag>> WorstReplicaLag() override {
    return Try(context_ + ": reading pg_stat_replication",
               [&] { return replicas_.Worst(ctx_.conn); });
  }

  Result<bool> PauseRequested() override {
    return Try(context_, [&] { return ctx_.store.PauseRequested(migration_); });
  }

  std::string Blockers() override { return DescribeBlockers(ctx_); }

  Status Event(const std::string& event, const std::string& detail) override {
    return Try(context_, [&] { ctx_.store.Event(migration_, event, detail, phase_, step_id_); });
  }

  Clock::time_point Now() override { return Clock::now(); }
  void Sleep(Millis d) override { InterruptibleSleep(d); }
  bool StopRequested() override { return exec::StopRequested(); }
  std::string StopCause() override { return exec::StopCause(); }

 private:
  // Fails, naming the rows, when a verification's repair did not hold (re-checked in the
  // batch's own statement): something other than pgphase's trigger writes the column.
  Status RepairFailed(const Repair& repair);

  RunContext& ctx_;
  const Phase phase_;
  const BackfillJob& job_;
  const std::string& migration_;
  const std::string step_id_;
  const std::string context_;
  std::unique_ptr<BatchWalk> walk_;
  ReplicaLagMonitor replicas_;
};

// A batch's transaction: its timeouts, and the mark that its writes are pgphase's
// (ddl::kFillingSetting), which a column pair's trigger does not copy back.
void BeginBatch(pqxx::transaction_base& tx, const Resolved& s) {
  ApplyTimeouts(tx, s, kBackfillBatchTimeout, true);
  tx.exec(fmt::format("SET LOCAL {} = on", ddl::kFillingSetting));
}

// The sessions waiting for a lock that this transaction holds, and the longest such wait so
// far (its statement's age: it waits since then at most). pg_blocking_pids runs only for
// sessions waiting on a lock, which are few.
AppWait AppWaitingOn(pqxx::transaction_base& tx) {
  const pqxx::row r = tx.exec1(R"(
SELECT count(*),
       coalesce(max(extract(epoch FROM clock_timestamp() - a.query_start) * 1000), 0)::bigint
  FROM pg_catalog.pg_stat_activity a
 WHERE a.wait_event_type = 'Lock' AND pg_backend_pid() = ANY (pg_catalog.pg_blocking_pids(a.pid))
)");
  return AppWait{r[0].as<long long>(), Millis(r[1].as<long long>())};
}

BatchResult DbBackfillIo::RunBatch(long long size, const Resolved& s) {
  try {
    pqxx::work tx(ctx_.conn);
    BeginBatch(tx, s);
    const BatchOutcome r = walk_->Run(tx, size);
    if (r.finished) {
      tx.abort();  // nothing ran that needs keeping
      return BatchDone{r, false, {}};
    }
    if (r.repair.failed > 0) {
      tx.abort();  // the batch runs again, and fails again, until the cause is gone
      return RepairFailed(r.repair);
    }
    const AppWait waited = s.max_app_wait.count() > 0 ? AppWaitingOn(tx) : AppWait{};
    const bool paused = ctx_.store.Checkpoint(tx, migration_, step_id_, walk_->Pending(), r.scanned,
                                              size, r.repair.rows, r.repair.keys);
    tx.commit();
    walk_->Advance();
    return BatchDone{r, paused, waited};
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == kLockNotAvailable || e.sqlstate() == kQueryCanceled)
      return BatchTimedOut{e.sqlstate(), FromSqlError(e, context_)};
    if (IsDataError(e.sqlstate())) return RunRows(size, s);
    return FromSqlError(e, context_);
  } catch (const std::exception& e) {
    return FromException(e, context_);
  }
}

// The batch raised because of a value in some row (rows written after the precheck, before
// the sync trigger was there): the same batch row by row, recording each row it cannot fill
// (pgphase.sync_errors, as the trigger does), so the backfill goes on and the conversion check
// holds the phase that needs them.
BatchResult DbBackfillIo::RunRows(long long size, const Resolved& s) {
  pqxx::work tx(ctx_.conn);
  BeginBatch(tx, s);
  long long failed = 0;
  const std::string table = job_.schema + "." + job_.table;
  const BatchOutcome r = walk_->RunRows(
      tx, size,
      [&](const std::vector<std::string>& key, const std::string& column,
          const pqxx::sql_error& e) {
        ++failed;
        if (!column.empty())
          ctx_.store.RecordSyncError(tx, migration_, table,
                                     {column, key, e.sqlstate(), ServerMessage(e.what()), 1});
      });
  if (r.finished) return BatchDone{r, false, {}};
  ctx_.store.Event(tx, migration_, "backfill_rows_failed",
                   fmt::format("{} row(s) of a batch could not be filled; recorded", failed),
                   phase_, step_id_);
  const bool paused =
      ctx_.store.Checkpoint(tx, migration_, step_id_, walk_->Pending(), r.scanned, size);
  tx.commit();
  walk_->Advance();
  return BatchDone{r, paused, {}};
}

Status DbBackfillIo::RepairFailed(const Repair& repair) {
  std::string columns;
  for (const auto& a : job_.assignments) columns += (columns.empty() ? "" : ", ") + a.column;
  const std::string what = fmt::format(
      "{} rows of {} still differ from `up` after their repair (keys: {}); something other "
      "than pgphase writes {} (a trigger?); nothing of this batch was kept",
      repair.failed, QuoteQualified(job_.schema, job_.table), fmt::join(repair.failed_keys, ", "),
      columns);
  Status recorded = Event("verify_failed", what);
  if (!recorded.ok()) return recorded;
  return Status::Failure(context_ + ": " + what);
}

}  // namespace

Status RunBackfill(RunContext& ctx, Phase phase, const Step& step) {
  const BackfillJob& job = *step.backfill;
  DbBackfillIo io(ctx, phase, step);
  const LiveBackfillSettings settings(ctx.settings, Live());
  BackfillLoop loop(
      io, settings,
      {ctx.out, isatty(STDOUT_FILENO) == 1, job.table, job.verify ? "verify" : "backfill"});
  PGPHASE_RETURN_IF_ERROR(loop.Run());
  if (job.verify) {
    const BackfillRow row = ctx.store.LoadBackfill(ctx.plan.migration, step.id);
    ctx.out << fmt::format("  verify {}: {}\n", job.table,
                           DescribeVerify(row.rows_done, row.mismatched, row.sample_keys))
            << std::flush;
  }
  return Status::Ok();
}

}  // namespace pgphase::exec
