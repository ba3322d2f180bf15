// PlanAgainstSchemaFile: `plan --schema FILE`, the catalog read from a file (exec.h).
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "pgphase/exec.h"
#include "pgphase/schema_file.h"

namespace pgphase {
namespace {

// What pg_proc would say of `f` for a session whose search_path is the default one
// (pg_catalog, then public): the least stable of the functions the name finds.
std::optional<Volatility> Lookup(const SchemaFile& file, const FunctionName& f) {
  std::optional<Volatility> out;
  auto take = [&](std::optional<Volatility> v) {
    if (v && (!out || *v > *out)) out = v;
  };
  auto in_file = [&](const std::string& schema) -> std::optional<Volatility> {
    auto it = file.functions.find(FunctionName{schema, f.name});
    if (it == file.functions.end()) return std::nullopt;
    return it->second;
  };
  if (f.schema.empty() || f.schema == "pg_catalog") take(BuiltinVolatility(f.name));
  take(in_file(f.schema.empty() ? "public" : f.schema));
  return out;
}

PlanOptions OptionsWithoutServer(const ChangeSpec& spec, const SchemaFile& file,
                                 std::vector<std::string>& warnings) {
  PlanOptions options;
  options.version_schemas = spec.settings.version_schemas.value_or(false);
  if (options.version_schemas)
    warnings.push_back(
        "version schemas: the newest one before this migration is in pgphase's state, which a "
        "schema file does not hold; the plan drops none");
  for (const FunctionName& f : CalledFunctions(spec)) {
    if (std::optional<Volatility> v = Lookup(file, f)) {
      options.function_volatility[f] = *v;
    } else {
      warnings.push_back(fmt::format(
          "function {}: neither built in nor created by the schema file; taken as VOLATILE",
          f.Display()));
    }
  }
  for (const CheckProbe& probe : CarriedCheckProbes(spec, file.catalog))
    warnings.push_back(
        "check " + probe.key +
        ": whether it can be written for the new type takes a server; assumed it can");
  for (const CheckProbe& probe : CarriedDefaultProbes(spec, file.catalog))
    warnings.push_back("default of " + probe.key +
                       ": whether the new type takes it takes a server; assumed it does not");
  for (const CheckProbe& probe : CarriedForeignKeyProbes(spec, file.catalog))
    warnings.push_back("foreign key " + probe.key +
                       ": whether the new type can have it takes a server; assumed it cannot");
  return options;
}

}  // namespace

Result<Plan> PlanAgainstSchemaFile(const ChangeSpec& spec, const std::string& schema_file,
                                   std::vector<std::string>& warnings) {
  std::ifstream in(schema_file, std::ios::binary);
  if (!in) return Status::Invalid("--schema: cannot read " + schema_file);
  std::ostringstream text;
  text << in.rdbuf();
  Result<SchemaFile> file = ReadSchemaFile(text.str(), schema_file, {spec.settings.schema});
  if (!file.ok()) return file.status();
  warnings = file->warnings;
  const PlanOptions options = OptionsWithoutServer(spec, *file, warnings);
  return BuildPlan(spec, file->catalog, options);
}

}  // namespace pgphase
