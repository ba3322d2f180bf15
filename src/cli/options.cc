#include "cli/options.h"

#include <fmt/format.h>

#include <iostream>

namespace pgphase::cli {

Status ParseArgs(const std::string& command, const std::vector<std::string>& args,
                 const po::options_description& desc,
                 const po::positional_options_description& positional, po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
    return Status::Ok();
  } catch (const po::error& e) {
    return Status::Invalid(
        fmt::format("{}: {} (see `pgphase {} --help`)", command, e.what(), command));
  }
}

void AddDbOption(po::options_description& desc) {
  desc.add_options()("db", po::value<std::string>()->default_value(""),
                     "libpq URL or key=value string (default: $PGPHASE_DB, then PG* variables)");
}

void AddTenantSchemaOption(po::options_description& desc) {
  desc.add_options()("tenant-schema", po::value<std::string>()->default_value(""),
                     "the tenant schema a --schemas fleet runs this target in");
}

std::string TenantSchemaFlag(const po::variables_map& vm) {
  return vm["tenant-schema"].as<std::string>();
}

void AddPrecheckOption(po::options_description& desc) {
  desc.add_options()("skip-precheck", po::bool_switch(),
                     "do not evaluate the expressions over the existing rows before expand");
}

void AddReconnectsOption(po::options_description& desc) {
  desc.add_options()("reconnects", po::value<int>(),
                     "reconnect a lost connection this many times, with backoff");
}

Result<int> ReconnectsFlag(const po::variables_map& vm, int fallback) {
  if (!vm.count("reconnects")) return fallback;
  const int n = vm["reconnects"].as<int>();
  if (n < 0) return Status::Invalid("--reconnects: must be >= 0");
  return n;
}

void AddVersionSchemasOption(po::options_description& desc) {
  desc.add_options()("version-schemas", po::bool_switch(),
                     "give each application version a schema of views of its own shape (as the "
                     "setting version_schemas: true)");
}

void ApplyVersionSchemasOption(const po::variables_map& vm, ChangeSpec& spec) {
  if (vm["version-schemas"].as<bool>()) spec.settings.version_schemas = true;
}

Result<std::optional<Millis>> DurationFlag(const po::variables_map& vm, const std::string& flag) {
  if (!vm.count(flag)) return std::optional<Millis>();
  auto d = ParseDuration(vm[flag].as<std::string>());
  if (!d.ok()) return Status::Invalid("--" + flag + ": " + d.status().message());
  return std::optional<Millis>(*d);
}

void AddLockOptions(po::options_description& desc) {
  desc.add_options()("lock-timeout", po::value<std::string>(), "")(
      "statement-timeout", po::value<std::string>(), "")("scan-timeout", po::value<std::string>(),
                                                         "")("lock-retries", po::value<int>(), "");
}

Result<LockPolicy> LockOptions(const po::variables_map& vm) {
  LockPolicy locks;
  auto lock_timeout = DurationFlag(vm, "lock-timeout");
  if (!lock_timeout.ok()) return lock_timeout.status();
  locks.lock_timeout = *lock_timeout;
  auto statement_timeout = DurationFlag(vm, "statement-timeout");
  if (!statement_timeout.ok()) return statement_timeout.status();
  locks.statement_timeout = *statement_timeout;
  auto scan_timeout = DurationFlag(vm, "scan-timeout");
  if (!scan_timeout.ok()) return scan_timeout.status();
  locks.scan_timeout = *scan_timeout;
  if (vm.count("lock-retries")) {
    if (vm["lock-retries"].as<int>() < 0) return Status::Invalid("--lock-retries: must be >= 0");
    locks.lock_retries = vm["lock-retries"].as<int>();
  }
  return locks;
}

void AddOperatorOptions(po::options_description& desc) {
  desc.add_options()("metrics-addr", po::value<std::string>(),
                     "serve /metrics, /status, /healthz and live control on HOST:PORT "
                     "(loopback unless a host is given)")(
      "notify", po::value<std::string>()->default_value(""),
      "run CMD (sh -c) after each phase finishes or fails, with PGPHASE_MIGRATION, "
      "PGPHASE_PHASE, PGPHASE_STATUS and PGPHASE_DB set");
}

std::string NotifyCommand(const po::variables_map& vm) { return vm["notify"].as<std::string>(); }

Result<std::unique_ptr<OperatorEndpoint>> StartMetrics(const po::variables_map& vm,
                                                       const std::string& conninfo) {
  if (!vm.count("metrics-addr")) return std::unique_ptr<OperatorEndpoint>();
  auto endpoint = StartOperatorEndpoint(vm["metrics-addr"].as<std::string>(), conninfo);
  if (!endpoint.ok()) return endpoint.status();
  std::cout << fmt::format("metrics: http://{}/metrics\n", (*endpoint)->Address()) << std::flush;
  return endpoint;
}

Result<Phase> PhaseFlag(const po::variables_map& vm, const std::string& flag) {
  const std::string name = vm[flag].as<std::string>();
  auto phase = ParsePhase(name);
  if (!phase) {
    return Status::Invalid(fmt::format(
        "--{}: unknown phase '{}' (expand, sync, backfill, validate, swap, contract)", flag, name));
  }
  return *phase;
}

}  // namespace pgphase::cli
