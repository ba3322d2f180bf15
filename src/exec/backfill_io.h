// BackfillIo: everything the backfill loop (backfill_loop.h) needs from outside itself: the
// step's checkpoint and batches (state store, batch walk, libpqxx), the standbys' lag, the
// pause flag, events, the clock and the stop signal. The loop is written against this alone,
// so tests drive it with a fake, as ninja's Builder is tested against a fake CommandRunner.
// The real one, over one connection, is in backfill.cc.
//
// Every method reports failures as values, never by exception; a failure's message names
// the migration, phase and step. One instance serves one loop (one connection, one part of
// a table); not thread-safe. Loops running at once each get their own.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "exec/batch_walk.h"
#include "exec/replica.h"
#include "exec/runner.h"
#include "exec/state.h"
#include "pgphase/status.h"

namespace pgphase::exec {

// A batch that ran, and committed unless the walk was finished.
// The application sessions waiting for the batch's row locks just before it committed (and so
// for as long as it ran, at most): the sign that the batch is in the application's way.
struct AppWait {
  long long sessions = 0;
  Millis longest{0};  // the longest of those waits so far
};

struct BatchDone {
  BatchOutcome walk;             // finished: nothing was left, nothing ran or committed
  bool pause_requested = false;  // `pgphase pause` asked to stop, as read in the batch
  AppWait app_wait;              // sampled only when max_app_wait is set
};

// A batch that ran into lock_timeout or statement_timeout and was rolled back: nothing
// changed, and a smaller batch may well get through.
struct BatchTimedOut {
  std::string sqlstate;  // kLockNotAvailable or kQueryCanceled
  Status error;          // the failure, should the loop give up
};

// BatchDone, BatchTimedOut, or any other failure (never an ok Status).
using BatchResult = std::variant<BatchDone, BatchTimedOut, Status>;

class BackfillIo {
 public:
  virtual ~BackfillIo() = default;

  // Setup, in this order. The checkpoint as stored (rows_done 0: not started yet).
  virtual Result<BackfillRow> LoadCheckpoint() = 0;
  // For a backfill not started yet: estimates the rows to do, records the start with that
  // total, and returns it.
  virtual Result<long long> StartBackfill() = 0;
  // Positions the walk at `at` for the batches to come.
  virtual Status OpenWalk(const BackfillRow& at) = 0;

  // After OpenWalk: the unit of batch sizes ("rows", "pages"), and the limits settings `s`
  // mean in that unit.
  virtual std::string Unit() const = 0;
  virtual BatchLimits Limits(const Resolved& s) const = 0;

  // One batch of `size` units and its checkpoint (rows scanned added to rows_done, `size`
  // kept as the batch size to resume with) in one transaction, under s.lock_timeout and
  // s.statement_timeout. The walk moves on only once that transaction has committed.
  virtual BatchResult RunBatch(long long size, const Resolved& s) = 0;
  // Marks the step done and records that `rows_done` rows were done, in one transaction.
  virtual Status Finish(long long rows_done) = 0;

  // The most lagging standby now, or nullopt when there is none.
  virtual Result<std::optional<ReplicaLag>> WorstReplicaLag() = 0;
  // Whether `pgphase pause` has asked the migration to stop.
  virtual Result<bool> PauseRequested() = 0;
  // Who holds locks on the migration's tables now (DescribeBlockers), after a batch timed out.
  virtual std::string Blockers() = 0;
  // Records `event` (pgphase.events) for the step.
  virtual Status Event(const std::string& event, const std::string& detail) = 0;

  // The clock, and the stop signal (SIGINT/SIGTERM). Sleep ends early once a stop is
  // requested.
  virtual Clock::time_point Now() = 0;
  virtual void Sleep(Millis d) = 0;
  virtual bool StopRequested() = 0;
  // What asked to stop ("signal"), for the message.
  virtual std::string StopCause() = 0;
};

}  // namespace pgphase::exec
