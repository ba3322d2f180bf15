#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunReverse(const std::vector<std::string>& args) {
  po::options_description desc("reverse");
  desc.add_options()("migration", po::value<std::string>()->required(), "")(
      "to", po::value<std::string>(), "leave the migration as `apply --through PHASE` would")(
      "lock-timeout", po::value<std::string>(), "")("statement-timeout", po::value<std::string>(),
                                                    "")("lock-retries", po::value<int>(), "");
  AddDbOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("reverse", args, desc, pos, vm));
  ReverseOptions options;
  options.conninfo = ResolveConninfo(vm["db"].as<std::string>());
  if (vm.count("to")) {
    auto to = PhaseFlag(vm, "to");
    if (!to.ok()) return to.status();
    options.to = *to;
  }
  auto lt = DurationFlag(vm, "lock-timeout");
  if (!lt.ok()) return lt.status();
  options.locks.lock_timeout = *lt;
  auto stt = DurationFlag(vm, "statement-timeout");
  if (!stt.ok()) return stt.status();
  options.locks.statement_timeout = *stt;
  if (vm.count("lock-retries")) options.locks.lock_retries = vm["lock-retries"].as<int>();
  return Reverse(vm["migration"].as<std::string>(), options, std::cout);
}

}  // namespace pgphase::cli
