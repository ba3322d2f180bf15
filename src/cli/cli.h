// The command table behind RunCli (pgphase/cli.h): one row per subcommand, one file each.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pgphase/cli.h"
#include "pgphase/status.h"

namespace pgphase {
namespace cli {

// One subcommand: a row of the command table.
struct Command {
  const char* name;
  const char* usage;  // "apply <file|dir> [--through PHASE] ..."
  const char* help;   // one line
  std::function<Status(const std::vector<std::string>& args)> run;
};

const std::vector<Command>& Commands();

// Runs the command `args` name (argv without the program, log flags taken out); the exit
// code.
int RunCommand(const std::vector<std::string>& args);

// --db, else PGPHASE_DB, else "" (libpq's PG* environment).
std::string ResolveConninfo(const std::string& db_flag);

// One function per command file.
Status RunPlan(const std::vector<std::string>& args);
Status RunApply(const std::vector<std::string>& args);
Status RunReverse(const std::vector<std::string>& args);
Status RunStatus(const std::vector<std::string>& args);
Status RunWait(const std::vector<std::string>& args);
Status RunHistory(const std::vector<std::string>& args);
Status RunPause(const std::vector<std::string>& args);
Status RunLint(const std::vector<std::string>& args);
Status RunSchema(const std::vector<std::string>& args);
Status RunConvert(const std::vector<std::string>& args);
Status RunBaseline(const std::vector<std::string>& args);
Status RunLatest(const std::vector<std::string>& args);

}  // namespace cli
}  // namespace pgphase
