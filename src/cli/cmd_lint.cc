#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"

namespace pgphase::cli {

// Checks files without a database: YAML shape, keys, types, and the lint of every `sql`
// operation's `up` and `down` (pgphase/lint.h). Expressions' columns are left to plan (it
// needs the catalog to say what columns exist). Exit 2 on an error-level finding the
// operation does not accept (unsafe_ok), or a file that does not load.
namespace {

// Prints the file's findings; false when it does not load or has a refused finding.
bool LintFile(const std::string& file) {
  auto spec = LoadSpecFile(file);
  auto found = spec.ok() ? LintSpec(*spec) : Result<std::vector<SqlLintFinding>>(spec.status());
  if (!found.ok()) {
    std::cerr << found.status().message() << "\n";
    return false;
  }
  bool refused = false;
  for (const auto& f : *found) {
    (f.Refuses() ? std::cerr : std::cout) << f.Describe() << "\n";
    refused = refused || f.Refuses();
  }
  if (!refused) std::cout << file << ": ok (" << spec->operations.size() << " operations)\n";
  return !refused;
}

}  // namespace

Status RunLint(const std::vector<std::string>& args) {
  po::options_description desc("lint");
  desc.add_options()("files", po::value<std::vector<std::string>>()->required(), "");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("lint", args, desc, pos, vm));
  auto files = ExpandSpecPaths(vm["files"].as<std::vector<std::string>>());
  if (!files.ok()) return files.status();
  bool failed = false;
  for (const auto& file : *files) failed = !LintFile(file) || failed;
  if (failed)
    return Status::Invalid(std::to_string(files->size()) +
                           " file(s) checked; see the errors above");
  return Status::Ok();
}

}  // namespace pgphase::cli
