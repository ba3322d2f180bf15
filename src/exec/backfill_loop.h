// The backfill loop (DESIGN "Backfill"), written against BackfillIo only:
//   - batch sizes move toward target_batch_time, at most x2 or /2 per batch, within the
//     walk's limits for batch_size_min/max;
//   - a batch that times out (lock_timeout, statement_timeout) is retried at half the size,
//     up to lock_retries times in a row;
//   - batches start aiming at max_app_wait and double the aim every kRampTime (250 ms) up to
//     target_batch_time until an application session first waits on a batch's row locks;
//     from then on they aim at max_app_wait, and at half that while the waits are longer
//     still; after kQuietTime (2 s) in which nobody waited, the aim doubles back up to
//     max_app_wait, and past it toward the target after kAppGoneTime (60 s); a resumed loop
//     that heeds the application starts no larger than a fresh one;
//   - batch_delay between batches; batches are held while a standby replays further behind
//     than max_replica_lag;
//   - SIGINT/SIGTERM, the window end (--until, --max-runtime) and `pgphase pause` stop it
//     between batches or during a hold with kStopped; the checkpoint stays;
//   - a verification's batch that repaired rows says so, on `out` and as a
//     `verify_repaired` event;
//   - a backfill publishes its progress, batch times, throttled time and lock retries to a
//     LiveState (live.h), and holds its batches while that state says POST /throttle.
// Settings are read through BackfillSettings before every batch and on every turn of a
// hold, never kept, so settings changed while the loop runs apply from the next batch.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "exec/backfill_io.h"
#include "exec/live.h"
#include "exec/progress.h"
#include "exec/runner.h"
#include "pgphase/status.h"

namespace pgphase::exec {

// Where a backfill loop reads its settings. An implementation shared by loops on several
// threads must make Current() safe to call from any of them.
class BackfillSettings {
 public:
  virtual ~BackfillSettings() = default;
  virtual Resolved Current() const = 0;
};

// The settings resolved when the command started, for the whole run.
class FixedBackfillSettings final : public BackfillSettings {
 public:
  explicit FixedBackfillSettings(Resolved s) : s_(std::move(s)) {}
  Resolved Current() const override { return s_; }

 private:
  Resolved s_;
};

// The settings resolved when the command started, with the changes POST /settings made to
// `live` since (LiveState::Apply). Safe from any thread, as LiveState is.
class LiveBackfillSettings final : public BackfillSettings {
 public:
  LiveBackfillSettings(Resolved s, const LiveState& live) : s_(std::move(s)), live_(live) {}
  Resolved Current() const override { return live_.Apply(s_); }

 private:
  Resolved s_;
  const LiveState& live_;
};

// Where the loop shows its progress (progress.h).
struct BackfillDisplay {
  std::ostream& out;
  bool tty = false;                 // redraw one line rather than print one every few seconds
  std::string table;                // as shown: "backfill orders: ..."
  std::string action = "backfill";  // "verify" for a verification
  int part = 0;                     // of a parallel backfill: this loop's part, of `parts`
  int parts = 1;
};

// One backfill of one step, or of one part of its table (a parallel backfill). `io`, `settings`,
// `display.out` and `live` must outlive the loop. Not thread-safe, and keeps no state outside
// itself: loops with their own io may run at once on separate threads.
class BackfillLoop {
 public:
  BackfillLoop(BackfillIo& io, const BackfillSettings& settings, BackfillDisplay display,
               LiveState& live = Live());

  // Runs the backfill to its end (Ok: the step is done), to a safe stop (kStopped: the
  // checkpoint has every batch that committed), or to a failure. Call once.
  Status Run();

 private:
  Status Begin();
  Status StopPoint(const Resolved& s, std::string_view where);
  Status Hold();
  // Why batches must wait now: the metric's reason label and the words shown; both "" when
  // they need not.
  struct HoldCause {
    std::string reason;
    std::string text;
  };
  Result<HoldCause> HoldReason(const Resolved& s);
  Result<bool> Batch(const Resolved& s);
  Result<bool> AfterCommit(const BatchDone& done, Millis took, const Resolved& s,
                           const BatchLimits& limits);
  Status AfterTimeout(const BatchTimedOut& timeout, const Resolved& s, const BatchLimits& limits);
  Millis Aim(const AppWait& waited, const Resolved& s);
  Status AppWaited(const AppWait& waited, Millis aim);
  Status Repaired(const Repair& repair);
  void Show(bool final = false);
  void Publish(Millis took);

  BackfillIo& io_;
  const BackfillSettings& settings_;
  BackfillDisplay display_;
  LiveState& live_;
  std::optional<Progress> progress_;  // from Begin on
  long long batch_ = 0;               // the next batch's size, in the walk's unit
  long long done_ = 0;                // rows
  int timeouts_ = 0;                  // batches in a row that timed out
  std::optional<Millis> aim_;         // the time batches aim at now (Aim); unset: its start
  Clock::time_point quiet_since_{};   // Begin, the last wait on a batch, or the aim's last growth
  std::optional<Clock::time_point> last_wait_;  // the last wait on a batch; unset: none yet
};

}  // namespace pgphase::exec
