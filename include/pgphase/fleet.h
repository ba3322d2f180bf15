// A fleet file: the targets one `apply --fleet` runs a migration across (README "Fleets and
// tenants"). Read by the spec module; the cli module orchestrates the runs.
//
//   targets:
//     - name: shard-01                       # optional; default: the connection string
//       db: "host=db1 dbname=app user=app"   # a libpq URL or key=value string
//       labels: {region: eu}                 # optional, string values
//       schema: tenant_07                    # optional: a tenant schema (as --schemas)
//
// Passwords never belong in the file: a connection string that carries one is refused
// (kInvalid); they come from PGPASSWORD, PGPASSFILE (~/.pgpass) or a service file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pgphase/status.h"

namespace pgphase {

struct FleetTarget {
  std::string name;
  std::string conninfo;
  std::map<std::string, std::string> labels;
  std::string schema;  // "" unless the target is one tenant schema of its database
};

// The targets of the fleet file at `path`, in file order; kInvalid naming the file for a
// YAML error, a target without `db`, an unknown key, a duplicate name or a password in a connection
// string.
Result<std::vector<FleetTarget>> LoadFleetFile(const std::string& path);

}  // namespace pgphase
