// The command table and the connection precedence (no database: only what runs before a
// connection is opened).
#include "cli/cli.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

namespace pgphase::cli {
namespace {

TEST(CliTest, EveryCommandHasOneRowWithItsUsageAndHelp) {
  std::set<std::string> names;
  for (const Command& c : Commands()) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(names.insert(c.name).second) << "listed twice";
    EXPECT_EQ(std::string(c.usage).rfind(std::string(c.name), 0), 0u) << c.usage;
    EXPECT_FALSE(std::string(c.help).empty());
    EXPECT_TRUE(static_cast<bool>(c.run));
  }
  for (const char* name : {"plan", "apply", "reverse", "status", "wait", "pause", "lint"})
    EXPECT_EQ(names.count(name), 1u) << name;
}

TEST(CliTest, TheDbFlagComesBeforePgphaseDbWhichComesBeforeTheLibpqEnvironment) {
  setenv("PGPHASE_DB", "postgresql://env/db", 1);
  EXPECT_EQ(ResolveConninfo("postgresql://flag/db"), "postgresql://flag/db");
  EXPECT_EQ(ResolveConninfo(""), "postgresql://env/db");
  unsetenv("PGPHASE_DB");
  EXPECT_EQ(ResolveConninfo(""), "");
}

int RunArgs(std::vector<std::string> args) {
  std::vector<char*> argv;
  static char prog[] = "pgphase";
  argv.push_back(prog);
  for (auto& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

TEST(CliTest, UnknownCommandsAndFlagsAreInvalidInputAndHelpIsNot) {
  EXPECT_EQ(RunArgs({"frobnicate"}), 2);
  EXPECT_EQ(RunArgs({}), 2);
  EXPECT_EQ(RunArgs({"--help"}), 0);
  EXPECT_EQ(RunArgs({"apply", "--help"}), 0);
  EXPECT_EQ(RunArgs({"apply", "x.yaml", "--no-such-flag"}), 2);
  EXPECT_EQ(RunArgs({"apply", "x.yaml", "--through", "sideways"}), 2);
  EXPECT_EQ(RunArgs({"wait", "m", "--phase", "swap", "--timeout", "soon"}), 2);
}

}  // namespace
}  // namespace pgphase::cli
