#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/exec.h"

namespace pgphase::cli {

Status RunHistory(const std::vector<std::string>& args) {
  po::options_description desc("history");
  desc.add_options()("migration", po::value<std::string>()->required(), "")("json",
                                                                            po::bool_switch(), "");
  AddDbOption(desc);
  po::positional_options_description pos;
  pos.add("migration", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("history", args, desc, pos, vm));
  auto history = History(ResolveConninfo(vm["db"].as<std::string>()),
                         vm["migration"].as<std::string>(), vm["json"].as<bool>());
  if (!history.ok()) return history.status();
  std::cout << *history;
  return Status::Ok();
}

}  // namespace pgphase::cli
