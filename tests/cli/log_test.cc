// The logger setup (cli/log.h): its flags, and what a line becomes.
#include "cli/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pgphase::cli {
namespace {

using Args = std::vector<std::string>;

TEST(LogFlagsTest, AreTakenOutOfTheArgumentsWhereverTheyStand) {
  Args args = {"apply", "--log-format", "json", "x.yaml", "--log-level=warn", "--db", "u"};
  auto flags = TakeLogFlags(args);
  ASSERT_TRUE(flags.ok()) << flags.status().message();
  EXPECT_TRUE(flags->json);
  EXPECT_EQ(flags->level, "warn");
  EXPECT_EQ(args, (Args{"apply", "x.yaml", "--db", "u"}));

  args = {"status", "--log-format=text"};
  flags = TakeLogFlags(args);
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->json);
  EXPECT_EQ(flags->level, "info");
  EXPECT_EQ(args, (Args{"status"}));
}

TEST(LogFlagsTest, BadValuesAreInvalid) {
  for (Args args : {Args{"status", "--log-format", "xml"}, Args{"status", "--log-level", "loud"},
                    Args{"status", "--log-format"}}) {
    auto flags = TakeLogFlags(args);
    EXPECT_EQ(flags.status().code(), ExitCode::kInvalid) << args.back();
  }
}

// Runs `body` with stdout sent to a file while a LogSetup of `flags` is alive; what stdout got.
template <class F>
std::string CaptureStdout(const LogFlags& flags, F body) {
  std::fflush(stdout);
  // One file per process: ctest runs each test in its own process, side by side.
  const std::string path = ::testing::TempDir() + "/log_test." + std::to_string(getpid()) + ".out";
  const int saved = dup(STDOUT_FILENO);
  const int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(file, 0);
  dup2(file, STDOUT_FILENO);
  close(file);
  {
    const LogSetup logs(flags);
    body();
  }
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::remove(path.c_str());
  return ss.str();
}

TEST(LogSetupTest, JsonMakesEachLineOneObjectAndTextKeepsIt) {
  const std::string json = CaptureStdout({true, "info"}, [] {
    std::cout << "phase expand\n  step one (1ms)\n" << std::flush;
    std::cout << "\r  [#  ] 1\033[K" << std::flush << "\r  [## ] 2\033[K" << std::flush << "\n";
    std::cout << "unfinished";
  });
  std::istringstream lines(json);
  std::vector<std::string> messages;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_EQ(j["level"], "info");
    messages.push_back(j["message"]);
  }
  EXPECT_EQ(messages,
            (std::vector<std::string>{"phase expand", "step one (1ms)", "2", "unfinished"}));

  EXPECT_EQ(CaptureStdout({false, "info"}, [] { std::cout << "phase expand\n"; }),
            "phase expand\n");
  EXPECT_EQ(
      CaptureStdout({false, "info"},
                    [] { std::cout << "\r  [#  ] 1\033[K" << std::flush << "\r  [## ] 2\n"; }),
      "\r  [#  ] 1\033[K\r  [## ] 2\n")
      << "a terminal's progress bar is drawn as it comes";
  EXPECT_EQ(CaptureStdout({false, "warn"}, [] { std::cout << "phase expand\n"; }), "");
}

TEST(LogSetupTest, WarningsAndRetriesAreWarnAndPassALevelThatDropsInfo) {
  const std::string out = CaptureStdout({true, "warn"}, [] {
    std::cout << "phase expand\n  lock timeout (1s) on step x, attempt 1/6\n"
              << "  WARNING:  version schema v0 is still in use\n";
  });
  std::istringstream lines(out);
  std::vector<std::string> levels;
  for (std::string line; std::getline(lines, line);)
    levels.push_back(nlohmann::json::parse(line)["level"]);
  EXPECT_EQ(levels, (std::vector<std::string>{"warning", "warning"}));
}

}  // namespace
}  // namespace pgphase::cli
