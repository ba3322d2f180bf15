// What release pipelines use: `wait` (0, 3, 1, --json), `history`, and --notify hooks.
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.h"

namespace pgphase::it {
namespace {

class PipelineTest : public OrdersTest {
 protected:
  void SetUp() override {
    OrdersTest::SetUp();
    SeedOrders(1000);
    spec_ = WriteOrdersSpec();
  }

  std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string spec_;
};

TEST_F(PipelineTest, WaitExitsZeroOnceThePhaseIsDoneAndJsonPrintsOnlyTheFinalState) {
  Apply(spec_, "backfill");
  const RunResult r =
      Run({"wait", kMigration, "--phase", "backfill", "--json", "--interval", "50ms"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r;
  EXPECT_EQ(j["migrations"][0]["name"], kMigration);
  EXPECT_EQ(j["migrations"][0]["phases"][2]["name"], "backfill");
  EXPECT_EQ(j["migrations"][0]["phases"][2]["status"], "done");
}

TEST_F(PipelineTest, WaitTimesOutWithThreeAndStillPrintsTheState) {
  Apply(spec_, "backfill");
  const RunResult r = Run({"wait", kMigration, "--phase", "swap", "--timeout", "300ms",
                           "--interval", "100ms", "--json"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_LT(r.elapsed.count(), 5000) << r;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r;
  EXPECT_EQ(j["migrations"][0]["phases"][4]["status"], "pending");
  EXPECT_EQ(Run({"wait", kMigration, "--phase", "swap", "--interval", "soon"}).exit_code, 2);
}

TEST_F(PipelineTest, WaitExitsOneWhenThePhaseCanNoLongerBeReached) {
  Apply(spec_, "backfill");
  ASSERT_EQ(Run({"reverse", kMigration, "--to", "sync"}).exit_code, 0);
  RunResult r = Run({"wait", kMigration, "--phase", "backfill", "--timeout", "10s"});
  EXPECT_EQ(r.exit_code, 1) << "backfill was reversed: " << r;
  EXPECT_LT(r.elapsed.count(), 5000) << r;
  Reverse(kMigration);
  r = Run({"wait", kMigration, "--phase", "expand", "--timeout", "10s"});
  EXPECT_EQ(r.exit_code, 1) << "the migration was reversed: " << r;
}

TEST_F(PipelineTest, HistoryListsWhatRanInOrder) {
  Apply(spec_, "backfill");
  RunResult r = Run({"history", kMigration, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r;
  EXPECT_EQ(j["migration"], kMigration);
  std::vector<std::string> events;
  const nlohmann::json* filled = nullptr;
  for (const auto& e : j["events"]) {
    events.push_back(e["event"]);
    if (e["event"] == "backfill_done") filled = &e;
  }
  ASSERT_FALSE(events.empty()) << r;
  EXPECT_EQ(events.front(), "registered");
  EXPECT_EQ(events.back(), "phase_done");
  EXPECT_EQ(j["events"].back()["phase"], "backfill");
  EXPECT_GE(j["events"].back()["seconds"].get<double>(), 0.0) << "how long the phase took";
  ASSERT_NE(filled, nullptr) << r;
  EXPECT_EQ((*filled)["phase"], "backfill");
  EXPECT_EQ((*filled)["detail"], "1000 rows");
  r = Run({"history", kMigration});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("backfill_done"), std::string::npos) << r;
  EXPECT_NE(r.out.find("phase_done           took "), std::string::npos) << r;
  EXPECT_EQ(Run({"history", "0099_none"}).exit_code, 2);
}

TEST_F(PipelineTest, NotifyHookGetsItsEnvironmentWithThePasswordMasked) {
  const std::string log = temp_dir() + "/notify.log";
  std::string url = db_url();
  const size_t at = url.find("postgres@");
  ASSERT_NE(at, std::string::npos) << url;
  url.replace(at, 9, "postgres:sekret@");
  const RunResult r =
      RunNoDb({"apply", spec_, "--through", "sync", "--db", url, "--notify",
               "echo \"$PGPHASE_MIGRATION $PGPHASE_PHASE $PGPHASE_STATUS $PGPHASE_DB\" >> " + log});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string got = ReadFile(log);
  EXPECT_NE(got.find(std::string(kMigration) + " expand done postgresql://postgres:***@"),
            std::string::npos)
      << got;
  EXPECT_NE(got.find(std::string(kMigration) + " sync done "), std::string::npos) << got;
  EXPECT_EQ(got.find("sekret"), std::string::npos) << got;
  EXPECT_EQ(got.find("backfill"), std::string::npos) << "ran past --through: " << got;
}

TEST_F(PipelineTest, FailingHookIsReportedAndNeverHidesThePhaseResult) {
  RunResult r = Run({"apply", spec_, "--through", "expand", "--notify", "echo hello; exit 7"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("notify: hello"), std::string::npos) << r;
  EXPECT_NE(r.out.find("exited 7 after phase expand done"), std::string::npos) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.events WHERE event = 'notify_failed'"), 1);

  const std::string failing = WriteSpec("0002_fails", R"(operations:
  - sql:
      up: SELECT 1/0
      down: SELECT 1
)");
  const std::string log = temp_dir() + "/failed.log";
  r = Run({"apply", failing, "--through", "expand", "--notify",
           "echo \"$PGPHASE_PHASE $PGPHASE_STATUS\" >> " + log + "; exit 9"});
  EXPECT_EQ(r.exit_code, 1) << "the phase's failure, not the hook's: " << r;
  EXPECT_EQ(ReadFile(log), "expand failed\n") << r;
}

TEST_F(PipelineTest, StatusHistoryAndWaitWorkForARoleThatOnlyReadsTheStateSchema) {
  Apply(spec_, "backfill");
  const std::string role = "pgphase_it_reader_" + std::to_string(getpid());
  Exec("CREATE ROLE " + role + " LOGIN; GRANT USAGE ON SCHEMA pgphase TO " + role +
       "; GRANT SELECT ON ALL TABLES IN SCHEMA pgphase TO " + role);
  std::string url = db_url();
  url.replace(url.find("postgres@"), 9, role + "@");
  std::vector<RunResult> runs = {RunNoDb({"status", "--json", "--db", url}),
                                 RunNoDb({"history", kMigration, "--db", url}),
                                 RunNoDb({"wait", kMigration, "--phase", "backfill", "--db", url})};
  Exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
  for (const RunResult& r : runs) EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(runs[0].out.find("\"rows_done\": 1000"), std::string::npos) << runs[0];
}

TEST_F(PipelineTest, StatusTextIsATableWithAHeaderAndTheBackfillsProgress) {
  Apply(spec_, "backfill");
  const RunResult r = Run({"status", kMigration});
  ASSERT_EQ(r.exit_code, 0) << r;
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 8u) << r;
  EXPECT_EQ(lines[0], std::string(kMigration) + "  in_progress");
  EXPECT_EQ(lines[1].rfind("  PHASE     STATUS    STARTED               FINISHED              "
                           "PROGRESS",
                           0),
            0u)
      << r;
  EXPECT_EQ(lines[4].find("  backfill  done      20"), 0u) << r;
  EXPECT_NE(lines[4].find("Z  1000/1000 rows, "), std::string::npos) << r;
  EXPECT_NE(lines[4].find(", batch "), std::string::npos) << r;
  EXPECT_EQ(lines[7], "  contract  pending") << r;
}

}  // namespace
}  // namespace pgphase::it
