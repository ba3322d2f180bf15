#include <algorithm>
#include <iostream>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunWait(const std::vector<std::string>& args) {
  if (WantsFleet(args)) return RunFleetCommand("wait", args);
  po::options_description desc("wait");
  desc.add_options()("migration", po::value<std::string>()->required(), "")(
      "phase", po::value<std::string>()->required(), "")(
      "timeout", po::value<std::string>()->default_value("1h"), "")(
      "interval", po::value<std::string>()->default_value("500ms"), "between looks")(
      "json", po::bool_switch(), "print the final state as `status --json` does");
  AddDbOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("wait", args, desc, pos, vm));
  auto phase = PhaseFlag(vm, "phase");
  if (!phase.ok()) return phase.status();
  WaitOptions options;
  auto timeout = DurationFlag(vm, "timeout");
  if (!timeout.ok()) return timeout.status();
  options.timeout = **timeout;
  auto interval = DurationFlag(vm, "interval");
  if (!interval.ok()) return interval.status();
  options.interval = std::max(Millis(10), **interval);
  options.json = vm["json"].as<bool>();
  return WaitForPhase(ResolveConninfo(vm["db"].as<std::string>()),
                      vm["migration"].as<std::string>(), *phase, options, std::cout);
}

}  // namespace pgphase::cli
