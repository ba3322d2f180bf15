#include "exec/operator_routes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgphase::exec {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OperatorRoutesTest : public ::testing::Test {
 protected:
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return Route(deps_, {method, target, body, "127.0.0.1:4242"});
  }

  LiveState live_;
  std::vector<std::string> recorded_;  // "migration event detail"
  std::string stopped_by_;
  OperatorDeps deps_{live_,
                     [] { return Result<std::string>(std::string("{\"migrations\": []}\n")); },
                     [this](const std::string& m, const std::string& e, const std::string& d) {
                       recorded_.push_back(m + " " + e + " " + d);
                       return Status::Ok();
                     },
                     [this](const std::string& cause) { stopped_by_ = cause; }};
};

TEST_F(OperatorRoutesTest, MetricsShowProgressPhasesAndCounters) {
  live_.SetMigration("0001_x");
  live_.SetPhases({{Phase::kExpand, "done"}, {Phase::kBackfill, "running"}}, 3);
  live_.SetBackfill("orders", {120, 1000, 50.5, 200});
  live_.ObserveBatch(0.02);
  live_.CountLockRetry();
  live_.AddThrottled("manual", 1.5);
  const HttpResponse r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Has(r.content_type, "version=0.0.4"));
  const std::string& m = r.body;
  EXPECT_TRUE(Has(m, "pgphase_backfill_rows_done{migration=\"0001_x\",table=\"orders\"} 120\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_rows_total{migration=\"0001_x\",table=\"orders\"} 1000\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_rows_per_second 50.5\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_batch_size 200\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_batch_seconds_bucket{le=\"0.01\"} 0\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_batch_seconds_bucket{le=\"0.025\"} 1\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_batch_seconds_bucket{le=\"10\"} 1\n"));
  EXPECT_TRUE(Has(m, "pgphase_backfill_batch_seconds_count 1\n"));
  EXPECT_TRUE(Has(m,
                  "pgphase_phase_status{migration=\"0001_x\",phase=\"backfill\","
                  "status=\"running\"} 1\n"));
  EXPECT_TRUE(Has(m,
                  "pgphase_phase_status{migration=\"0001_x\",phase=\"backfill\","
                  "status=\"done\"} 0\n"));
  EXPECT_TRUE(Has(m, "pgphase_lock_retries_total 1\n"));
  EXPECT_TRUE(Has(m, "pgphase_throttled_seconds_total{reason=\"manual\"} 1.5\n"));
  EXPECT_TRUE(Has(m, "pgphase_throttled_seconds_total{reason=\"replica_lag\"} 0\n"));
  EXPECT_TRUE(Has(m, "pgphase_sync_errors{migration=\"0001_x\"} 3\n"));
}

TEST_F(OperatorRoutesTest, LabelValuesAreEscaped) {
  live_.SetMigration("m");
  live_.SetBackfill("we\"ird\\\n", {1, 1, 0, 1});
  EXPECT_TRUE(Has(Call("GET", "/metrics").body, "table=\"we\\\"ird\\\\\\n\"} 1\n"));
}

TEST_F(OperatorRoutesTest, StatusAndHealthz) {
  EXPECT_EQ(Call("GET", "/status").body, "{\"migrations\": []}\n");
  EXPECT_EQ(Call("GET", "/status").content_type, "application/json");
  EXPECT_EQ(Call("GET", "/healthz").body, "ok\n");
  EXPECT_EQ(Call("GET", "/nope").status, 404);
  EXPECT_EQ(Call("GET", "/throttle").status, 405);
  EXPECT_EQ(Call("DELETE", "/metrics").status, 405);
}

TEST_F(OperatorRoutesTest, ThrottleAndResumeAreRecordedWithThePeer) {
  live_.SetMigration("0001_x");
  EXPECT_EQ(Call("POST", "/throttle").status, 200);
  EXPECT_TRUE(live_.Throttled());
  EXPECT_EQ(Call("POST", "/resume").status, 200);
  EXPECT_FALSE(live_.Throttled());
  EXPECT_EQ(recorded_,
            (std::vector<std::string>{"0001_x operator_throttle POST /throttle from 127.0.0.1:4242",
                                      "0001_x operator_resume POST /resume from 127.0.0.1:4242"}));
}

TEST_F(OperatorRoutesTest, ControlBeforeAnyMigrationIsMadeButNotRecorded) {
  const HttpResponse r = Call("POST", "/throttle");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(live_.Throttled());
  EXPECT_TRUE(Has(r.body, "not recorded"));
  EXPECT_TRUE(recorded_.empty());
}

TEST_F(OperatorRoutesTest, SettingsChangeTheResolvedSettingsAndMerge) {
  live_.SetMigration("0001_x");
  EXPECT_EQ(Call("POST", "/settings", R"({"batch_size_max": 300, "batch_delay": "50ms"})").status,
            200);
  EXPECT_EQ(Call("POST", "/settings", R"({"max_replica_lag": 2000})").status, 200);
  Resolved base;
  base.batch_size_min = 500;
  const Resolved r = live_.Apply(base);
  EXPECT_EQ(r.batch_size_max, 300);
  EXPECT_EQ(r.batch_size_min, 300) << "a smaller maximum lowers the minimum";
  EXPECT_EQ(r.batch_delay, Millis(50));
  EXPECT_EQ(r.max_replica_lag, Millis(2000));
  EXPECT_EQ(r.target_batch_time, base.target_batch_time);
  ASSERT_EQ(recorded_.size(), 2u);
  EXPECT_TRUE(Has(recorded_[0], "operator_settings POST /settings from 127.0.0.1:4242: {"));
}

TEST_F(OperatorRoutesTest, BadSettingsAreRefusedAndChangeNothing) {
  for (const char* body : {"", "[]", "{}", R"({"batch_size": 5})", R"({"batch_size_max": 0})",
                           R"({"batch_delay": "soon"})", R"({"batch_delay": true})"}) {
    EXPECT_EQ(Call("POST", "/settings", body).status, 400) << body;
  }
  EXPECT_EQ(live_.Apply({}).batch_size_max, Resolved{}.batch_size_max);
  EXPECT_TRUE(recorded_.empty());
}

TEST_F(OperatorRoutesTest, StopAsksToStopNamingThePeer) {
  EXPECT_EQ(Call("POST", "/stop").status, 200);
  EXPECT_EQ(stopped_by_, "POST /stop from 127.0.0.1:4242");
}

}  // namespace
}  // namespace pgphase::exec
