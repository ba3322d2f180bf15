#include <iostream>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunStatus(const std::vector<std::string>& args) {
  if (WantsFleet(args)) return RunFleetCommand("status", args);
  po::options_description desc("status");
  desc.add_options()("migration", po::value<std::string>(), "")("json", po::bool_switch(), "");
  AddDbOption(desc);
  AddTenantSchemaOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("status", args, desc, pos, vm));
  std::optional<std::string> migration;
  if (vm.count("migration")) migration = vm["migration"].as<std::string>();
  if (const std::string tenant = TenantSchemaFlag(vm); !tenant.empty() && migration)
    migration = TenantMigrationName(*migration, tenant);
  auto report =
      StatusReport(ResolveConninfo(vm["db"].as<std::string>()), migration, vm["json"].as<bool>());
  if (!report.ok()) return report.status();
  std::cout << *report;
  return Status::Ok();
}

}  // namespace pgphase::cli
