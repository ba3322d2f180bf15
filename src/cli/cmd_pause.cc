#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunPause(const std::vector<std::string>& args) {
  po::options_description desc("pause");
  desc.add_options()("migration", po::value<std::string>()->required(), "");
  AddDbOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("pause", args, desc, pos, vm));
  const std::string migration = vm["migration"].as<std::string>();
  PGPHASE_RETURN_IF_ERROR(RequestPause(ResolveConninfo(vm["db"].as<std::string>()), migration));
  std::cout << "pause requested: a running apply of " << migration
            << " stops at its next safe point (exit 5); `pgphase apply` resumes it\n";
  return Status::Ok();
}

}  // namespace pgphase::cli
