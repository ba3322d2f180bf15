#include "exec/backfill_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace pgphase::exec {
namespace {

// How often a hold looks again whether it may let batches through.
constexpr Millis kHoldPoll{250};

// The shortest time batches aim at for the application's sake, and how long nobody may wait on
// a batch before the aim doubles back toward max_app_wait. A time, not a count of batches: an
// application that writes all the time meets a short batch rarely (at 1000 writes/s over a
// million rows, one 25 ms batch in eight), and would see the aim grow back between its waits.
constexpr Millis kShortestAim{2};
constexpr Millis kQuietTime{2000};
// How long nobody may wait on a batch before the aim may grow past max_app_wait, back toward
// target_batch_time: the application has gone. Sooner, a batch that grows past the budget
// holds rows the application still writes, and one of its writes then waits for the whole
// batch, and every transaction of that client behind it.
constexpr Millis kAppGoneTime{60000};
// Before the application has waited on any batch, the aim starts at max_app_wait and doubles
// after each kRampTime without a wait, up to target_batch_time: the first write that meets a
// batch then most likely meets a short one (at 1000 writes/s over a million rows, a wait is
// likely within the first second), while a table nobody writes reaches the target within
// about a second, at five doublings from 10ms to 200ms.
constexpr Millis kRampTime{250};

// Where the loop was when it stopped, for the message.
constexpr std::string_view kDuringBackfill = " during backfill";
constexpr std::string_view kWhileThrottled = " while throttled";

Status Stopped(std::string_view why, std::string_view where) {
  return Status::Stopped(fmt::format("{}{}; checkpoint kept", why, where));
}

Status Paused(std::string_view where) { return Stopped("paused by `pgphase pause`", where); }

long long NextBatchSize(long long batch, Millis took, Millis target_time,
                        const BatchLimits& limits) {
  const double target = static_cast<double>(target_time.count());
  const double elapsed = std::max<double>(1.0, static_cast<double>(took.count()));
  const double factor = std::clamp(target / elapsed, 0.5, 2.0);
  return std::clamp(static_cast<long long>(batch * factor), limits.min, limits.max);
}

}  // namespace

BackfillLoop::BackfillLoop(BackfillIo& io, const BackfillSettings& settings,
                           BackfillDisplay display, LiveState& live)
    : io_(io), settings_(settings), display_(std::move(display)), live_(live) {}

Status BackfillLoop::Run() {
  PGPHASE_RETURN_IF_ERROR(Begin());
  for (;;) {
    PGPHASE_RETURN_IF_ERROR(StopPoint(settings_.Current(), kDuringBackfill));
    PGPHASE_RETURN_IF_ERROR(Hold());
    const Result<bool> finished = Batch(settings_.Current());
    if (!finished.ok()) return finished.status();
    if (*finished) break;
  }
  PGPHASE_RETURN_IF_ERROR(io_.Finish(done_));
  Show(true);
  return Status::Ok();
}

Status BackfillLoop::Begin() {
  Result<BackfillRow> loaded = io_.LoadCheckpoint();
  if (!loaded.ok()) return loaded.status();
  BackfillRow at = *loaded;
  if (at.rows_done == 0) {
    const Result<long long> total = io_.StartBackfill();
    if (!total.ok()) return total.status();
    at.rows_total = *total;
  }
  PGPHASE_RETURN_IF_ERROR(io_.OpenWalk(at));
  const Resolved s = settings_.Current();
  const BatchLimits limits = io_.Limits(s);
  batch_ = at.batch_size > 0 ? at.batch_size : limits.initial;
  // The checkpoint's size was fitted to an aim that the ramp (Aim) starts below again, and the
  // application may be back: a resumed loop that heeds it starts no larger than a fresh one.
  if (s.max_app_wait.count() > 0) batch_ = std::min(batch_, limits.initial);
  batch_ = std::clamp(batch_, limits.min, limits.max);
  done_ = at.rows_done;
  quiet_since_ = io_.Now();
  std::string label = display_.action + " " + display_.table;
  if (display_.parts > 1) label += fmt::format(" part {}/{}", display_.part + 1, display_.parts);
  progress_.emplace(display_.out, display_.tty, label, io_.Unit(), at.rows_total, done_, io_.Now());
  return Status::Ok();
}

