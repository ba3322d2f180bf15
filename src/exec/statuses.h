// The statuses the state store records for migrations, phases and steps, and the one place
// where each is spelt as the database stores it (pgphase.migrations.status, phases.status,
// steps.status) and as `status --json` shows it.
//
// The CHECK constraints of state schema version 1 (state.cc) list the same names; they are
// what existing databases hold, so a new status needs a new state schema version too.
// Header-only and constexpr; safe from any thread.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace pgphase::exec {

enum class MigrationStatus { kPending, kInProgress, kCompleted, kReversed, kFailed };
enum class PhaseStatus { kPending, kRunning, kDone, kFailed, kReversed };
enum class StepStatus { kPending, kRunning, kDone, kReversed };

template <class E>
struct StatusSpelling;

template <>
struct StatusSpelling<MigrationStatus> {
  static constexpr std::pair<MigrationStatus, std::string_view> kNames[] = {
      {MigrationStatus::kPending, "pending"},     {MigrationStatus::kInProgress, "in_progress"},
      {MigrationStatus::kCompleted, "completed"}, {MigrationStatus::kReversed, "reversed"},
      {MigrationStatus::kFailed, "failed"},
  };
};

template <>
struct StatusSpelling<PhaseStatus> {
  static constexpr std::pair<PhaseStatus, std::string_view> kNames[] = {
      {PhaseStatus::kPending, "pending"},   {PhaseStatus::kRunning, "running"},
      {PhaseStatus::kDone, "done"},         {PhaseStatus::kFailed, "failed"},
      {PhaseStatus::kReversed, "reversed"},
  };
};

template <>
struct StatusSpelling<StepStatus> {
  static constexpr std::pair<StepStatus, std::string_view> kNames[] = {
      {StepStatus::kPending, "pending"},
      {StepStatus::kRunning, "running"},
      {StepStatus::kDone, "done"},
      {StepStatus::kReversed, "reversed"},
  };
};

// "in_progress" for MigrationStatus::kInProgress, ...
template <class E>
constexpr std::string_view StatusName(E status) {
  for (const auto& [value, name] : StatusSpelling<E>::kNames)
    if (value == status) return name;
  return "";  // unreachable: every enumerator has a row
}

// The status spelt `name`, or nullopt.
template <class E>
constexpr std::optional<E> ParseStatus(std::string_view name) {
  for (const auto& [value, spelt] : StatusSpelling<E>::kNames)
    if (spelt == name) return value;
  return std::nullopt;
}

// The status a state-store column holds. Throws std::runtime_error for any other text,
// which the schema's CHECK constraints keep out of the table.
template <class E>
E StoredStatus(std::string_view name) {
  if (const std::optional<E> status = ParseStatus<E>(name)) return *status;
  throw std::runtime_error("state store holds an unknown status '" + std::string(name) + "'");
}

}  // namespace pgphase::exec
