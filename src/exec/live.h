// LiveState: what a running apply or reverse shows an operator while it runs, and the live
// control they have over it (--metrics-addr; operator_routes.h serves it). The executor
// publishes into it; the endpoint's thread reads a copy (Snapshot) and sets the controls.
// Every method takes one mutex for a few copies and never waits on anything else, so a
// client of the endpoint can never hold up a batch. Thread-safe. One per process (Live()),
// or one per test.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exec/runner.h"

namespace pgphase::exec {

// Upper bounds (seconds) of the batch duration histogram's buckets, +Inf aside.
inline constexpr std::array<double, 11> kBatchSecondsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                0.5,   1,    2.5,   5,    10};

// One table's backfill as it stands.
struct TableProgress {
  long long rows_done = 0;
  long long rows_total = 0;
  double rows_per_second = 0;
  long long batch_size = 0;
};

struct LiveSnapshot {
  std::string migration;                              // "" before a migration starts
  std::optional<Phase> phase;                         // the phase last started
  std::string step;                                   // the step last started
  std::string throttled_by;                           // what holds batches now; "": nothing
  std::map<std::string, TableProgress> tables;        // by table, as the backfill names it
  std::vector<std::pair<Phase, std::string>> phases;  // of `migration`, in order: status
  std::array<long long, kBatchSecondsBuckets.size()> batch_buckets{};  // not cumulative
  long long batches = 0;                                               // every batch, +Inf included
  double batch_seconds_sum = 0;
  long long lock_retries = 0;  // lock timeouts retried, DDL or batch
  long long app_waits = 0;     // application sessions seen waiting on a batch as it committed
  std::map<std::string, double> throttled_seconds;  // by reason (ThrottleReason keys)
  long long sync_errors = 0;                        // rows the sync trigger could not convert
  long long batch_size = 0;                         // of the backfill running now (or last)
  double rows_per_second = 0;                       // likewise
  bool throttled = false;                           // held by POST /throttle
};

// Changes POST /settings made for the batches to come; unset: as the command resolved it.
struct SettingsOverride {
  std::optional<Millis> batch_delay;
  std::optional<Millis> target_batch_time;
  std::optional<Millis> max_app_wait;
  std::optional<long long> batch_size_max;
  std::optional<Millis> max_replica_lag;
};

class LiveState {
 public:
  // Publishing, by the executor.
  void SetMigration(const std::string& migration);
  void SetPosition(Phase phase, const std::string& step);
  void SetThrottledBy(const std::string& reason);
  void SetPhases(std::vector<std::pair<Phase, std::string>> phases, long long sync_errors);
  // A table's progress, or that of one part of a parallel backfill: the snapshot shows the
  // sum over the table's parts published since ForgetParts.
  void SetBackfill(const std::string& table, const TableProgress& progress, int part = 0);
  // Before a backfill of `table` starts: the parts of an earlier one no longer count.
  void ForgetParts(const std::string& table);
  void ObserveBatch(double seconds);
  void CountLockRetry();
  void CountAppWaits(long long sessions);
  void AddThrottled(const std::string& reason, double seconds);
  LiveSnapshot Snapshot() const;

  // Control, by the endpoint; read by the backfill loop before every batch.
  void SetThrottled(bool throttled);
  bool Throttled() const;
  void Override(const SettingsOverride& change);  // merges into the overrides so far
  // `base` with the overrides applied (batch_size_min is lowered to a smaller maximum).
  Resolved Apply(Resolved base) const;

 private:
  mutable std::mutex mu_;
  LiveSnapshot s_;
  std::map<std::string, std::map<int, TableProgress>> parts_;  // by table, by part
  SettingsOverride override_;
};

// The process's live state: what apply and reverse publish to and --metrics-addr serves.
LiveState& Live();

}  // namespace pgphase::exec
