// `apply` and `reverse` across a fleet (cli/fleet.h): a Boost.Asio thread pool bounds how
// many targets run at once, a strand on a pool of its own writes the lines, so a slow target
// never holds up another's output.
#include <fmt/format.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>

#include "cli/fleet.h"
#include "cli/fleet_child.h"
#include "cli/fleet_report.h"
#include "pgphase/exec.h"
#include "pgphase/plan.h"

namespace pgphase::cli {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr int kBusyWaitMs = 120'000;

// One child run of a target: "expand" with its arguments, or "reverse".
struct Step {
  std::string label;
  std::vector<std::string> argv;
};

class FleetRunner {
 public:
  FleetRunner(const FleetFlags& flags, std::vector<FleetMember> members,
              std::vector<std::vector<Step>> steps)
      : flags_(flags), members_(std::move(members)), steps_(std::move(steps)) {
    for (const auto& m : members_) {
      FleetRow row;
      row.target = m.target.name;
      rows_.push_back(row);
      database_turns_.try_emplace(m.target.conninfo);
    }
  }

  Status Run() {
    const size_t canaries = std::min(static_cast<size_t>(flags_.canary), members_.size());
    auto endpoint = StartEndpoint();
    if (!endpoint.ok()) return endpoint.status();
    RunRange(0, canaries);
    // A failed canary stops the fleet whatever the failure mode: that is what it is for.
    if (canaries > 0 && first_failure_.code() != ExitCode::kOk) halted_ = true;
    RunRange(canaries, members_.size());
    out_pool_.join();
    std::cout << RenderSummary(Rows()) << std::flush;
    return first_failure_;
  }

 private:
  // --metrics-addr: the fleet's own series, each labelled with its target.
  Result<std::unique_ptr<OperatorEndpoint>> StartEndpoint() {
    if (flags_.metrics_addr.empty()) return std::unique_ptr<OperatorEndpoint>();
    auto endpoint =
        StartMetricsEndpoint(flags_.metrics_addr, [this] { return RenderFleetMetrics(Rows()); });
    if (endpoint.ok())
      std::cout << fmt::format("metrics: http://{}/metrics\n", (*endpoint)->Address())
                << std::flush;
    return endpoint;
  }

  std::vector<FleetRow> Rows() {
    const std::lock_guard<std::mutex> lock(rows_mu_);
    return rows_;
  }
  void Publish(size_t i, const FleetRow& row) {
    const std::lock_guard<std::mutex> lock(rows_mu_);
    rows_[i] = row;
  }

  void RunRange(size_t begin, size_t end) {
    if (begin >= end) return;
    asio::thread_pool pool(std::min<size_t>(static_cast<size_t>(flags_.parallel), end - begin));
    for (size_t i = begin; i < end; ++i) asio::post(pool, [this, i] { RunTarget(i); });
    pool.join();
  }

  void RunTarget(size_t i) {
    FleetRow row = Rows()[i];
    row.phases_total = static_cast<int>(steps_[i].size());
    const auto start = Clock::now();
    row.status = "done";
    for (const Step& step : steps_[i]) {
      if (halted_) {
        row.status = row.phases_done == 0 ? "not started" : "halted";
        break;
      }
      row.status = "running";
      Publish(i, row);
      if (!RunStep(row, step, database_turns_.at(members_[i].target.conninfo))) break;
      row.status = "done";
      row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      Publish(i, row);
    }
    row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    Publish(i, row);
  }

