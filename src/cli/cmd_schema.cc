// `pgphase schema`: the JSON Schema of the migration format, for editors and CI validators.
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/lint.h"
#include "pgphase/spec_reader.h"

namespace pgphase::cli {

Status RunSchema(const std::vector<std::string>& args) {
  po::options_description desc("schema");
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("schema", args, desc, {}, vm));
  std::cout << MigrationJsonSchema(LintRuleNames());
  return Status::Ok();
}

}  // namespace pgphase::cli
