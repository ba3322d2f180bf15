// The fleet's tables (cli/fleet_report.h).
#include "cli/fleet_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace pgphase::cli {
namespace {

std::string Table(const std::vector<std::vector<std::string>>& cells) {
  std::vector<size_t> widths;
  for (const auto& row : cells) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c + 1 == row.size() ? row[c] : fmt::format("{:<{}}  ", row[c], widths[c]);
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

std::string Counts(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [k, n] : counts) out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", k, n);
  return out;
}

}  // namespace

std::string RenderSummary(const std::vector<FleetRow>& rows) {
  std::vector<std::vector<std::string>> cells = {
      {"target", "status", "phases", "duration", "error"}};
  std::map<std::string, int> counts;
  for (const auto& r : rows) {
    cells.push_back({r.target, r.status, fmt::format("{}/{}", r.phases_done, r.phases_total),
                     fmt::format("{:.2f}s", r.seconds), r.error});
    ++counts[r.status];
  }
  return Table(cells) + fmt::format("{} targets: {}\n", rows.size(), Counts(counts));
}

std::string RenderFleetMetrics(const std::vector<FleetRow>& rows) {
  std::string out =
      "# TYPE pgphase_fleet_target_phases_done gauge\n"
      "# TYPE pgphase_fleet_target_phases_total gauge\n"
      "# TYPE pgphase_fleet_target_seconds gauge\n"
      "# TYPE pgphase_fleet_target_status gauge\n";
  for (const auto& r : rows) {
    std::string label;
    for (char c : r.target) label += c == '"' || c == '\\' ? std::string{'\\', c} : std::string{c};
    out +=
        fmt::format("pgphase_fleet_target_phases_done{{target=\"{}\"}} {}\n", label, r.phases_done);
    out += fmt::format("pgphase_fleet_target_phases_total{{target=\"{}\"}} {}\n", label,
                       r.phases_total);
    out += fmt::format("pgphase_fleet_target_seconds{{target=\"{}\"}} {:.3f}\n", label, r.seconds);
    out += fmt::format("pgphase_fleet_target_status{{target=\"{}\",status=\"{}\"}} 1\n", label,
                       r.status);
  }
  return out;
}

TargetState ParseTargetState(const std::string& target, const std::string& status_json,
                             std::optional<Phase> phase) {
  TargetState s;
  s.target = target;
  const auto doc = nlohmann::json::parse(status_json, nullptr, false);
  if (doc.is_discarded() || !doc.contains("migrations")) {
    s.error = "unreadable status";
    return s;
  }
  if (doc["migrations"].empty()) return s;
  const auto& m = doc["migrations"][0];
  s.migration_status = m.value("status", "");
  std::string phase_status = "pending";
  for (const auto& p : m["phases"]) {
    const std::string name = p.value("name", "");
    const std::string status = p.value("status", "");
    if (status == "done") s.last_done = name;
    if (phase && name == PhaseName(*phase)) phase_status = status;
  }
  s.reached = phase_status == "done";
  s.unreachable =
      !s.reached && (s.migration_status == "reversed" || s.migration_status == "failed" ||
                     phase_status == "failed" || phase_status == "reversed");
  return s;
}

std::string RenderFleetStatus(const std::vector<TargetState>& states) {
  std::vector<std::vector<std::string>> cells = {
      {"target", "migration", "last phase done", "error"}};
  std::map<std::string, int> by_phase;
  std::map<std::string, int> by_status;
  for (const auto& s : states) {
    const std::string last = s.last_done.empty() ? "-" : s.last_done;
    cells.push_back({s.target, s.error.empty() ? s.migration_status : "unknown", last, s.error});
    ++by_phase[s.error.empty() ? last : "unknown"];
    ++by_status[s.error.empty() ? s.migration_status : "unknown"];
  }
  return Table(cells) + fmt::format("{} targets by last phase done: {}\nby status: {}\n",
                                    states.size(), Counts(by_phase), Counts(by_status));
}

}  // namespace pgphase::cli
