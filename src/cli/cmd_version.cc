// `pgphase baseline` and `pgphase latest`: version schemas outside a migration.
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/exec.h"
#include "pgphase/sql.h"

namespace pgphase::cli {
namespace {

void AddSchemaOption(po::options_description& desc) {
  desc.add_options()("schema", po::value<std::string>()->default_value("public"),
                     "the schema whose tables the version shows");
}

}  // namespace

Status RunBaseline(const std::vector<std::string>& args) {
  po::options_description desc("baseline");
  desc.add_options()("name", po::value<std::string>()->required(), "");
  AddSchemaOption(desc);
  AddDbOption(desc);
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("baseline", args, desc, pos, vm));
  const std::string name = vm["name"].as<std::string>();
  if (name.empty()) return Status::Invalid("baseline: the name must not be empty");
  return Baseline(ResolveConninfo(vm["db"].as<std::string>()), vm["schema"].as<std::string>(), name,
                  std::cout);
}

Status RunLatest(const std::vector<std::string>& args) {
  po::options_description desc("latest");
  AddSchemaOption(desc);
  AddDbOption(desc);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("latest", args, desc, {}, vm));
  auto latest = LatestVersionSchema(ResolveConninfo(vm["db"].as<std::string>()),
                                    vm["schema"].as<std::string>());
  if (!latest.ok()) return latest.status();
  std::cout << *latest << "\n";
  return Status::Ok();
}

}  // namespace pgphase::cli
