#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/spec_reader.h"

namespace pgphase::cli {

// Checks files without a database: YAML shape, keys, types, expressions' syntax is
// left to plan (it needs the catalog to say what columns exist).
Status RunLint(const std::vector<std::string>& args) {
  po::options_description desc("lint");
  desc.add_options()("files", po::value<std::vector<std::string>>()->required(), "");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("lint", args, desc, pos, vm));
  auto files = ExpandSpecPaths(vm["files"].as<std::vector<std::string>>());
  if (!files.ok()) return files.status();
  Status first;
  for (const auto& file : *files) {
    auto spec = LoadSpecFile(file);
    if (spec.ok()) {
      std::cout << file << ": ok (" << spec->operations.size() << " operations)\n";
    } else {
      std::cerr << spec.status().message() << "\n";
      if (first.ok())
        first = Status::Invalid(std::to_string(files->size()) +
                                " file(s) checked; "
                                "see the errors above");
    }
  }
  return first;
}

}  // namespace pgphase::cli
