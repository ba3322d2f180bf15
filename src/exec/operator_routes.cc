#include "exec/operator_routes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "exec/db.h"
#include "exec/state.h"
#include "pgphase/exec.h"

namespace pgphase::exec {
namespace {

// A label value: backslash, double quote and newline escaped.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

void Family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void Backfills(std::string& out, const LiveSnapshot& s) {
  const std::string m = Label(s.migration);
  Family(out, "pgphase_backfill_rows_done", "gauge", "Rows the backfill of a table has done.");
  for (const auto& [table, p] : s.tables)
    out += fmt::format("pgphase_backfill_rows_done{{migration=\"{}\",table=\"{}\"}} {}\n", m,
                       Label(table), p.rows_done);
  // A counter by its name's rule (promtool): it only grows, from the estimate to the rows
  // found when they were more.
  Family(out, "pgphase_backfill_rows_total", "counter", "Rows the backfill of a table has to do.");
  for (const auto& [table, p] : s.tables)
    out += fmt::format("pgphase_backfill_rows_total{{migration=\"{}\",table=\"{}\"}} {}\n", m,
                       Label(table), p.rows_total);
  Family(out, "pgphase_backfill_rows_per_second", "gauge", "Rows a second of the backfill now.");
  out += fmt::format("pgphase_backfill_rows_per_second {}\n", s.rows_per_second);
  Family(out, "pgphase_backfill_batch_size", "gauge", "Size of the next backfill batch.");
  out += fmt::format("pgphase_backfill_batch_size {}\n", s.batch_size);
}

void BatchSeconds(std::string& out, const LiveSnapshot& s) {
  Family(out, "pgphase_backfill_batch_seconds", "histogram",
         "How long backfill batches took, to their commit.");
  long long cumulative = 0;
  for (size_t i = 0; i < kBatchSecondsBuckets.size(); ++i) {
    cumulative += s.batch_buckets[i];
    out += fmt::format("pgphase_backfill_batch_seconds_bucket{{le=\"{}\"}} {}\n",
                       kBatchSecondsBuckets[i], cumulative);
  }
  out += fmt::format("pgphase_backfill_batch_seconds_bucket{{le=\"+Inf\"}} {}\n", s.batches);
  out += fmt::format("pgphase_backfill_batch_seconds_sum {}\n", s.batch_seconds_sum);
  out += fmt::format("pgphase_backfill_batch_seconds_count {}\n", s.batches);
}

void Phases(std::string& out, const LiveSnapshot& s) {
  Family(out, "pgphase_phase_status", "gauge",
         "1 for the status each phase of the migration has, 0 for the others.");
  for (const auto& [phase, status] : s.phases) {
    for (const auto& [value, name] : StatusSpelling<PhaseStatus>::kNames) {
      out += fmt::format("pgphase_phase_status{{migration=\"{}\",phase=\"{}\",status=\"{}\"}} {}\n",
                         Label(s.migration), PhaseName(phase), name, name == status ? 1 : 0);
    }
  }
}

void Counters(std::string& out, const LiveSnapshot& s) {
  Family(out, "pgphase_lock_retries_total", "counter",
         "Lock or statement timeouts retried, by DDL steps and backfill batches.");
  out += fmt::format("pgphase_lock_retries_total {}\n", s.lock_retries);
  Family(out, "pgphase_app_waits_total", "counter",
         "Application sessions seen waiting on a backfill batch's row locks as it committed.");
  out += fmt::format("pgphase_app_waits_total {}\n", s.app_waits);
  Family(out, "pgphase_throttled_seconds_total", "counter",
         "Time backfill batches were held back, by reason.");
  std::map<std::string, double> reasons = {{"batch_delay", 0}, {"manual", 0}, {"replica_lag", 0}};
  for (const auto& [reason, secs] : s.throttled_seconds) reasons[reason] = secs;
  for (const auto& [reason, secs] : reasons)
    out +=
        fmt::format("pgphase_throttled_seconds_total{{reason=\"{}\"}} {}\n", Label(reason), secs);
  Family(out, "pgphase_sync_errors", "gauge",
         "Rows whose new value the sync trigger could not compute.");
  out += fmt::format("pgphase_sync_errors{{migration=\"{}\"}} {}\n", Label(s.migration),
                     s.sync_errors);
}

Result<Millis> DurationValue(const std::string& key, const nlohmann::json& v) {
  if (v.is_number_unsigned()) return Millis(v.get<long long>());
  if (v.is_string()) {
    auto d = ParseDuration(v.get<std::string>());
    if (d.ok()) return *d;
    return Status::Invalid(key + ": " + d.status().message());
  }
  return Status::Invalid(key + ": expected a duration (\"250ms\") or milliseconds");
}

// Records the change and says so; a change is made even when its record fails.
HttpResponse Control(const OperatorDeps& deps, const HttpRequest& req, const std::string& event,
                     const std::string& what) {
  const std::string migration = deps.live.Snapshot().migration;
  const std::string detail = fmt::format("{} {} from {}{}", req.method, req.target, req.peer,
                                         what.empty() ? "" : ": " + what);
  std::string note;
  if (migration.empty()) {
    note = " (not recorded: no migration has started yet)";
  } else if (Status st = deps.record(migration, event, detail); !st.ok()) {
    note = " (not recorded: " + st.message() + ")";
  }
  return {200, "text/plain; charset=utf-8", detail + note + "\n"};
}

HttpResponse Settings(const OperatorDeps& deps, const HttpRequest& req) {
  Result<SettingsOverride> change = ParseSettingsOverride(req.body);
  if (!change.ok()) return {400, "text/plain; charset=utf-8", change.status().message() + "\n"};
  deps.live.Override(*change);
  return Control(deps, req, "operator_settings", req.body);
}

HttpResponse Post(const OperatorDeps& deps, const HttpRequest& req) {
  if (req.target == "/throttle") {
    deps.live.SetThrottled(true);
    return Control(deps, req, "operator_throttle", "");
  }
  if (req.target == "/resume") {
    deps.live.SetThrottled(false);
    return Control(deps, req, "operator_resume", "");
  }
  if (req.target == "/settings") return Settings(deps, req);
  if (req.target == "/stop") {
    deps.stop(fmt::format("POST /stop from {}", req.peer));
    return Control(deps, req, "operator_stop", "");
  }
  return {404, "text/plain", "not found\n"};
}

HttpResponse Get(const OperatorDeps& deps, const HttpRequest& req) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8", RenderMetrics(deps.live.Snapshot())};
  if (path == "/healthz") return {200, "text/plain", "ok\n"};
  if (path == "/status") {
    Result<std::string> json = deps.status_json();
    if (!json.ok()) return {500, "text/plain", json.status().message() + "\n"};
    return {200, "application/json", *json};
  }
  if (path == "/throttle" || path == "/resume" || path == "/settings" || path == "/stop")
    return {405, "text/plain", "use POST\n"};
  return {404, "text/plain", "not found\n"};
}

}  // namespace

