// `status --fleet` and `wait --fleet`, and the fleet form of every command (cli/fleet.h).
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/fleet.h"
#include "cli/fleet_child.h"
#include "cli/fleet_report.h"
#include "cli/options.h"

namespace pgphase::cli {

namespace {

namespace asio = boost::asio;

// Every target's `status <migration> --json`, read `parallel` at a time.
std::vector<TargetState> ReadStates(const std::vector<FleetMember>& members, int parallel,
                                    const std::string& migration, std::optional<Phase> phase) {
  std::vector<TargetState> states(members.size());
  asio::thread_pool pool(std::min<size_t>(static_cast<size_t>(parallel), members.size()));
  for (size_t i = 0; i < members.size(); ++i) {
    asio::post(pool, [&, i] {
      const FleetMember& m = members[i];
      std::vector<std::string> argv = {SelfPath(), "status", migration,
                                       "--json",   "--db",   m.target.conninfo};
      if (!m.schema.empty()) argv.insert(argv.end(), {"--tenant-schema", m.schema});
      const ChildResult r = RunChild(argv);
      if (r.exit_code != 0) {
        states[i].target = m.target.name;
        states[i].error = r.LastLine();
      } else {
        states[i] = ParseTargetState(m.target.name, r.output, phase);
      }
    });
  }
  pool.join();
  return states;
}

std::string StatesJson(const std::vector<TargetState>& states) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& s : states) {
    out.push_back({{"target", s.target},
                   {"status", s.migration_status},
                   {"last_phase_done", s.last_done},
                   {"error", s.error}});
  }
  return out.dump() + "\n";
}

Status ParseStatusArgs(const std::string& command, const std::vector<std::string>& rest,
                       po::variables_map& vm) {
  po::options_description desc(command);
  desc.add_options()("migration", po::value<std::string>()->required(), "")(
      "json", po::bool_switch(), "")("phase", po::value<std::string>(), "")(
      "timeout", po::value<std::string>()->default_value("1h"), "")(
      "interval", po::value<std::string>()->default_value("500ms"), "");
  po::positional_options_description pos;
  pos.add("migration", 1);
  return ParseArgs(command, rest, desc, pos, vm);
}

Status FleetStatus(const FleetFlags& flags, const std::vector<FleetMember>& members,
                   const std::vector<std::string>& rest) {
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseStatusArgs("status", rest, vm));
  const auto states = ReadStates(members, flags.parallel, vm["migration"].as<std::string>(), {});
  std::cout << (vm["json"].as<bool>() ? StatesJson(states) : RenderFleetStatus(states))
            << std::flush;
  return Status::Ok();
}

// The wait's verdict on one look: Ok when every target reached the phase, kFailure naming
// the first that cannot, kGateNotReached while some are on their way.
Status Verdict(const std::vector<TargetState>& states, Phase phase) {
  size_t reached = 0;
  for (const auto& s : states) {
    if (s.unreachable)
      return Status::Failure(fmt::format("target {} cannot reach {}: migration is {}", s.target,
                                         PhaseName(phase), s.migration_status));
    if (s.reached) ++reached;
  }
  if (reached == states.size()) return Status::Ok();
  return Status::GateNotReached(
      fmt::format("{} of {} targets reached {}", reached, states.size(), PhaseName(phase)));
}

Status FleetWait(const FleetFlags& flags, const std::vector<FleetMember>& members,
                 const std::vector<std::string>& rest) {
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseStatusArgs("wait", rest, vm));
  if (!vm.count("phase")) return Status::Invalid("wait --fleet: --phase is required");
  auto phase = PhaseFlag(vm, "phase");
  auto timeout = DurationFlag(vm, "timeout");
  auto interval = DurationFlag(vm, "interval");
  if (!phase.ok() || !timeout.ok() || !interval.ok())
    return !phase.ok() ? phase.status() : !timeout.ok() ? timeout.status() : interval.status();
  const auto deadline = std::chrono::steady_clock::now() + **timeout;
  std::string last;
  for (;;) {
    const auto states =
        ReadStates(members, flags.parallel, vm["migration"].as<std::string>(), *phase);
    Status st = Verdict(states, *phase);
    if (st.message() != last)
      std::cout << (st.ok() ? "all targets reached " + std::string(PhaseName(*phase))
                            : st.message())
                << "\n"
                << std::flush;
    last = st.message();
    if (st.code() != ExitCode::kGateNotReached) return st;
    if (std::chrono::steady_clock::now() >= deadline) return st;
    std::this_thread::sleep_for(std::max(Millis(10), **interval));
  }
}

}  // namespace

Status RunFleetCommand(const std::string& command, std::vector<std::string> args) {
  auto flags = TakeFleetFlags(args);
  if (!flags.ok()) return flags.status();
  auto members = ResolveFleet(*flags);
  if (!members.ok()) return members.status();
  if (command == "status") return FleetStatus(*flags, *members, args);
  if (command == "wait") return FleetWait(*flags, *members, args);
  return RunFleetSteps(command, *flags, std::move(*members), args);
}

}  // namespace pgphase::cli
