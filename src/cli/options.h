// Shared Boost.Program_options plumbing for the command files.
#pragma once

#include <boost/program_options.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgphase/duration.h"
#include "pgphase/exec.h"
#include "pgphase/plan.h"
#include "pgphase/status.h"

namespace pgphase::cli {

namespace po = boost::program_options;

// Parses `args` against `desc` with `positional`; unknown options and surplus
// positionals are errors (ExitCode::kInvalid) naming the command.
Status ParseArgs(const std::string& command, const std::vector<std::string>& args,
                 const po::options_description& desc,
                 const po::positional_options_description& positional, po::variables_map& vm);

// Adds --db.
void AddDbOption(po::options_description& desc);
// Adds --skip-precheck (apply, plan).
void AddPrecheckOption(po::options_description& desc);
// --version-schemas, which turns the spec's settings.version_schemas on.
void AddVersionSchemasOption(po::options_description& desc);
void ApplyVersionSchemasOption(const po::variables_map& vm, ChangeSpec& spec);

// Optional duration flag: unset when absent; kInvalid naming the flag when malformed.
Result<std::optional<Millis>> DurationFlag(const po::variables_map& vm, const std::string& flag);
// --lock-timeout, --statement-timeout, --scan-timeout, --lock-retries (apply and reverse).
void AddLockOptions(po::options_description& desc);
Result<LockPolicy> LockOptions(const po::variables_map& vm);

// --reconnects N (apply, reverse): how often a lost connection is reconnected; `fallback`
// when absent, kInvalid when negative.
void AddReconnectsOption(po::options_description& desc);
Result<int> ReconnectsFlag(const po::variables_map& vm, int fallback);

// --metrics-addr HOST:PORT and --notify CMD (apply, reverse).
void AddOperatorOptions(po::options_description& desc);
std::string NotifyCommand(const po::variables_map& vm);
// Starts the endpoint --metrics-addr asks for (none when absent) and says where on stdout;
// kInvalid when the address is bad or busy, before anything else runs.
Result<std::unique_ptr<OperatorEndpoint>> StartMetrics(const po::variables_map& vm,
                                                       const std::string& conninfo);

// --tenant-schema S, which the fleet gives each target of --schemas (cli/fleet.h): the
// migration's tables live in S and its state is kept as TenantMigrationName. "" when absent.
void AddTenantSchemaOption(po::options_description& desc);
std::string TenantSchemaFlag(const po::variables_map& vm);

Result<Phase> PhaseFlag(const po::variables_map& vm, const std::string& flag);

}  // namespace pgphase::cli
