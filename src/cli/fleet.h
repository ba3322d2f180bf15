// Fleets and tenants (README "Fleets and tenants"): one migration across many targets.
// `apply`, `reverse`, `status` and `wait` take --fleet FILE or --schemas PATTERN and then run
// as a fleet; Asio stays in the .cc files.
#pragma once

#include <string>
#include <vector>

#include "pgphase/fleet.h"
#include "pgphase/status.h"

namespace pgphase::cli {

// A target of one fleet run: a database, and for --schemas the tenant schema in it.
struct FleetMember {
  FleetTarget target;
  std::string schema;  // "" for a --fleet target
};

// The fleet flags, taken out of a command's arguments; what remains goes to every target.
struct FleetFlags {
  std::string fleet_file;
  std::string schemas;  // glob pattern (fnmatch), with --db naming the database
  std::string db;
  int parallel = 4;
  int canary = 0;
  bool halt_on_failure = true;
  std::string metrics_addr;  // the fleet's /metrics (cli/fleet_run.cc), "" for none
};

// True when `args` ask for a fleet run (--fleet or --schemas).
bool WantsFleet(const std::vector<std::string>& args);

// Takes the fleet flags out of `args`; kInvalid for a malformed or contradictory one.
Result<FleetFlags> TakeFleetFlags(std::vector<std::string>& args);

// Takes `--name VALUE` or `--name=VALUE` out of `args`; "" when absent, `missing` set when
// the flag is there without a value.
std::string TakeValueFlag(std::vector<std::string>& args, const std::string& name, bool& missing);

// The fleet file's targets, or the schemas of --db matching --schemas.
Result<std::vector<FleetMember>> ResolveFleet(const FleetFlags& flags);

// The migration name a tenant's run is recorded under in its database's state:
// "<migration>__<schema>", so that each tenant resumes and reverses on its own.
std::string TenantMigrationName(const std::string& migration, const std::string& schema);

// apply or reverse across `members` with `rest` passed to each target (cli/fleet_run.cc).
Status RunFleetSteps(const std::string& command, const FleetFlags& flags,
                     std::vector<FleetMember> members, const std::vector<std::string>& rest);

// The fleet forms of the commands (`command` is "apply", "reverse", "status" or "wait").
Status RunFleetCommand(const std::string& command, std::vector<std::string> args);

}  // namespace pgphase::cli
