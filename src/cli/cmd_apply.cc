#include <iostream>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "cli/options.h"
#include "pgphase/exec.h"
#include "pgphase/spec_reader.h"

namespace pgphase::cli {
namespace {

Status ReadThrottle(const po::variables_map& vm, Throttle& throttle) {
  for (auto [flag, target] : {std::pair{"batch-delay", &throttle.batch_delay},
                              std::pair{"max-runtime", &throttle.max_runtime},
                              std::pair{"max-replica-lag", &throttle.max_replica_lag},
                              std::pair{"max-app-wait", &throttle.max_app_wait}}) {
    auto d = DurationFlag(vm, flag);
    if (!d.ok()) return d.status();
    *target = *d;
  }
  if (vm.count("until")) throttle.until = vm["until"].as<std::string>();
  if (vm.count("workers")) throttle.workers = vm["workers"].as<int64_t>();
  return Status::Ok();
}

}  // namespace

Status RunApply(const std::vector<std::string>& args) {
  if (WantsFleet(args)) return RunFleetCommand("apply", args);
  po::options_description desc("apply");
  desc.add_options()("file", po::value<std::string>()->required(), "")(
      "through", po::value<std::string>()->default_value("swap"), "last phase to run")(
      "batch-delay", po::value<std::string>(), "")("max-runtime", po::value<std::string>(), "")(
      "max-replica-lag", po::value<std::string>(), "")("until", po::value<std::string>(), "")(
      "max-app-wait", po::value<std::string>(), "")("workers", po::value<int64_t>(), "")(
      "ignore-version-sessions", po::bool_switch(), "");
  AddDbOption(desc);
  AddPrecheckOption(desc);
  AddVersionSchemasOption(desc);
  AddLockOptions(desc);
  AddReconnectsOption(desc);
  AddOperatorOptions(desc);
  AddTenantSchemaOption(desc);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("apply", args, desc, pos, vm));

  ApplyOptions options;
  options.conninfo = ResolveConninfo(vm["db"].as<std::string>());
  auto through = PhaseFlag(vm, "through");
  if (!through.ok()) return through.status();
  options.through = *through;
  options.precheck = !vm["skip-precheck"].as<bool>();
  options.ignore_version_sessions = vm["ignore-version-sessions"].as<bool>();
  auto reconnects = ReconnectsFlag(vm, options.reconnects);
  if (!reconnects.ok()) return reconnects.status();
  options.reconnects = *reconnects;
  options.notify = NotifyCommand(vm);
  auto locks = LockOptions(vm);
  if (!locks.ok()) return locks.status();
  options.locks = *locks;
  PGPHASE_RETURN_IF_ERROR(ReadThrottle(vm, options.throttle));
  auto endpoint = StartMetrics(vm, options.conninfo);
  if (!endpoint.ok()) return endpoint.status();

  auto files = ExpandSpecPaths({vm["file"].as<std::string>()});
  if (!files.ok()) return files.status();
  // Every file is read and linted before the first is applied.
  std::vector<ChangeSpec> specs;
  for (const auto& file : *files) {
    auto spec = LoadSpecFile(file);
    if (!spec.ok()) return spec.status();
    PGPHASE_RETURN_IF_ERROR(CheckLintBeforeConnecting(*spec));
    ApplyVersionSchemasOption(vm, *spec);
    if (const std::string tenant = TenantSchemaFlag(vm); !tenant.empty()) {
      spec->settings.schema = tenant;
      spec->name = TenantMigrationName(spec->name, tenant);
    }
    specs.push_back(std::move(*spec));
  }
  for (const ChangeSpec& spec : specs) PGPHASE_RETURN_IF_ERROR(Apply(spec, options, std::cout));
  return Status::Ok();
}

}  // namespace pgphase::cli
