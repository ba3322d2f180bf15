// Fleet flags and targets (cli/fleet.h).
#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

bool WantsFleet(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--fleet" || a.rfind("--fleet=", 0) == 0 || a == "--schemas" ||
           a.rfind("--schemas=", 0) == 0;
  });
}

std::string TakeValueFlag(std::vector<std::string>& args, const std::string& name, bool& missing) {
  std::string value;
  for (size_t i = 0; i < args.size();) {
    if (args[i] == name) {
      if (i + 1 >= args.size()) {
        missing = true;
        args.erase(args.begin() + static_cast<long>(i));
        continue;
      }
      value = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
    } else if (args[i].rfind(name + "=", 0) == 0) {
      value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
  return value;
}

namespace {

bool TakeSwitch(std::vector<std::string>& args, const std::string& name) {
  const auto it = std::remove(args.begin(), args.end(), name);
  const bool found = it != args.end();
  args.erase(it, args.end());
  return found;
}

Result<int> IntFlag(std::vector<std::string>& args, const std::string& name, int fallback,
                    int min) {
  bool missing = false;
  const std::string v = TakeValueFlag(args, name, missing);
  if (missing) return Status::Invalid(name + ": needs a value");
  if (v.empty()) return fallback;
  try {
    size_t used = 0;
    const int n = std::stoi(v, &used);
    if (used == v.size() && n >= min) return n;
  } catch (const std::exception&) {
  }
  return Status::Invalid(fmt::format("{}: expected a whole number >= {}, got '{}'", name, min, v));
}

}  // namespace

Result<FleetFlags> TakeFleetFlags(std::vector<std::string>& args) {
  FleetFlags f;
  bool missing = false;
  f.fleet_file = TakeValueFlag(args, "--fleet", missing);
  f.schemas = TakeValueFlag(args, "--schemas", missing);
  f.db = TakeValueFlag(args, "--db", missing);
  if (missing) return Status::Invalid("--fleet, --schemas and --db need a value");
  if (f.fleet_file.empty() == f.schemas.empty())
    return Status::Invalid("give one of --fleet FILE and --schemas PATTERN");
  if (!f.fleet_file.empty() && !f.db.empty())
    return Status::Invalid("--db: the fleet file names the databases; drop --db or --fleet");
  auto parallel = IntFlag(args, "--parallel", 4, 1);
  if (!parallel.ok()) return parallel.status();
  f.parallel = *parallel;
  auto canary = IntFlag(args, "--canary", 0, 0);
  if (!canary.ok()) return canary.status();
  f.canary = *canary;
  const bool halt = TakeSwitch(args, "--halt-on-failure");
  const bool cont = TakeSwitch(args, "--continue-on-failure");
  if (halt && cont) return Status::Invalid("--halt-on-failure and --continue-on-failure conflict");
  f.halt_on_failure = !cont;
  f.metrics_addr = TakeValueFlag(args, "--metrics-addr", missing);
  if (missing) return Status::Invalid("--metrics-addr: needs a value");
  return f;
}

std::string TenantMigrationName(const std::string& migration, const std::string& schema) {
  return migration + "__" + schema;
}

Result<std::vector<FleetMember>> ResolveFleet(const FleetFlags& flags) {
  std::vector<FleetMember> out;
  if (!flags.fleet_file.empty()) {
    auto targets = LoadFleetFile(flags.fleet_file);
    if (!targets.ok()) return targets.status();
    for (auto& t : *targets) {
      std::string schema = t.schema;
      out.push_back({std::move(t), std::move(schema)});
    }
    return out;
  }
  const std::string conninfo = ResolveConninfo(flags.db);
  auto schemas = ListSchemas(conninfo);
  if (!schemas.ok()) return schemas.status();
  for (const auto& s : *schemas) {
    if (fnmatch(flags.schemas.c_str(), s.c_str(), 0) == 0)
      out.push_back({FleetTarget{s, conninfo, {}, s}, s});
  }
  if (out.empty())
    return Status::Invalid(fmt::format("--schemas {}: no schema matches", flags.schemas));
  return out;
}

}  // namespace pgphase::cli
