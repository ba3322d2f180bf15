#include "exec/notify.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ostream>
#include <vector>

#include "pgphase/conninfo.h"

extern char** environ;

namespace pgphase::exec {
namespace {

// The environment with `extra` ("NAME=value") in place of any same-named variables.
std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var(*e);
    bool replaced = false;
    for (const auto& x : extra)
      replaced = replaced || var.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
    if (!replaced) env.push_back(var);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Runs `command`, its stdout and stderr into `output`; the wait status, or -1 when it
// could not start.
int RunHook(const std::string& command, const std::vector<std::string>& env, std::string& output) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> argv = {const_cast<char*>("sh"), const_cast<char*>("-c"),
                             const_cast<char*>(command.c_str()), nullptr};
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) output.append(buf, n);
  close(fds[0]);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string Failure(int status) {
  if (status == -1) return "could not be started";
  if (WIFEXITED(status)) return fmt::format("exited {}", WEXITSTATUS(status));
  return fmt::format("was killed by signal {}", WTERMSIG(status));
}

}  // namespace

void Notify(RunContext& ctx, Phase phase, std::string_view status) {
  if (ctx.notify.empty()) return;
  std::string output;
  const int rc = RunHook(ctx.notify,
                         Environment({"PGPHASE_MIGRATION=" + ctx.plan.migration,
                                      "PGPHASE_PHASE=" + std::string(PhaseName(phase)),
                                      "PGPHASE_STATUS=" + std::string(status),
                                      "PGPHASE_DB=" + RedactConninfo(ctx.conninfo)}),
                         output);
  for (size_t at = 0; at < output.size();) {
    const size_t end = std::min(output.find('\n', at), output.size());
    ctx.out << "  notify: " << output.substr(at, end - at) << "\n";
    at = end + 1;
  }
  if (rc == 0) return;
  const std::string what = fmt::format("--notify `{}` {} after phase {} {}", ctx.notify,
                                       Failure(rc), PhaseName(phase), status);
  ctx.out << "  " << what << "\n" << std::flush;
  try {
    ctx.store.Event(ctx.plan.migration, "notify_failed", what, phase);
  } catch (const std::exception&) {  // the phase's own result is what counts
  }
}

}  // namespace pgphase::exec
