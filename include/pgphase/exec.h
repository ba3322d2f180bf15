// The executor: runs stored plans against a database and keeps state in schema
// `pgphase` of that database (DESIGN "State", "Locks", "Backfill").
//
// Every entry point opens its own connection from `conninfo` (a libpq URL or
// key=value string; empty means the libpq PG* environment), returns a Status whose
// code is the process exit code, and never lets a libpqxx exception escape.
// Passwords never appear in messages: connection strings are redacted before use in text.
// Not thread-safe; one call at a time per process.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgphase/duration.h"
#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "pgphase/status.h"

namespace pgphase {

// Timeouts and retry policy for DDL steps; unset fields fall back to the spec's
// settings, then to the defaults (lock_timeout 1s, statement_timeout 1min, no
// scan_timeout, 5 retries). lock_timeout bounds every step's wait for its lock;
// statement_timeout or scan_timeout bounds its run, as TimeoutFor (statement.h) decides.
struct LockPolicy {
  std::optional<Millis> lock_timeout;
  std::optional<Millis> statement_timeout;
  std::optional<Millis> scan_timeout;  // 0ms: no limit
  std::optional<int> lock_retries;
};

// Backfill pacing and safe-stop windows (DESIGN "Backfill").
struct Throttle {
  std::optional<Millis> target_batch_time;  // default 200ms
  std::optional<Millis> max_app_wait;       // default 10ms; 0: batches ignore app waits
  std::optional<int64_t> batch_size_min;    // default 100
  std::optional<int64_t> batch_size_max;    // default 50000
  std::optional<Millis> batch_delay;        // sleep between batches
  std::optional<int64_t> workers;           // default 1: parts of a backfill filled at once
  std::optional<Millis> max_replica_lag;    // wait while a standby replays further behind
  std::optional<Millis> max_runtime;        // stop cleanly (exit 5) after this long
  std::optional<std::string> until;         // "HH:MM" local time: stop cleanly then
};

struct ApplyOptions {
  std::string conninfo;
  Phase through = Phase::kSwap;  // contract only when asked for by name
  // Before a migration is registered, evaluate its expressions over the existing rows and
  // refuse values they cannot convert (the spec's settings.precheck: false turns it off too).
  bool precheck = true;
  LockPolicy locks;
  Throttle throttle;
  // Contract drops the previous version schema even while sessions use it (it warns instead
  // of refusing: ddl::CheckVersionSchemaUnused).
  bool ignore_version_sessions = false;
  // A lost connection (the server ended the session, restarted, or failed over to an address
  // that answers) is reconnected this many times, with backoff, and the migration resumes.
  int reconnects = 5;
  // Run after each phase finishes or fails (docs/how-it-works.md, "Hooks"); "" for none.
  std::string notify;
};

struct ReverseOptions {
  std::string conninfo;
  // Leave the migration as `apply --through *to` would: phases after it are reversed.
  // Unset: reverse every phase; the migration ends `reversed`.
  std::optional<Phase> to;
  LockPolicy locks;
  std::string notify;  // as ApplyOptions::notify, after each phase is reversed
  int reconnects = 5;  // as ApplyOptions::reconnects
};

// Runs (or resumes) a migration through options.through. Exit codes per DESIGN.
Status Apply(const ChangeSpec& spec, const ApplyOptions& options, std::ostream& out);

// Undoes finished (or partly finished) phases in reverse order. Contract cannot be undone.
Status Reverse(const std::string& migration, const ReverseOptions& options, std::ostream& out);

// The plan pgphase would run: the stored plan when the migration was already applied
// with this exact spec, else a fresh plan from the live catalog. Read-only.
// `precheck`: as ApplyOptions::precheck (a failing precheck is the error).
Result<Plan> PlanAgainstDatabase(const ChangeSpec& spec, const std::string& conninfo,
                                 bool precheck = true);

// The plan against the tables a schema file creates (`plan --schema FILE`: pg_dump
// --schema-only output, schema_file.h) instead of a live catalog; no connection. What only a
// server can tell is not asked: whether the types and expressions resolve, the existing rows
// (precheck), whether a check carries over to a new type, the previous version schema. Each
// such gap and each statement of the file the snapshot cannot hold is a line in `warnings`.
// Errors: the file cannot be read or does not parse, or the plan cannot be built.
Result<Plan> PlanAgainstSchemaFile(const ChangeSpec& spec, const std::string& schema_file,
                                   std::vector<std::string>& warnings);

// The timeouts and batch size `apply` with `locks` would use for `spec`, for its script.
Result<ScriptOptions> ScriptSettings(const ChangeSpec& spec, const LockPolicy& locks = {});

// Text or JSON (DESIGN "status --json") report of one or all migrations. Read-only;
// an absent state schema means no migrations.
Result<std::string> StatusReport(const std::string& conninfo,
                                 const std::optional<std::string>& migration, bool json);

struct WaitOptions {
  Millis timeout{3600 * 1000};
  Millis interval{500};  // between looks at the state
  // Print only the final state, as `status --json` of the migration, instead of a line per
  // change.
  bool json = false;
};

// Blocks until `phase` of `migration` is done (Ok), the timeout passes (kGateNotReached), or
// the phase can no longer be reached without an operator: the migration is reversed or
// failed, or the phase itself failed or was reversed (kFailure).
Status WaitForPhase(const std::string& conninfo, const std::string& migration, Phase phase,
                    const WaitOptions& options, std::ostream& out);

// The events log of `migration` (pgphase.events): what ran and when, lock retries and who
// blocked, throttles, stops and operator calls, oldest first. Text, or JSON
// {"migration": ..., "events": [{"at", "phase", "step", "event", "detail"}]}. Read-only.
Result<std::string> History(const std::string& conninfo, const std::string& migration, bool json);

// Creates the version schema <schema>_<name> of the tables as they are (docs/how-it-works.md,
// "Version schemas"), so that applications can be pointed at it before the first migration
// that uses version schemas. Exit 2 when a schema of that name exists.
Status Baseline(const std::string& conninfo, const std::string& schema, const std::string& name,
                std::ostream& out);

// The newest version schema of `schema`; kFailure when there is none.
Result<std::string> LatestVersionSchema(const std::string& conninfo, const std::string& schema);

// Asks a running apply of `migration` to stop at its next safe point (exit 5 there).
Status RequestPause(const std::string& conninfo, const std::string& migration);

// A running --metrics-addr endpoint (DESIGN "Operators"): /metrics, /status, /healthz and
// live control (POST /throttle, /resume, /settings, /stop) of the Apply or Reverse this
// process runs, served from its own thread until destroyed. It reads what the executor
// publishes and never holds up a batch; control calls are recorded as events through
// `conninfo`'s state store.
class OperatorEndpoint {
 public:
  virtual ~OperatorEndpoint() = default;
  // Where it listens, "HOST:PORT" with the port bound (port 0 picks a free one).
  virtual std::string Address() const = 0;
};

// Listens on `host_port` ("HOST:PORT"; "PORT" or ":PORT": loopback). kInvalid (exit 2)
// when the address is malformed, unknown or busy.
Result<std::unique_ptr<OperatorEndpoint>> StartOperatorEndpoint(const std::string& host_port,
                                                                const std::string& conninfo);

// A read-only endpoint for a fleet (README "Fleets and tenants"): GET /metrics answers
// `metrics()` (Prometheus text, called on the server's thread), GET /healthz "ok". kInvalid as
// StartOperatorEndpoint.
Result<std::unique_ptr<OperatorEndpoint>> StartMetricsEndpoint(
    const std::string& host_port, std::function<std::string()> metrics);

// Where the running Apply or Reverse of this process is, for log lines: the migration,
// phase and step it last started ("" before any), and its backfill's progress. Safe from
// any thread.
struct LiveContext {
  std::string migration, phase, step;
  bool backfill = false;  // a backfill of the migration has published progress
  long long rows_done = 0, rows_total = 0, batch_size = 0;
  double rows_per_second = 0;
  std::string throttled_by;  // what holds its batches now, "" when nothing
};
LiveContext CurrentLiveContext();

// SIGINT/SIGTERM make a running Apply/Reverse stop at its next safe point (exit 5).
void InstallStopSignalHandlers();

// The schemas of the database at `conninfo` that an application may own, sorted: every
// schema but pg_*, information_schema, pgphase and pgphase's version schemas (those named
// in its state). Read-only. For `--schemas PATTERN` (README "Fleets and tenants").
Result<std::vector<std::string>> ListSchemas(const std::string& conninfo);

}  // namespace pgphase
