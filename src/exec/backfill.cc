// RunBackfill: the backfill loop (backfill_loop.h) over the database, for a fill (backfill
// phase) or a verification (validate phase, BackfillJob::verify). Each batch commits its rows
// and its checkpoint in one transaction, so a crash at any instant loses nothing and redoes
// nothing.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <syncstream>
#include <type_traits>

#include "exec/backfill_io.h"
#include "exec/backfill_loop.h"
#include "exec/backfill_parts.h"
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

// Which part of a parallel backfill an io walks: part `part` of `of` (one part: the whole
// table), and the flag that asks it to stop because another part failed.
struct PartOf {
  int part = 0;
  int of = 1;
  const std::atomic<bool>* abort = nullptr;
};

// Marks the step done and records `event` in one transaction.
void FinishStep(RunContext& ctx, Phase phase, const std::string& step_id, const std::string& event,
                const std::string& detail) {
  pqxx::work tx(ctx.conn);
  ctx.store.SetStepStatus(tx, ctx.plan.migration, step_id, StepStatus::kDone);
  ctx.store.Event(tx, ctx.plan.migration, event, detail, phase, step_id);
  tx.commit();
}

// BackfillIo over the run's connection and state store, for one backfill step, or one part
// of it.
class DbBackfillIo final : public BackfillIo {
 public:
  DbBackfillIo(RunContext& ctx, Phase phase, const Step& step, PartOf part = {})
      : ctx_(ctx),
        phase_(phase),
        job_(*step.backfill),
        migration_(ctx.plan.migration),
        step_id_(step.id),
        part_(part),
        context_(
            fmt::format("migration {}, phase {}, step {}{}", migration_, PhaseName(phase), step_id_,
                        part.of > 1 ? fmt::format(", part {}/{}", part.part + 1, part.of) : "")) {}

  Result<BackfillRow> LoadCheckpoint() override {
    return Try(context_, [&] {
      if (part_.of == 1) return ctx_.store.LoadBackfill(migration_, step_id_);
      const std::vector<BackfillRow> parts = ctx_.store.LoadBackfillParts(migration_, step_id_);
      if (parts.size() != static_cast<size_t>(part_.of))
        throw std::runtime_error("the backfill's parts changed while it ran");
      part_total_ = parts[static_cast<size_t>(part_.part)].rows_total;
      return parts[static_cast<size_t>(part_.part)];
    });
  }