std::string RenderMetrics(const LiveSnapshot& s) {
  std::string out;
  Backfills(out, s);
  BatchSeconds(out, s);
  Phases(out, s);
  Counters(out, s);
  return out;
}

Result<SettingsOverride> ParseSettingsOverride(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || j.empty())
    return Status::Invalid("expected a JSON object of settings to change");
  SettingsOverride out;
  for (const auto& [key, v] : j.items()) {
    if (key == "batch_size_max") {
      if (!v.is_number_unsigned() || v.get<long long>() < 1)
        return Status::Invalid("batch_size_max: expected a positive integer");
      out.batch_size_max = v.get<long long>();
      continue;
    }
    auto* target = key == "batch_delay"         ? &out.batch_delay
                   : key == "target_batch_time" ? &out.target_batch_time
                   : key == "max_app_wait"      ? &out.max_app_wait
                   : key == "max_replica_lag"   ? &out.max_replica_lag
                                                : nullptr;
    if (target == nullptr)
      return Status::Invalid("unknown setting " + key +
                             " (batch_delay, target_batch_time, max_app_wait, batch_size_max, "
                             "max_replica_lag)");
    Result<Millis> d = DurationValue(key, v);
    if (!d.ok()) return d.status();
    *target = *d;
  }
  return out;
}

HttpResponse Route(const OperatorDeps& deps, const HttpRequest& req) {
  if (req.method == "GET") return Get(deps, req);
  if (req.method == "POST") return Post(deps, req);
  return {405, "text/plain", "method not allowed\n"};
}

}  // namespace pgphase::exec

namespace pgphase {
namespace {

class Endpoint final : public OperatorEndpoint {
 public:
  explicit Endpoint(std::unique_ptr<exec::HttpServer> server) : server_(std::move(server)) {}
  std::string Address() const override { return server_->address(); }

 private:
  std::unique_ptr<exec::HttpServer> server_;
};

Status RecordEvent(const std::string& conninfo, const std::string& migration,
                   const std::string& event, const std::string& detail) {
  auto conn = exec::Connect(conninfo, "pgphase operator endpoint");
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore(**conn).Event(migration, event, detail);
    return Status::Ok();
  } catch (const std::exception& e) {
    return exec::FromException(e, "recording " + event);
  }
}

}  // namespace

Result<std::unique_ptr<OperatorEndpoint>> StartOperatorEndpoint(const std::string& host_port,
                                                                const std::string& conninfo) {
  exec::OperatorDeps deps{
      exec::Live(), [conninfo] { return StatusReport(conninfo, std::nullopt, true); },
      [conninfo](const std::string& m, const std::string& e, const std::string& d) {
        return RecordEvent(conninfo, m, e, d);
      },
      exec::RequestStop};
  auto server = exec::HttpServer::Start(
      host_port, [deps](const exec::HttpRequest& req) { return exec::Route(deps, req); });
  if (!server.ok()) return server.status();
  return std::unique_ptr<OperatorEndpoint>(std::make_unique<Endpoint>(std::move(*server)));
}

// The fleet's read-only endpoint (cli/fleet_run.cc), on the same server and wrapper.
Result<std::unique_ptr<OperatorEndpoint>> StartMetricsEndpoint(
    const std::string& host_port, std::function<std::string()> metrics) {
  auto server = exec::HttpServer::Start(host_port, [metrics](const exec::HttpRequest& req) {
    exec::HttpResponse res;
    if (req.method == "GET" && req.target == "/metrics") {
      res.content_type = "text/plain; version=0.0.4";
      res.body = metrics();
    } else if (req.method == "GET" && req.target == "/healthz") {
      res.body = "ok\n";
    } else {
      res.status = 404;
      res.body = "not found\n";
    }
    return res;
  });
  if (!server.ok()) return server.status();
  return std::unique_ptr<OperatorEndpoint>(std::make_unique<Endpoint>(std::move(*server)));
}

}  // namespace pgphase
