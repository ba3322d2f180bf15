#include "exec/live.h"

#include <algorithm>

#include "pgphase/exec.h"

namespace pgphase::exec {

void LiveState::SetMigration(const std::string& migration) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (s_.migration != migration) {
    s_.tables.clear();
    parts_.clear();
  }
  s_.migration = migration;
}

void LiveState::SetPosition(Phase phase, const std::string& step) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.phase = phase;
  s_.step = step;
}

void LiveState::SetThrottledBy(const std::string& reason) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.throttled_by = reason;
}

void LiveState::SetPhases(std::vector<std::pair<Phase, std::string>> phases,
                          long long sync_errors) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.phases = std::move(phases);
  s_.sync_errors = sync_errors;
}

void LiveState::SetBackfill(const std::string& table, const TableProgress& progress, int part) {
  const std::lock_guard<std::mutex> lock(mu_);
  std::map<int, TableProgress>& parts = parts_[table];
  parts[part] = progress;
  TableProgress sum;
  for (const auto& [_, p] : parts) {
    sum.rows_done += p.rows_done;
    sum.rows_total += p.rows_total;
    sum.rows_per_second += p.rows_per_second;
    sum.batch_size += p.batch_size;
  }
  s_.tables[table] = sum;
  s_.batch_size = sum.batch_size;
  s_.rows_per_second = sum.rows_per_second;
}

void LiveState::ForgetParts(const std::string& table) {
  const std::lock_guard<std::mutex> lock(mu_);
  parts_.erase(table);
}

void LiveState::ObserveBatch(double seconds) {
  const std::lock_guard<std::mutex> lock(mu_);
  ++s_.batches;
  s_.batch_seconds_sum += seconds;
  for (size_t i = 0; i < kBatchSecondsBuckets.size(); ++i) {
    if (seconds <= kBatchSecondsBuckets[i]) {
      ++s_.batch_buckets[i];
      break;
    }
  }
}

void LiveState::CountLockRetry() {
  const std::lock_guard<std::mutex> lock(mu_);
  ++s_.lock_retries;
}

void LiveState::CountAppWaits(long long sessions) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.app_waits += sessions;
}

void LiveState::AddThrottled(const std::string& reason, double seconds) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.throttled_seconds[reason] += seconds;
}

LiveSnapshot LiveState::Snapshot() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return s_;
}

void LiveState::SetThrottled(bool throttled) {
  const std::lock_guard<std::mutex> lock(mu_);
  s_.throttled = throttled;
}

bool LiveState::Throttled() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return s_.throttled;
}

void LiveState::Override(const SettingsOverride& change) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (change.batch_delay) override_.batch_delay = change.batch_delay;
  if (change.target_batch_time) override_.target_batch_time = change.target_batch_time;
  if (change.max_app_wait) override_.max_app_wait = change.max_app_wait;
  if (change.batch_size_max) override_.batch_size_max = change.batch_size_max;
  if (change.max_replica_lag) override_.max_replica_lag = change.max_replica_lag;
}

Resolved LiveState::Apply(Resolved base) const {
  const std::lock_guard<std::mutex> lock(mu_);
  if (override_.batch_delay) base.batch_delay = *override_.batch_delay;
  if (override_.target_batch_time) base.target_batch_time = *override_.target_batch_time;
  if (override_.max_app_wait) base.max_app_wait = *override_.max_app_wait;
  if (override_.batch_size_max) {
    base.batch_size_max = *override_.batch_size_max;
    base.batch_size_min = std::min(base.batch_size_min, base.batch_size_max);
  }
  if (override_.max_replica_lag) base.max_replica_lag = *override_.max_replica_lag;
  return base;
}

LiveState& Live() {
  static LiveState live;
  return live;
}

}  // namespace pgphase::exec

namespace pgphase {

LiveContext CurrentLiveContext() {
  const exec::LiveSnapshot s = exec::Live().Snapshot();
  LiveContext c;
  c.migration = s.migration;
  if (s.phase) c.phase = PhaseName(*s.phase);
  c.step = s.step;
  c.backfill = !s.tables.empty();
  for (const auto& [table, p] : s.tables) {
    c.rows_done += p.rows_done;
    c.rows_total += p.rows_total;
  }
  c.batch_size = s.batch_size;
  c.rows_per_second = s.rows_per_second;
  c.throttled_by = s.throttled_by;
  return c;
}

}  // namespace pgphase