// Ok, or kStopped when a signal or the window end asks to stop.
Status BackfillLoop::StopPoint(const Resolved& s, std::string_view where) {
  if (io_.StopRequested()) return Stopped("stopped by " + io_.StopCause(), where);
  if (s.deadline && io_.Now() >= *s.deadline) return Stopped(s.deadline_reason, where);
  return Status::Ok();
}

// Holds batches while HoldReason gives one, still stopping for a signal, the window end or
// `pgphase pause`: a hold may last long, and nothing is half done during it.
Status BackfillLoop::Hold() {
  bool recorded = false;
  for (;;) {
    const Resolved s = settings_.Current();
    const Result<HoldCause> cause = HoldReason(s);
    if (!cause.ok()) return cause.status();
    progress_->SetThrottle(cause->text);
    live_.SetThrottledBy(cause->text);
    if (cause->text.empty()) return Status::Ok();
    if (!recorded) PGPHASE_RETURN_IF_ERROR(io_.Event("throttled", cause->text));
    recorded = true;
    Show();
    PGPHASE_RETURN_IF_ERROR(StopPoint(s, kWhileThrottled));
    const Result<bool> paused = io_.PauseRequested();
    if (!paused.ok()) return paused.status();
    if (*paused) return Paused(kWhileThrottled);
    const Clock::time_point before = io_.Now();
    io_.Sleep(kHoldPoll);
    live_.AddThrottled(cause->reason, std::chrono::duration<double>(io_.Now() - before).count());
  }
}

Result<BackfillLoop::HoldCause> BackfillLoop::HoldReason(const Resolved& s) {
  if (live_.Throttled()) return HoldCause{"manual", "held by POST /throttle"};
  if (!s.max_replica_lag) return HoldCause{};
  const Result<std::optional<ReplicaLag>> lag = io_.WorstReplicaLag();
  if (!lag.ok()) return lag.status();
  if (!*lag || (*lag)->seconds * 1000.0 <= static_cast<double>(s.max_replica_lag->count()))
    return HoldCause{};
  return HoldCause{"replica_lag", fmt::format("replica {} replay lag {:.1f}s > {}", (*lag)->standby,
                                              (*lag)->seconds, FormatDuration(*s.max_replica_lag))};
}

// Runs one batch and picks the next one's size. True once the walk is finished.
Result<bool> BackfillLoop::Batch(const Resolved& s) {
  const BatchLimits limits = io_.Limits(s);
  batch_ = std::clamp(batch_, limits.min, limits.max);
  const Clock::time_point start = io_.Now();
  const BatchResult result = io_.RunBatch(batch_, s);
  if (const auto* failed = std::get_if<Status>(&result)) return *failed;
  if (const auto* timeout = std::get_if<BatchTimedOut>(&result)) {
    PGPHASE_RETURN_IF_ERROR(AfterTimeout(*timeout, s, limits));
    return false;
  }
  // Until the commit: the batch's row locks are held that long.
  const auto took = std::chrono::duration_cast<Millis>(io_.Now() - start);
  return AfterCommit(std::get<BatchDone>(result), took, s, limits);
}

Result<bool> BackfillLoop::AfterCommit(const BatchDone& done, Millis took, const Resolved& s,
                                       const BatchLimits& limits) {
  if (done.walk.finished) return true;
  timeouts_ = 0;
  if (!done.walk.restarted.empty()) {
    display_.out << "\n  " << done.walk.restarted << "\n" << std::flush;
    PGPHASE_RETURN_IF_ERROR(io_.Event("backfill_restarted", done.walk.restarted));
  }
  done_ += done.walk.scanned;
  if (done.walk.repair.rows > 0) PGPHASE_RETURN_IF_ERROR(Repaired(done.walk.repair));
  const bool first_wait = !last_wait_;
  const Millis aimed = aim_.value_or(s.target_batch_time);
  const Millis aim = Aim(done.app_wait, s);
  if (done.app_wait.sessions > 0 && (aim < aimed || first_wait))
    PGPHASE_RETURN_IF_ERROR(AppWaited(done.app_wait, aim));
  batch_ = NextBatchSize(batch_, took, aim, limits);
  Publish(took);  // first, so a log line of the progress finds it published
  Show();
  if (done.pause_requested) {
    Show(true);
    return Paused(kDuringBackfill);
  }
  if (s.batch_delay.count() > 0) {
    io_.Sleep(s.batch_delay);
    live_.AddThrottled("batch_delay", std::chrono::duration<double>(s.batch_delay).count());
  }
  return false;
}