  Result<long long> StartBackfill() override {
    if (part_.of > 1) return part_total_;  // SplitBackfill started every part
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

  // A part only records that it is done: the step is, once every part is (RunParts).
  Status Finish(long long rows_done) override {
    return Try(context_, [&] {
      if (part_.of > 1) {
        ctx_.store.Event(migration_, "backfill_part_done",
                         fmt::format("part {}/{}: {} rows", part_.part + 1, part_.of, rows_done),
                         phase_, step_id_);
        return;
      }
      std::string event = "backfill_done", detail = fmt::format("{} rows", rows_done);
      if (job_.verify) {
        const BackfillRow row = ctx_.store.LoadBackfill(migration_, step_id_);
        event = "verify_done";
        detail = DescribeVerify(rows_done, row.mismatched, row.sample_keys);
      }
      FinishStep(ctx_, phase_, step_id_, event, detail);
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
  bool StopRequested() override { return exec::StopRequested() || Aborted(); }
  std::string StopCause() override {
    return Aborted() ? "the failure of another part" : exec::StopCause();
  }

 private:
  // Fails, naming the rows, when a verification's repair did not hold (re-checked in the
  // batch's own statement): something other than pgphase's trigger writes the column.
  Status RepairFailed(const Repair& repair);
  bool Aborted() const { return part_.abort != nullptr && part_.abort->load(); }

  RunContext& ctx_;
  const Phase phase_;
  const BackfillJob& job_;
  const std::string& migration_;
  const std::string step_id_;
  const PartOf part_;
  long long part_total_ = 0;
  const std::string context_;
  std::unique_ptr<BatchWalk> walk_;
  ReplicaLagMonitor replicas_;
};

// A batch's transaction: its timeouts, and ddl::BatchSettings (the mark that its writes are
// pgphase's, which a column pair's trigger does not copy back; commits that do not wait).
void BeginBatch(pqxx::transaction_base& tx, const Resolved& s) {
  static const std::string kSettings = fmt::format("{}", fmt::join(ddl::BatchSettings(), "; "));
  ApplyTimeouts(tx, s, kBackfillBatchTimeout, true);
  tx.exec(kSettings);
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
    const bool paused =
        ctx_.store.Checkpoint(tx, migration_, step_id_, part_.part, walk_->Pending(), r.scanned,
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
  const bool paused = ctx_.store.Checkpoint(tx, migration_, step_id_, part_.part, walk_->Pending(),
                                            r.scanned, size);
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

// The step's parts as stored; for a backfill not started yet with workers > 1 (a fill: a
// verification runs in one part), its table split into parts first.
std::vector<BackfillRow> Parts(RunContext& ctx, Phase phase, const Step& step) {
  const BackfillJob& job = *step.backfill;
  const std::string& m = ctx.plan.migration;
  std::vector<BackfillRow> stored = ctx.store.LoadBackfillParts(m, step.id);
  const bool fresh = stored.size() == 1 && stored[0].rows_done == 0 && stored[0].last_key.empty();
  if (!fresh || job.verify || ctx.settings.workers <= 1) return stored;
  std::vector<BackfillRow> parts =
      PlanParts(ctx.conn, job, ctx.settings.workers, EstimateRows(ctx.conn, job));
  if (parts.size() <= 1) return stored;
  ctx.store.SplitBackfill(m, step.id, parts);
  ctx.store.Event(m, "backfill_split", fmt::format("{} parts", parts.size()), phase, step.id);
  return parts;
}

// One part's loop, on a connection of its own; its lines go to ctx.out whole.
Status RunPart(RunContext& ctx, Phase phase, const Step& step, PartOf part) {
  auto conn = Connect(ctx.conninfo, fmt::format("pgphase apply {} part {}/{}", ctx.plan.migration,
                                                part.part + 1, part.of));
  if (!conn.ok()) return conn.status();
  std::osyncstream out(ctx.out);
  out.rdbuf()->set_emit_on_sync(true);
  StateStore store(**conn);
  RunContext part_ctx{**conn, store, ctx.plan, ctx.settings, out, ctx.notify, ctx.conninfo};
  DbBackfillIo io(part_ctx, phase, step, part);
  const LiveBackfillSettings settings(ctx.settings, Live());
  BackfillLoop loop(io, settings,
                    {out, false, step.backfill->table, "backfill", part.part, part.of});
  return loop.Run();
}

// The first failure other than a stop, else the first stop, else Ok.
Status Combined(const std::vector<Status>& results) {
  const Status* stopped = nullptr;
  for (const Status& st : results) {
    if (st.ok()) continue;
    if (st.code() != ExitCode::kStopped) return st;
    if (stopped == nullptr) stopped = &st;
  }
  return stopped != nullptr ? *stopped : Status::Ok();
}

// Every part at once, up to `workers` of them at a time (Boost.Asio thread pool); the step is
// done once each part is. A part that fails stops the others at their next batch.
Status RunParts(RunContext& ctx, Phase phase, const Step& step, int parts) {
  const int workers = std::clamp(ctx.settings.workers, 1, parts);
  ctx.out << fmt::format("  backfill {}: {} parts, {} at a time\n", step.backfill->table, parts,
                         workers)
          << std::flush;
  std::atomic<bool> abort{false};
  std::vector<Status> results(static_cast<size_t>(parts), Status::Ok());
  boost::asio::thread_pool pool(static_cast<size_t>(workers));
  for (int i = 0; i < parts; ++i) {
    boost::asio::post(pool, [&, i] {
      Status& st = results[static_cast<size_t>(i)];
      try {  // nothing may leave a task of the pool
        st = RunPart(ctx, phase, step, {i, parts, &abort});
      } catch (const std::exception& e) {
        st = FromException(e, fmt::format("backfill part {}/{}", i + 1, parts));
      }
      if (!st.ok() && st.code() != ExitCode::kStopped) abort = true;
    });
  }
  pool.join();
  PGPHASE_RETURN_IF_ERROR(Combined(results));
  const std::string context =
      fmt::format("migration {}, phase {}, step {}", ctx.plan.migration, PhaseName(phase), step.id);
  return Try(context, [&] {
    const BackfillRow sum = ctx.store.LoadBackfill(ctx.plan.migration, step.id);
    const std::string detail = fmt::format("{} rows in {} parts", sum.rows_done, parts);
    FinishStep(ctx, phase, step.id, "backfill_done", detail);
    ctx.out << fmt::format("  backfill {}: {}\n", step.backfill->table, detail) << std::flush;
  });
}

}  // namespace

Status RunBackfill(RunContext& ctx, Phase phase, const Step& step) {
  const BackfillJob& job = *step.backfill;
  Live().ForgetParts(job.table);
  const std::string context =
      fmt::format("migration {}, phase {}, step {}", ctx.plan.migration, PhaseName(phase), step.id);
  const Result<std::vector<BackfillRow>> parts =
      Try(context, [&] { return Parts(ctx, phase, step); });
  if (!parts.ok()) return parts.status();
  if (parts->size() > 1) return RunParts(ctx, phase, step, static_cast<int>(parts->size()));
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
