#include "cli/cli.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/log.h"
#include "pgphase/exec.h"

namespace pgphase {
namespace cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"plan",
       "plan <file|dir>... [--db URL] [--format text|sql|json] [--skip-precheck] "
       "[--version-schemas]",
       "print every step of each migration, by phase, with its lock (changes nothing)", RunPlan},
      {"apply",
       "apply <file|dir> [--through PHASE] [--db URL] [--skip-precheck] [--version-schemas] "
       "[--ignore-version-sessions] [--reconnects N] [--lock-timeout D] "
       "[--statement-timeout D]"
       " [--lock-retries N] [--batch-delay D] [--max-app-wait D] [--max-replica-lag D] "
       "[--max-runtime D] [--until "
       "HH:MM] [--metrics-addr HOST:PORT] [--notify CMD] [--fleet FILE | --schemas PATTERN] "
       "[--parallel N] [--canary K] [--halt-on-failure | --continue-on-failure]",
       "run a migration through a phase (default swap; contract only by name); resumes", RunApply},
      {"reverse",
       "reverse <migration> [--to PHASE] [--db URL] [--reconnects N] [--lock-timeout D] "
       "[--statement-timeout D] "
       "[--lock-retries N] [--metrics-addr HOST:PORT] [--notify CMD] [--fleet FILE | --schemas "
       "PATTERN] [--parallel N] [--canary K] [--continue-on-failure]",
       "undo finished phases in reverse order (contract cannot be undone)", RunReverse},
      {"status", "status [<migration>] [--db URL] [--json] [--fleet FILE | --schemas PATTERN]",
       "show migrations and their phases", RunStatus},
      {"wait",
       "wait <migration> --phase PHASE [--timeout D] [--interval D] [--json] [--db URL] "
       "[--fleet FILE | --schemas PATTERN]",
       "exit 0 once PHASE is done, 3 if the timeout passes first, 1 if it can no longer be "
       "done",
       RunWait},
      {"history", "history <migration> [--json] [--db URL]",
       "the events log: what ran and when, lock retries, throttles, stops, operator calls",
       RunHistory},
      {"pause", "pause <migration> [--db URL]",
       "make a running apply stop at its next safe point (apply resumes)", RunPause},
      {"lint", "lint <file|dir>...", "check migration files without a database", RunLint},
      {"convert", "convert <file.sql>",
       "print plain DDL as a migration in pgphase's operations (guesses marked `# guess:`)",
       RunConvert},
      {"schema", "schema",
       "print the JSON Schema of the migration format (for editors: yaml-language-server)",
       RunSchema},
      {"baseline", "baseline <name> [--schema S] [--db URL]",
       "create the version schema <S>_<name> of the tables as they are, for applications to "
       "pin before the first migration with version schemas",
       RunBaseline},
      {"latest", "latest [--schema S] [--db URL]",
       "print the newest version schema (for search_path in deploy scripts)", RunLatest},
  };
  return kCommands;
}

std::string ResolveConninfo(const std::string& db_flag) {
  if (!db_flag.empty()) return db_flag;
  if (const char* env = std::getenv("PGPHASE_DB"); env != nullptr) return env;
  return "";
}

}  // namespace cli

namespace {

void PrintUsage(std::ostream& out) {
  out << "pgphase: zero-downtime PostgreSQL schema changes by expand/contract\n\nusage:\n";
  for (const auto& c : cli::Commands())
    out << fmt::format("  pgphase {}\n      {}\n", c.usage, c.help);
  out << "\nevery command: --log-format text|json (json: one object a line on stdout and "
         "stderr),\n               --log-level trace|debug|info|warn|error|critical|off\n";
  out << "\nexit codes: 0 done, 1 runtime failure, 2 invalid input, 3 gate not reached,\n"
         "            4 busy (another executor), 5 stopped at a safe point (apply resumes)\n";
}

}  // namespace

int RunCli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const Result<cli::LogFlags> log_flags = cli::TakeLogFlags(args);
  if (!log_flags.ok()) {
    std::cerr << "pgphase: " << log_flags.status().message() << "\n";
    return static_cast<int>(ExitCode::kInvalid);
  }
  const cli::LogSetup logs(*log_flags);
  return cli::RunCommand(args);
}

namespace cli {

int RunCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? static_cast<int>(ExitCode::kInvalid) : 0;
  }
  if (args[0] == "--version") {
    std::cout << "pgphase 0.1.0\n";
    return 0;
  }
  for (const auto& c : cli::Commands()) {
    if (args[0] != c.name) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest) {
      if (a == "--help" || a == "-h") {
        std::cout << fmt::format("usage: pgphase {}\n{}\n", c.usage, c.help);
        return 0;
      }
    }
    InstallStopSignalHandlers();
    Status st = c.run(rest);
    if (!st.ok()) std::cerr << "pgphase " << c.name << ": " << st.message() << "\n";
    return static_cast<int>(st.code());
  }
  std::cerr << fmt::format("pgphase: unknown command '{}'\n\n", args[0]);
  PrintUsage(std::cerr);
  return static_cast<int>(ExitCode::kInvalid);
}

}  // namespace cli
}  // namespace pgphase
