// Running pgphase itself as a child process for one target of a fleet (cli/fleet.h): each
// target gets its own process, so its executor lock, throttles, checkpoints and process-wide
// state (stop flag, live context) are its own, exactly as when run alone.
#pragma once

#include <string>
#include <vector>

namespace pgphase::cli {

struct ChildResult {
  int exit_code = 0;   // 128+N when killed by signal N
  std::string output;  // stdout and stderr, interleaved
  // The last line the child wrote ("pgphase apply: ..." for a failure), for the summary.
  std::string LastLine() const;
};

// This executable (/proc/self/exe).
std::string SelfPath();

// Runs `argv` (argv[0] a path) to its end. The child dies with this process (SIGKILL when
// the parent goes, e.g. kill -9 of the fleet), so a resumed fleet never meets orphans.
ChildResult RunChild(const std::vector<std::string>& argv);

// RunChild, run again while it exits 4 (busy: another executor holds the target's lock, as
// a tenant of the same database does, or a killed run's session not yet gone), for up to
// `busy_wait_ms`.
ChildResult RunChildRetryingBusy(const std::vector<std::string>& argv, int busy_wait_ms);

}  // namespace pgphase::cli
