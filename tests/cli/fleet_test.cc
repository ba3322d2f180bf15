#include "cli/fleet.h"

#include <gtest/gtest.h>

#include "cli/fleet_report.h"

namespace pgphase::cli {
namespace {

TEST(FleetFlagsTest, TakesFleetFlagsAndLeavesTheRest) {
  std::vector<std::string> args = {"m.yaml",
                                   "--fleet",
                                   "f.yaml",
                                   "--parallel=8",
                                   "--canary",
                                   "2",
                                   "--continue-on-failure",
                                   "--lock-timeout",
                                   "2s"};
  ASSERT_TRUE(WantsFleet(args));
  auto flags = TakeFleetFlags(args);
  ASSERT_TRUE(flags.ok()) << flags.status().message();
  EXPECT_EQ(flags->fleet_file, "f.yaml");
  EXPECT_EQ(flags->parallel, 8);
  EXPECT_EQ(flags->canary, 2);
  EXPECT_FALSE(flags->halt_on_failure);
  EXPECT_EQ(args, (std::vector<std::string>{"m.yaml", "--lock-timeout", "2s"}));
}

TEST(FleetFlagsTest, RefusesContradictionsAndBadNumbers) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--fleet", "f", "--schemas", "t_*"},
        {"m"},
        {"--fleet", "f", "--db", "x"},
        {"--fleet", "f", "--parallel", "0"},
        {"--fleet", "f", "--canary", "x"},
        {"--fleet", "f", "--halt-on-failure", "--continue-on-failure"},
        {"--fleet", "f", "--metrics-addr"}}) {
    auto flags = TakeFleetFlags(args);
    EXPECT_FALSE(flags.ok());
    EXPECT_EQ(flags.status().code(), ExitCode::kInvalid);
  }
}

TEST(FleetReportTest, ParsesWhereATargetIsAndWhetherItCanReachThePhase) {
  const std::string json = R"({"migrations": [{"name": "m", "status": "in_progress", "phases": [
      {"name": "expand", "status": "done"}, {"name": "sync", "status": "done"},
      {"name": "backfill", "status": "running"}]}]})";
  TargetState s = ParseTargetState("a", json, Phase::kSync);
  EXPECT_EQ(s.last_done, "sync");
  EXPECT_TRUE(s.reached);
  s = ParseTargetState("a", json, Phase::kSwap);
  EXPECT_FALSE(s.reached);
  EXPECT_FALSE(s.unreachable);
  const std::string reversed = R"({"migrations": [{"name": "m", "status": "reversed", "phases": [
      {"name": "expand", "status": "reversed"}]}]})";
  EXPECT_TRUE(ParseTargetState("a", reversed, Phase::kSwap).unreachable);
  EXPECT_EQ(ParseTargetState("a", R"({"migrations": []})", Phase::kSwap).migration_status,
            "not registered");
  EXPECT_FALSE(ParseTargetState("a", "oops", Phase::kSwap).error.empty());
}

TEST(FleetReportTest, SummaryHasARowPerTargetAndCounts) {
  FleetRow ok;
  ok.target = "db1";
  ok.status = "done";
  ok.phases_done = ok.phases_total = 5;
  FleetRow bad;
  bad.target = "db2";
  bad.status = "failed";
  bad.phases_total = 5;
  bad.error = "pgphase apply: no table orders";
  const std::string out = RenderSummary({ok, bad});
  EXPECT_NE(out.find("db1     done    5/5"), std::string::npos) << out;
  EXPECT_NE(out.find("db2     failed  0/5     0.00s     pgphase apply: no table orders"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("2 targets: done: 1, failed: 1"), std::string::npos) << out;
}

TEST(FleetReportTest, MetricsLabelEverySeriesWithItsTarget) {
  FleetRow row;
  row.target = R"(db "1")";
  row.status = "running";
  row.phases_done = 2;
  row.phases_total = 5;
  row.seconds = 1.5;
  const std::string out = RenderFleetMetrics({row});
  EXPECT_NE(out.find(R"(pgphase_fleet_target_phases_done{target="db \"1\""} 2)"), std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(pgphase_fleet_target_phases_total{target="db \"1\""} 5)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(pgphase_fleet_target_seconds{target="db \"1\""} 1.500)"), std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(pgphase_fleet_target_status{target="db \"1\"",status="running"} 1)"),
            std::string::npos)
      << out;
}

TEST(FleetReportTest, TenantStateIsKeptUnderItsOwnMigrationName) {
  EXPECT_EQ(TenantMigrationName("0001_x", "tenant_7"), "0001_x__tenant_7");
}

}  // namespace
}  // namespace pgphase::cli
