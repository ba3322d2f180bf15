// `pgphase convert <file.sql>`: plain DDL as a migration file (pgphase/convert.h), on stdout.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/convert.h"

namespace pgphase::cli {

Status RunConvert(const std::vector<std::string>& args) {
  po::options_description desc("convert");
  desc.add_options()("file", po::value<std::string>()->required(), "");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("convert", args, desc, pos, vm));
  const std::string file = vm["file"].as<std::string>();
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Invalid(file + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto yaml = ConvertSql(text.str(), file);
  if (!yaml.ok()) return yaml.status();
  std::cout << *yaml;
  return Status::Ok();
}

}  // namespace pgphase::cli
