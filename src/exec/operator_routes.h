// The operator endpoint's routes (--metrics-addr; DESIGN "Operators"), over a LiveState
// (live.h) and what they need from the database, so tests give them fakes:
//   GET  /metrics   Prometheus text exposition of the live snapshot
//   GET  /status    the `status --json` document
//   GET  /healthz   "ok"
//   POST /throttle  hold batches; POST /resume releases them
//   POST /settings  {"batch_delay": "50ms", "target_batch_time": "100ms",
//                    "batch_size_max": 500, "max_replica_lag": "5s"}: for the next batch
//   POST /stop      stop at the next safe point (exit 5)
// Each control call is recorded in the events log of the running migration, with the
// client's address. Runs on the server's thread.
#pragma once

#include <functional>
#include <string>

#include "exec/http_server.h"
#include "exec/live.h"
#include "pgphase/status.h"

namespace pgphase::exec {

struct OperatorDeps {
  LiveState& live;
  std::function<Result<std::string>()> status_json;
  // Records an event of `migration` (pgphase.events).
  std::function<Status(const std::string& migration, const std::string& event,
                       const std::string& detail)>
      record;
  std::function<void(const std::string& cause)> stop;  // RequestStop (runner.h)
};

HttpResponse Route(const OperatorDeps& deps, const HttpRequest& req);

// The snapshot as Prometheus text exposition (format 0.0.4).
std::string RenderMetrics(const LiveSnapshot& s);

// A POST /settings body: a JSON object of the settings to change; durations as "250ms"
// or a number of milliseconds. kInvalid naming the key for anything else.
Result<SettingsOverride> ParseSettingsOverride(const std::string& body);

}  // namespace pgphase::exec