  // False when the step failed (the row says how). Targets of one database (tenants) take
  // turns on `turn`: they would only meet on its executor lock (exit 4, retried for at most
  // kBusyWaitMs, shorter than a tenant's backfill may take).
  bool RunStep(FleetRow& row, const Step& step, std::mutex& turn) {
    const std::lock_guard<std::mutex> database(turn);
    const auto start = Clock::now();
    const ChildResult r = RunChildRetryingBusy(step.argv, kBusyWaitMs);
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (r.exit_code == 0) {
      ++row.phases_done;
      Emit(fmt::format("{}: {} done ({:.2f}s)", row.target, step.label, secs));
      return true;
    }
    row.status = r.exit_code == static_cast<int>(ExitCode::kStopped) ? "stopped" : "failed";
    row.error = r.LastLine();
    row.exit_code = r.exit_code;
    Emit(fmt::format("{}: {} {} (exit {}, {:.2f}s): {}", row.target, step.label, row.status,
                     r.exit_code, secs, row.error));
    RecordFailure(row);
    return false;
  }

  void RecordFailure(const FleetRow& row) {
    const std::lock_guard<std::mutex> lock(mu_);
    if (first_failure_.ok()) {
      const int code = row.exit_code > 5 ? 1 : row.exit_code;
      first_failure_ = Status(static_cast<ExitCode>(code),
                              fmt::format("target {} failed: {}", row.target, row.error));
    }
    if (flags_.halt_on_failure) halted_ = true;
  }

  void Emit(std::string line) {
    asio::post(out_strand_, [line = std::move(line)] { std::cout << line << "\n" << std::flush; });
  }

  FleetFlags flags_;
  std::vector<FleetMember> members_;
  std::vector<std::vector<Step>> steps_;
  std::vector<FleetRow> rows_;
  std::atomic<bool> halted_{false};
  std::mutex mu_;
  std::map<std::string, std::mutex> database_turns_;  // by conninfo: RunStep's turns
  std::mutex rows_mu_;  // rows_, read by the metrics endpoint's thread
  Status first_failure_;
  asio::thread_pool out_pool_{1};
  asio::strand<asio::thread_pool::executor_type> out_strand_{out_pool_.get_executor()};
};

// The arguments every target's child gets: `command`, what the fleet flags left, its
// database and, for a tenant, its schema.
std::vector<std::string> BaseArgv(const std::string& command, const std::vector<std::string>& rest,
                                  const FleetMember& m) {
  std::vector<std::string> argv = {SelfPath(), command};
  argv.insert(argv.end(), rest.begin(), rest.end());
  argv.insert(argv.end(), {"--db", m.target.conninfo});
  if (!m.schema.empty()) argv.insert(argv.end(), {"--tenant-schema", m.schema});
  return argv;
}

// apply: one child per phase up to --through, so that a halt lets running targets finish
// the phase they are in and start no other.
Result<std::vector<Step>> ApplySteps(std::vector<std::string> rest, const FleetMember& m) {
  bool missing = false;
  std::string through = TakeValueFlag(rest, "--through", missing);
  if (missing) return Status::Invalid("--through: needs a value");
  if (through.empty()) through = "swap";
  const std::optional<Phase> last = ParsePhase(through);
  if (!last) return Status::Invalid("--through: unknown phase " + through);
  std::vector<Step> steps;
  for (Phase p : kAllPhases) {
    if (PhaseIndex(p) > PhaseIndex(*last)) break;
    std::vector<std::string> argv = BaseArgv("apply", rest, m);
    argv.insert(argv.end(), {"--through", std::string(PhaseName(p))});
    steps.push_back({std::string(PhaseName(p)), std::move(argv)});
  }
  return steps;
}

}  // namespace

Status RunFleetSteps(const std::string& command, const FleetFlags& flags,
                     std::vector<FleetMember> members, const std::vector<std::string>& rest) {
  std::vector<std::vector<Step>> steps;
  for (const auto& m : members) {
    if (command == "apply") {
      auto s = ApplySteps(rest, m);
      if (!s.ok()) return s.status();
      steps.push_back(std::move(*s));
    } else {
      steps.push_back({{"reverse", BaseArgv(command, rest, m)}});
    }
  }
  return FleetRunner(flags, std::move(members), std::move(steps)).Run();
}

}  // namespace pgphase::cli
