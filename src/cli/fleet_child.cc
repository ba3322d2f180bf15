// RunChild (cli/fleet_child.h): fork, exec and collect one pgphase child.
#include "cli/fleet_child.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "pgphase/status.h"

namespace pgphase::cli {

std::string ChildResult::LastLine() const {
  size_t end = output.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  const size_t start = output.rfind('\n', end);
  return output.substr(start == std::string::npos ? 0 : start + 1,
                       end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string SelfPath() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

namespace {

[[noreturn]] void ExecChild(int write_fd, std::vector<char*>& cargv, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(137);  // the parent is gone already
  dup2(write_fd, STDOUT_FILENO);
  dup2(write_fd, STDERR_FILENO);
  close(write_fd);
  execv(cargv[0], cargv.data());
  _exit(127);
}

int WaitExitCode(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

ChildResult RunChild(const std::vector<std::string>& argv) {
  std::vector<std::string> copy = argv;
  std::vector<char*> cargv;
  for (auto& a : copy) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0) return {1, "pgphase: pipe failed"};
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {1, "pgphase: fork failed"};
  }
  if (pid == 0) ExecChild(fds[1], cargv, parent);
  close(fds[1]);
  ChildResult r;
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n > 0) r.output.append(buf.data(), static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EINTR)) break;
  }
  close(fds[0]);
  r.exit_code = WaitExitCode(pid);
  return r;
}

ChildResult RunChildRetryingBusy(const std::vector<std::string>& argv, int busy_wait_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_wait_ms);
  for (;;) {
    ChildResult r = RunChild(argv);
    if (r.exit_code != static_cast<int>(ExitCode::kBusy) ||
        std::chrono::steady_clock::now() >= deadline)
      return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace pgphase::cli
