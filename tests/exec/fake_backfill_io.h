// FakeBackfillIo: a backfill's outside world in memory, for tests of the backfill loop.
//
// The "table" is `rows` rows walked in order from the stored checkpoint; a batch of n rows
// takes batch_time(n) on a fake clock that only moves when a batch runs or the loop sleeps,
// so tests run instantly. What the loop asks for is kept in public fields to inspect
// afterwards; what the world does (timeouts, replica lag, pauses, restarts, signals) is set
// beforehand or from on_batch. Not thread-safe.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exec/backfill_io.h"
#include "exec/backfill_loop.h"

namespace pgphase::exec {

// Settings a test may change while the loop runs (from FakeBackfillIo::on_batch).
class MutableSettings final : public BackfillSettings {
 public:
  Resolved Current() const override { return s; }
  Resolved s;
};

class FakeBackfillIo final : public BackfillIo {
 public:
  // The world. Batch numbers count RunBatch calls from 1.
  long long rows = 1000;          // rows the walk covers, checkpoint included
  long long estimate = 1000;      // what StartBackfill estimates
  BackfillRow stored;             // the checkpoint LoadCheckpoint returns
  long long initial_batch = 100;  // BatchLimits::initial
  std::function<Millis(long long)> batch_time = [](long long n) { return Millis(n); };
  std::map<int, std::string> timeout_at;  // batch number -> SQLSTATE it times out with
  std::set<int> fail_at;                  // batches that fail outright
  std::set<int> pause_seen_at;            // batches whose checkpoint reads a pause request
  std::set<int> restart_at;               // batches that find the table rewritten
  std::map<int, Repair> repair_at;        // batches of a verification that repair rows
  std::map<int, AppWait> app_wait_at;     // batches the application waited on
  std::deque<double> lags;  // seconds, one per WorstReplicaLag; the last repeats; none: no standby
  bool pause_requested = false;                                      // what PauseRequested says
  bool stop = false;                                                 // the stop signal
  std::string blockers = "\n    pid 7 holds ShareLock on public.t";  // what Blockers says
  std::function<void(int batch)> on_batch;  // after each RunBatch, before it returns
  std::function<void()> on_sleep;           // when the loop sleeps, before the clock moves
  Clock::time_point now = Clock::time_point() + std::chrono::hours(1);

  // What the loop did.
  std::vector<long long> sizes;  // of every RunBatch, in order
  std::vector<std::string> log;  // "batch 100", "timeout 100", "lag 5.0", "sleep 250", ...
  std::vector<std::pair<std::string, std::string>> events;
  long long checkpointed = 0;  // rows added to rows_done by committed batches
  bool started = false;
  std::optional<long long> finished_with;  // Finish's rows_done

  Result<BackfillRow> LoadCheckpoint() override { return stored; }
  Result<long long> StartBackfill() override {
    started = true;
    return estimate;
  }
  Status OpenWalk(const BackfillRow& at) override {
    position_ = at.rows_done;
    return Status::Ok();
  }
  std::string Unit() const override { return "rows"; }
  BatchLimits Limits(const Resolved& s) const override {
    return {s.batch_size_min, s.batch_size_max, initial_batch};
  }

  BatchResult RunBatch(long long size, const Resolved& s) override {
    sizes.push_back(size);
    const int n = static_cast<int>(sizes.size());
    BatchResult result = Batch(n, size, s);
    if (on_batch) on_batch(n);
    return result;
  }

  Status Finish(long long rows_done) override {
    log.push_back(fmt::format("finish {}", rows_done));
    finished_with = rows_done;
    return Status::Ok();
  }

  Result<std::optional<ReplicaLag>> WorstReplicaLag() override {
    if (lags.empty()) return std::optional<ReplicaLag>();
    const double lag = lags.front();
    if (lags.size() > 1) lags.pop_front();
    log.push_back(fmt::format("lag {:.1f}", lag));
    return std::optional<ReplicaLag>(ReplicaLag{"standby1", lag});
  }
  Result<bool> PauseRequested() override { return pause_requested; }
  std::string Blockers() override { return blockers; }
  Status Event(const std::string& event, const std::string& detail) override {
    events.emplace_back(event, detail);
    return Status::Ok();
  }

  Clock::time_point Now() override { return now; }
  void Sleep(Millis d) override {
    log.push_back(fmt::format("sleep {}", d.count()));
    if (on_sleep) on_sleep();
    if (!stop) now += d;  // a stop wakes the sleeper at once
  }
  bool StopRequested() override { return stop; }
  std::string StopCause() override { return "signal"; }

  // Events named `event`.
  std::vector<std::string> EventDetails(const std::string& event) const {
    std::vector<std::string> out;
    for (const auto& [name, detail] : events)
      if (name == event) out.push_back(detail);
    return out;
  }

 private:
  BatchResult Batch(int n, long long size, const Resolved& s) {
    if (fail_at.count(n)) {
      log.push_back(fmt::format("fail {}", size));
      return Status::Failure("fake: SQLSTATE 23505: duplicate key");
    }
    if (auto it = timeout_at.find(n); it != timeout_at.end()) {
      log.push_back(fmt::format("timeout {}", size));
      now += s.lock_timeout;
      return BatchTimedOut{it->second, Status::Failure("fake: SQLSTATE " + it->second)};
    }
    if (position_ >= rows) return BatchDone{BatchOutcome::Finished(), false, {}};
    log.push_back(fmt::format("batch {}", size));
    const long long scanned = restart_at.count(n) ? 0 : std::min(size, rows - position_);
    now += batch_time(scanned);
    position_ += scanned;
    checkpointed += scanned;
    const BatchOutcome walk = restart_at.count(n) ? BatchOutcome::Restarted("fake: rewritten")
                                                  : BatchOutcome::Scanned(scanned, RepairOf(n));
    const auto waited = app_wait_at.find(n);
    return BatchDone{walk, pause_seen_at.count(n) > 0,
                     waited == app_wait_at.end() ? AppWait{} : waited->second};
  }

  Repair RepairOf(int n) const {
    const auto it = repair_at.find(n);
    return it == repair_at.end() ? Repair{} : it->second;
  }

  long long position_ = 0;
};

}  // namespace pgphase::exec