// Halves the batch for a retry, or gives up after more than lock_retries in a row.
Status BackfillLoop::AfterTimeout(const BatchTimedOut& timeout, const Resolved& s,
                                  const BatchLimits& limits) {
  // The batch was rolled back, so this is a safe point too.
  PGPHASE_RETURN_IF_ERROR(StopPoint(s, kDuringBackfill));
  const std::string blockers = io_.Blockers();
  if (++timeouts_ > s.lock_retries) {
    return timeout.error.WithContext(
        fmt::format("{} batches in a row timed out; blocked by:{}", timeouts_, blockers));
  }
  batch_ = std::max(limits.min, batch_ / 2);
  live_.CountLockRetry();
  display_.out
      << fmt::format(
             "  batch timed out (SQLSTATE {}); retrying with batch size {}; blocked by:{}\n",
             timeout.sqlstate, batch_, blockers)
      << std::flush;
  PGPHASE_RETURN_IF_ERROR(io_.Event("batch_timeout", timeout.sqlstate + ";" + blockers));
  io_.Sleep(Millis(100 * timeouts_));
  return Status::Ok();
}

// The time the next batch aims at. Until the application first waits on a batch, the aim
// starts at max_app_wait and doubles every kRampTime up to target_batch_time. Once it waits, at
// most max_app_wait (an application write waits for the batch that holds its row until that
// batch commits), halved while the waits still exceed it. It doubles back after kQuietTime
// without a wait, up to max_app_wait until kAppGoneTime has passed since the last wait, and
// then up to target_batch_time.
Millis BackfillLoop::Aim(const AppWait& waited, const Resolved& s) {
  if (s.max_app_wait.count() == 0) return s.target_batch_time;
  const Millis budget = std::min(s.max_app_wait, s.target_batch_time);
  Millis aim = std::min(aim_.value_or(budget), s.target_batch_time);
  const Clock::time_point now = io_.Now();
  if (waited.sessions > 0) {
    quiet_since_ = now;
    last_wait_ = now;
    live_.CountAppWaits(waited.sessions);
    aim = std::min(aim, s.max_app_wait);
    if (waited.longest > s.max_app_wait) aim = std::max(std::min(kShortestAim, aim), aim / 2);
  } else if (now - quiet_since_ >= (last_wait_ ? kQuietTime : kRampTime)) {
    const bool app_gone = !last_wait_ || now - *last_wait_ >= kAppGoneTime;
    const Millis ceiling = app_gone ? s.target_batch_time : budget;
    if (aim < ceiling) {
      quiet_since_ = now;
      aim = std::min(ceiling, aim * 2);
    }
  }
  aim_ = aim;
  return aim;
}

Status BackfillLoop::AppWaited(const AppWait& waited, Millis aim) {
  const std::string what = fmt::format(
      "{} application session{} waited on the batch (the longest {}): batches now aim at {}",
      waited.sessions, waited.sessions == 1 ? "" : "s", FormatDuration(waited.longest),
      FormatDuration(aim));
  display_.out << "\n  " << what << "\n" << std::flush;
  return io_.Event("app_waited", what);
}

Status BackfillLoop::Repaired(const Repair& repair) {
  const std::string what = fmt::format("{} rows differed from `up` and were repaired (keys: {})",
                                       repair.rows, fmt::join(repair.keys, ", "));
  display_.out << fmt::format("\n  {} {}: {}\n", display_.action, display_.table, what)
               << std::flush;
  return io_.Event("verify_repaired", what);
}

void BackfillLoop::Show(bool final) { progress_->Update(io_.Now(), done_, batch_, final); }

// A verification's batches check rows rather than fill them: the metrics are the fill's.
void BackfillLoop::Publish(Millis took) {
  if (display_.action != "backfill") return;
  const Clock::time_point now = io_.Now();
  live_.ObserveBatch(std::chrono::duration<double>(took).count());
  live_.SetBackfill(display_.table,
                    {done_, progress_->Total(done_), progress_->Rate(now, done_), batch_},
                    display_.part);
}

}  // namespace pgphase::exec
