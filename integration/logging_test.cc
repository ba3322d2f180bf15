// --log-format json and --log-level: every line one JSON object; exit codes as ever.
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.h"

namespace pgphase::it {
namespace {

// Every line of `text` as a JSON object with the fields of a log line; fails the test for
// any other line.
std::vector<nlohmann::json> JsonLines(const std::string& text, const RunResult& r) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line << "\n" << r;
    if (!j.is_object()) continue;
    for (const char* key : {"time", "level", "migration", "phase", "step", "message", "fields"})
      EXPECT_TRUE(j.contains(key)) << key << " missing: " << line;
    out.push_back(j);
  }
  return out;
}

class LoggingTest : public OrdersTest {};

TEST_F(LoggingTest, JsonLogsParseLineByLineWithTheirContext) {
  SeedOrders(3000);
  const RunResult r =
      Run({"apply", WriteOrdersSpec(), "--through", "backfill", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto lines = JsonLines(r.out, r);
  JsonLines(r.err, r);
  ASSERT_GT(lines.size(), 3u) << r;
  bool progress = false, phase_line = false;
  for (const auto& j : lines) {
    EXPECT_EQ(j["level"], "info");
    if (j["message"] == "phase sync") phase_line = j["phase"] == "sync";
    if (j["message"].get<std::string>().rfind("backfill orders: 3000/3000", 0) == 0) {
      progress = true;
      EXPECT_EQ(j["migration"], kMigration);
      EXPECT_EQ(j["phase"], "backfill");
      EXPECT_EQ(j["fields"]["rows_done"], 3000) << j;
      EXPECT_GT(j["fields"]["batch_size"], 0) << j;
    }
  }
  EXPECT_TRUE(phase_line) << r;
  EXPECT_TRUE(progress) << r;
}

TEST_F(LoggingTest, ErrorsAreJsonWithTheirSqlstateAndKeepTheirExitCodes) {
  SeedOrders(10);
  const std::string failing = WriteSpec("0002_fails", R"(operations:
  - sql:
      up: SELECT 1/0
      down: SELECT 1
)");
  RunResult r = Run({"apply", failing, "--log-format=json"});
  EXPECT_EQ(r.exit_code, 1) << r;
  const auto errors = JsonLines(r.err, r);
  ASSERT_FALSE(errors.empty()) << r;
  EXPECT_EQ(errors.back()["level"], "error");
  EXPECT_EQ(errors.back()["fields"]["sqlstate"], "22012") << errors.back();
  EXPECT_EQ(errors.back()["phase"], "expand") << errors.back();

  r = Run({"apply", failing, "--through", "nowhere", "--log-format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(JsonLines(r.err, r).size(), 1u) << r;
  EXPECT_EQ(RunNoDb({"status", "--log-format", "yaml"}).exit_code, 2);
}

TEST_F(LoggingTest, LogLevelWarnKeepsOnlyWarningsAndErrors) {
  SeedOrders(10);
  RunResult r = Run({"apply", WriteOrdersSpec(), "--through", "expand", "--log-level", "warn"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "") << r;
  r = Run({"wait", kMigration, "--phase", "swap", "--timeout", "10ms", "--log-level", "warn"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("not done after"), std::string::npos) << r;
  EXPECT_EQ(RunNoDb({"status", "--log-level", "loud"}).exit_code, 2);
}

}  // namespace
}  // namespace pgphase::it
