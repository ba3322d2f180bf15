#include <iostream>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunReverse(const std::vector<std::string>& args) {
  if (WantsFleet(args)) return RunFleetCommand("reverse", args);
  po::options_description desc("reverse");
  desc.add_options()("migration", po::value<std::string>()->required(), "")(
      "to", po::value<std::string>(),
      "leave the migration as `apply --through PHASE` would (expand: only until sync has run)");
  AddDbOption(desc);
  AddLockOptions(desc);
  AddReconnectsOption(desc);
  AddOperatorOptions(desc);
  AddTenantSchemaOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("reverse", args, desc, pos, vm));
  ReverseOptions options;
  options.conninfo = ResolveConninfo(vm["db"].as<std::string>());
  options.notify = NotifyCommand(vm);
  if (vm.count("to")) {
    auto to = PhaseFlag(vm, "to");
    if (!to.ok()) return to.status();
    options.to = *to;
  }
  auto reconnects = ReconnectsFlag(vm, options.reconnects);
  if (!reconnects.ok()) return reconnects.status();
  options.reconnects = *reconnects;
  auto locks = LockOptions(vm);
  if (!locks.ok()) return locks.status();
  options.locks = *locks;
  auto endpoint = StartMetrics(vm, options.conninfo);
  if (!endpoint.ok()) return endpoint.status();
  std::string migration = vm["migration"].as<std::string>();
  if (const std::string tenant = TenantSchemaFlag(vm); !tenant.empty())
    migration = TenantMigrationName(migration, tenant);
  return Reverse(migration, options, std::cout);
}

}  // namespace pgphase::cli
