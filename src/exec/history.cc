// `pgphase history`: the events log of one migration (pgphase.events), oldest first.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "exec/db.h"
#include "exec/state.h"
#include "pgphase/exec.h"

namespace pgphase {
namespace {

struct EventRow {
  std::string at, phase, step, event, detail;
  std::optional<double> seconds;  // of a phase's end: since the phase last started running
};

std::vector<EventRow> LoadEvents(pqxx::connection& conn, const std::string& migration) {
  pqxx::read_transaction tx(conn);
  std::vector<EventRow> out;
  for (const auto& r : tx.exec_params(R"(
SELECT to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       coalesce(e.phase, ''), coalesce(e.step_id, ''), e.event, e.detail,
       CASE WHEN e.event IN ('phase_done', 'phase_failed', 'phase_reversed') THEN
         extract(epoch FROM e.at - (SELECT max(s.at) FROM pgphase.events s
                                     WHERE s.migration = e.migration AND s.phase = e.phase
                                       AND s.event = 'phase_running' AND s.id < e.id))::float8
       END
  FROM pgphase.events e
 WHERE e.migration = $1
 ORDER BY e.id
)",
                                      migration)) {
    EventRow e{r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(), {}};
    if (!r[5].is_null()) e.seconds = r[5].as<double>();
    out.push_back(std::move(e));
  }
  return out;
}

std::string RenderHistoryJson(const std::string& migration, const std::vector<EventRow>& events) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& e : events) {
    list.push_back({{"at", e.at},
                    {"phase", e.phase},
                    {"step", e.step},
                    {"event", e.event},
                    {"detail", e.detail}});
    if (e.seconds) list.back()["seconds"] = *e.seconds;
  }
  return nlohmann::ordered_json({{"migration", migration}, {"events", list}}).dump(2) + "\n";
}

std::string RenderHistoryText(const std::vector<EventRow>& events) {
  std::string out;
  for (const auto& e : events) {
    std::string where = e.phase;
    if (!e.step.empty()) where += (where.empty() ? "" : " ") + e.step;
    // A detail may span lines (who blocked a lock): indent the rest under it.
    std::string detail = e.detail;
    for (size_t at = 0; (at = detail.find('\n', at)) != std::string::npos; at += 5)
      detail.replace(at, 1, "\n    ");
    if (e.seconds) detail += fmt::format("{}took {:.3f}s", detail.empty() ? "" : "; ", *e.seconds);
    out += fmt::format("{}  {:<22} {:<20} {}\n", e.at, where, e.event, detail);
  }
  return out;
}

}  // namespace

Result<std::string> History(const std::string& conninfo, const std::string& migration, bool json) {
  auto conn = exec::Connect(conninfo, "pgphase history " + migration);
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    if (!store.Exists() || !store.LoadMigration(migration))
      return Status::Invalid("no migration named " + migration + " has been applied");
    const std::vector<EventRow> events = LoadEvents(**conn, migration);
    return json ? RenderHistoryJson(migration, events) : RenderHistoryText(events);
  } catch (const std::exception& e) {
    return exec::FromException(e, "reading the history of " + migration);
  }
}

}  // namespace pgphase
