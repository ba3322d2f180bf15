#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "pgphase/exec.h"
#include "pgphase/spec_reader.h"

namespace pgphase::cli {
namespace {

// From --schema FILE when given (its warnings on stderr), else from the database.
Result<Plan> PlanFor(const ChangeSpec& spec, const po::variables_map& vm,
                     const std::string& conninfo) {
  const std::string& schema_file = vm["schema"].as<std::string>();
  if (schema_file.empty())
    return PlanAgainstDatabase(spec, conninfo, !vm["skip-precheck"].as<bool>());
  std::vector<std::string> warnings;
  Result<Plan> plan = PlanAgainstSchemaFile(spec, schema_file, warnings);
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
  return plan;
}

}  // namespace

Status RunPlan(const std::vector<std::string>& args) {
  po::options_description desc("plan");
  desc.add_options()("files", po::value<std::vector<std::string>>()->required(), "")(
      "format", po::value<std::string>()->default_value("text"), "text, sql or json")(
      "reverse", po::bool_switch(), "with --format sql: the script of the reverse steps")(
      "schema", po::value<std::string>()->default_value(""),
      "plan against this schema file (pg_dump --schema-only output) instead of --db");
  AddDbOption(desc);
  AddPrecheckOption(desc);
  AddVersionSchemasOption(desc);
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("plan", args, desc, pos, vm));
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "sql" && format != "json")
    return Status::Invalid("--format: expected text, sql or json, got '" + format + "'");
  if (vm["reverse"].as<bool>() && format != "sql")
    return Status::Invalid("--reverse: only with --format sql");
  if (!vm["schema"].as<std::string>().empty() && !vm["db"].as<std::string>().empty())
    return Status::Invalid("--schema and --db: plan against one of them");
  auto files = ExpandSpecPaths(vm["files"].as<std::vector<std::string>>());
  if (!files.ok()) return files.status();
  const std::string conninfo = ResolveConninfo(vm["db"].as<std::string>());
  for (const auto& file : *files) {
    auto spec = LoadSpecFile(file);
    if (!spec.ok()) return spec.status();
    PGPHASE_RETURN_IF_ERROR(CheckLintBeforeConnecting(*spec));
    ApplyVersionSchemasOption(vm, *spec);
    auto plan = PlanFor(*spec, vm, conninfo);
    if (!plan.ok()) return plan.status();
    auto script = ScriptSettings(*spec);
    if (!script.ok()) return script.status();
    script->reverse = vm["reverse"].as<bool>();
    if (format == "json")
      std::cout << PlanToJson(*plan) << "\n";
    else if (format == "sql")
      std::cout << RenderPlanSql(*plan, *script);
    else
      std::cout << RenderPlanText(*plan);
  }
  return Status::Ok();
}

}  // namespace pgphase::cli
