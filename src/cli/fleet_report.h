// What a fleet run prints (cli/fleet.h): the summary table of `apply`/`reverse`, and the
// table and counts of `status --fleet` read from each target's `status --json`. No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pgphase/plan.h"
#include "pgphase/status.h"

namespace pgphase::cli {

// One target of an apply or reverse across the fleet.
struct FleetRow {
  std::string target;
  std::string status = "not started";  // running, done, failed, stopped, halted, not started
  int phases_done = 0;
  int phases_total = 0;
  double seconds = 0;
  std::string error;
  int exit_code = 0;
};

// "target  status  phases  duration  error" with one row each, then the counts by status.
std::string RenderSummary(const std::vector<FleetRow>& rows);

// Prometheus text of the fleet's progress, every series labelled with its target:
// pgphase_fleet_target_phases_done, _phases_total, _seconds and _status (label `status`: 1
// for the one it has).
std::string RenderFleetMetrics(const std::vector<FleetRow>& rows);

// Where one target's migration is, from its `status <migration> --json`.
struct TargetState {
  std::string target;
  std::string migration_status = "not registered";  // or pending, in_progress, ...
  std::string last_done;                            // the furthest phase done, "" for none
  std::string error;                                // the target could not be read
  bool reached = false;                             // the phase asked about is done
  bool unreachable = false;  // it cannot be done without an operator (as `wait` says)
};

// Parses `status_json` for `phase` (the wait's phase; unset: none). A malformed document is
// the state's error.
TargetState ParseTargetState(const std::string& target, const std::string& status_json,
                             std::optional<Phase> phase);

// The table of `status --fleet`: a row per target, then how many targets stand at each
// phase ("swap: 3") and at each migration status.
std::string RenderFleetStatus(const std::vector<TargetState>& states);

}  // namespace pgphase::cli
