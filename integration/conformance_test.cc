// pgroll's example migrations as one chain against one database (DESIGN, issue 3): for each
// file in `.ledger` order, `apply --through swap`, `reverse` (the schema dump must be what it
// was before), then `apply --through contract`. Later files build on earlier ones, so the
// chain stops at the first file that fails. It runs twice: as pgroll's files are, and with
// version schemas on (after `pgphase baseline v0`), where each swap must also leave the
// migration's version schema the newest one.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.h"

namespace pgphase::it {
namespace {

// Leading files that must pass. Raise it as operations land; never lower it.
constexpr int kConformanceFloor = 56;

const std::string kExamplesDir = PGPHASE_SOURCE_DIR "/../shared/conformance/pgroll-examples";

std::vector<std::string> LedgerFiles() {
  std::vector<std::string> files;
  std::ifstream ledger(kExamplesDir + "/.ledger");
  std::string line;
  while (std::getline(ledger, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') files.push_back(line);
  }
  return files;
}

std::string Stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

// The first lines where two dumps differ, for the failure message.
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
  return "before: " + a.substr(from, 200) + "\nafter:  " + b.substr(from, 200);
}

std::string Row(const std::string& file, const std::string& result) {
  std::string padded = "  " + file;
  padded.resize(std::max<size_t>(padded.size() + 1, 58), ' ');
  return padded + result + "\n";
}

// The parameter: version schemas on.
class ConformanceTest : public PgphaseTest, public ::testing::WithParamInterface<bool> {
 protected:
  // `pgphase apply FILE --through PHASE`, with --version-schemas in that mode; in that mode
  // a swap must leave the migration's version schema the newest.
  RunResult ApplyThrough(const std::string& path, const std::string& phase, std::string& failure) {
    std::vector<std::string> args = {"apply", path, "--through", phase};
    if (GetParam()) args.push_back("--version-schemas");
    RunResult r = Run(args);
    if (r.exit_code != 0) {
      failure = "apply --through " + phase + " failed";
    } else if (GetParam() && phase == "swap") {
      RunResult latest = Run({"latest"});
      const std::string own =
          "\"version_schema\": \"" + latest.out.substr(0, latest.out.find('\n'));
      if (latest.exit_code != 0 ||
          Run({"status", Stem(path), "--json"}).out.find(own) == std::string::npos) {
        failure = "after swap, the newest version schema (`pgphase latest`) is not the migration's";
        r = latest;
      }
    }
    return r;
  }
};

TEST_P(ConformanceTest, PgrollExamplesApplyReverseAndContractInLedgerOrder) {
  // A plain clone has no shared/ beside it: nothing to run here, which is not a failure.
  // CI puts shared/ there, and then the examples are part of the contract.
  if (!std::filesystem::is_directory(kExamplesDir)) {
    GTEST_SKIP() << "pgroll's example migrations not found: looked for "
                 << std::filesystem::path(kExamplesDir).lexically_normal().string()
                 << " (shared/conformance/pgroll-examples beside the source directory)";
  }
  const std::vector<std::string> files = LedgerFiles();
  ASSERT_EQ(files.size(), 56u) << "unexpected .ledger in " << kExamplesDir;

  if (GetParam()) {
    ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  }
  int passed = 0;
  std::string table = "conformance (apply --through swap, reverse, apply --through contract):\n";
  std::string failure;
  for (const std::string& file : files) {
    const std::string path = kExamplesDir + "/" + file;
    const std::string name = Stem(file);
    const std::string before = SchemaDump();
    RunResult r = ApplyThrough(path, "swap", failure);
    if (!failure.empty()) {
      // reported below
    } else if (r = Run({"reverse", name}); r.exit_code != 0) {
      failure = "reverse failed";
    } else if (const std::string after = SchemaDump(); after != before) {
      failure = "schema after reverse differs from before apply\n" + FirstDifference(before, after);
      r = RunResult{};
    } else {
      r = ApplyThrough(path, "contract", failure);
    }
    if (!failure.empty()) {
      std::ostringstream detail;
      if (!r.command.empty()) detail << r;
      table += Row(file, "FAIL: " + failure.substr(0, failure.find('\n')));
      failure = file + ": " + failure + "\n" + detail.str();
      break;
    }
    table += Row(file, "ok");
    ++passed;
  }
  for (size_t i = passed + (failure.empty() ? 0 : 1); i < files.size(); ++i)
    table += Row(files[i], "not run (the chain stopped)");
  table += "conformance: " + std::to_string(passed) + "/" + std::to_string(files.size()) +
           " through swap+reverse+contract\n";
  std::fputs(table.c_str(), stdout);
  if (!failure.empty()) std::fputs(("first failure: " + failure + "\n").c_str(), stdout);
  EXPECT_GE(passed, kConformanceFloor) << failure;
}

INSTANTIATE_TEST_SUITE_P(Modes, ConformanceTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "VersionSchemas" : "Tables";
                         });

}  // namespace
}  // namespace pgphase::it
