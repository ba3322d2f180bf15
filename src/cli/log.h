// The process's one logger setup (spdlog): --log-format text|json and --log-level, for every
// command. Installed around a command, it sends each line written to std::cout (level info)
// and std::cerr (level error; warnings, lock or batch timeouts being retried and failed
// hooks at warn, on either) through spdlog, so the commands and
// the executor keep writing plain lines to their streams. In json every line on stdout
// and stderr becomes one JSON object: time, level, migration, phase, step, message and
// fields (rows_done, rows_total, rows_per_second, batch_size, throttled_by for a backfill's
// lines; sqlstate for an error that names one), migration, phase and step as the executor
// last published them (pgphase::CurrentLiveContext). Text lines are written as they are.
// spdlog stays in log.cc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pgphase/status.h"

namespace pgphase::cli {

struct LogFlags {
  bool json = false;
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
};

// Takes --log-format and --log-level (as "--flag value" or "--flag=value") out of `args`;
// kInvalid for a value that is not one.
Result<LogFlags> TakeLogFlags(std::vector<std::string>& args);

// While alive, std::cout and std::cerr log through spdlog as `flags` say; restores them
// (writing out any unfinished line) when destroyed. One at a time.
class LogSetup {
 public:
  explicit LogSetup(const LogFlags& flags);
  ~LogSetup();
  LogSetup(const LogSetup&) = delete;
  LogSetup& operator=(const LogSetup&) = delete;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgphase::cli
