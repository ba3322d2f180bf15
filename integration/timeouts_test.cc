// Which timeout bounds a running step (DESIGN "Locks"): statement_timeout only where the
// step's lock makes the application wait; a scan under a weaker lock (VALIDATE) gets
// scan_timeout instead, which has no limit unless asked for.
#include "harness.h"

namespace pgphase::it {
namespace {

// Every check of slow_positive takes 1ms: a VALIDATE or an index build over readings' 300
// rows takes far longer than 20ms, under SHARE UPDATE EXCLUSIVE only.
class TimeoutTest : public PgphaseTest {
 protected:
  static constexpr const char* kMigration = "0001_readings_positive";

  void SetUp() override {
    PgphaseTest::SetUp();
    Exec(R"(
CREATE FUNCTION slow_positive(v int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM pg_sleep(0.001);
  RETURN v > 0;
END
$$;
CREATE TABLE readings (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO readings SELECT g, g FROM generate_series(1, 300) g;
)");
  }

  // Applies expand through backfill (no timeout flags) and returns the spec's path; the spec
  // has a `settings:` block when `settings` is not empty. What is left is the slow VALIDATE.
  std::string SlowValidatePending(const std::string& settings = "") {
    const std::string spec =
        WriteSpec(kMigration, (settings.empty() ? "" : "settings:\n" + settings) +
                                  "operations:\n"
                                  "  - create_constraint:\n"
                                  "      type: check\n"
                                  "      table: readings\n"
                                  "      name: readings_v_positive\n"
                                  "      columns: [v]\n"
                                  "      check: slow_positive(v)\n");
    Apply(spec, "backfill");
    return spec;
  }

  std::string Validated() {
    return Scalar(
        "SELECT convalidated::text FROM pg_constraint WHERE conname = 'readings_v_positive'");
  }
};

TEST_F(TimeoutTest, PlanSaysValidateRunsUnderScanTimeoutOnly) {
  const std::string spec = SlowValidatePending("  statement_timeout: 2s\n  scan_timeout: 5m\n");
  RunResult r = Run({"plan", spec, "--format", "sql"});
  ASSERT_EQ(r.exit_code, 0) << r;
  // The script sets statement_timeout to scan_timeout for it, as apply does (the row
  // estimate between depends on whether the server has analyzed the table yet).
  const size_t lock = r.out.find(
      "-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; "
      "rewrites: no; rows: about ");
  ASSERT_NE(lock, std::string::npos) << r;
  const size_t rest = r.out.find(
      "; hazards: full_scan\nBEGIN;\nSET LOCAL lock_timeout = '1000ms';\n"
      "SET LOCAL statement_timeout = '300000ms';\nALTER TABLE \"public\".\"readings\" VALIDATE",
      lock);
  ASSERT_NE(rest, std::string::npos) << r;
  EXPECT_LT(rest, r.out.find('\n', lock)) << "on the lock line itself\n" << r;
}

TEST_F(TimeoutTest, ValidateOutlastsAShortStatementTimeout) {
  const std::string spec = SlowValidatePending();
  RunResult r = Run({"apply", spec, "--through", "validate", "--statement-timeout", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_GE(r.elapsed, Millis(200)) << "the VALIDATE must outlast 20ms for this test to mean "
                                       "anything\n"
                                    << r;
  EXPECT_EQ(Validated(), "true");
  EXPECT_EQ(PhaseStatus(kMigration, "validate"), "done");
}

TEST_F(TimeoutTest, ScanTimeoutCutsTheSlowValidateShort) {
  const std::string spec = SlowValidatePending();
  RunResult r = Run({"apply", spec, "--through", "validate", "--scan-timeout", "20ms"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("SQLSTATE 57014"), std::string::npos) << r;
  EXPECT_NE(r.err.find("step validate."), std::string::npos) << r;
  EXPECT_EQ(Validated(), "false");
  EXPECT_EQ(PhaseStatus(kMigration, "validate"), "failed");

  RunResult again = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(Validated(), "true");
}

TEST_F(TimeoutTest, ScanTimeoutComesFromTheSpecSettingsToo) {
  const std::string spec = SlowValidatePending("  scan_timeout: 20ms\n");
  RunResult r = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("SQLSTATE 57014"), std::string::npos) << r;
  EXPECT_EQ(Validated(), "false");

  RunResult flag = Run({"apply", spec, "--through", "validate", "--scan-timeout", "0ms"});
  EXPECT_EQ(flag.exit_code, 0) << "the flag wins over the spec, and 0ms means no limit\n" << flag;
  EXPECT_EQ(Validated(), "true");
}

// CREATE INDEX CONCURRENTLY runs outside a transaction, under the same rule.
TEST_F(TimeoutTest, ConcurrentIndexBuildRunsUnderScanTimeoutOnly) {
  const std::string spec = WriteSpec("0001_readings_idx",
                                     "operations:\n"
                                     "  - create_index:\n"
                                     "      name: readings_positive_idx\n"
                                     "      table: readings\n"
                                     "      columns: [v]\n"
                                     "      predicate: slow_positive(v)\n");
  const std::string valid =
      "SELECT coalesce((SELECT indisvalid::text FROM pg_index "
      "WHERE indexrelid = to_regclass('readings_positive_idx')), 'absent')";
  RunResult cut = Run({"apply", spec, "--scan-timeout", "20ms"});
  EXPECT_EQ(cut.exit_code, 1) << cut;
  EXPECT_NE(cut.err.find("SQLSTATE 57014"), std::string::npos) << cut;
  EXPECT_EQ(Scalar(valid), "false") << "the cancelled build leaves an invalid index";

  RunResult r = Run({"apply", spec, "--statement-timeout", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_GE(r.elapsed, Millis(200)) << "the build must outlast 20ms for this test to mean "
                                       "anything\n"
                                    << r;
  EXPECT_EQ(Scalar(valid), "true");
}

// A `sql` operation takes ACCESS EXCLUSIVE (pgphase cannot tell what it does): a short
// statement_timeout still stops it.
TEST_F(TimeoutTest, AnAccessExclusiveStepStillHitsStatementTimeout) {
  const std::string spec = WriteSpec("0001_sleep",
                                     "operations:\n"
                                     "  - sql:\n"
                                     "      up: SELECT pg_sleep(0.2)\n");
  RunResult r = Run({"apply", spec, "--statement-timeout", "20ms"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("SQLSTATE 57014"), std::string::npos) << r;
  EXPECT_NE(r.err.find("statement timeout"), std::string::npos) << r;

  RunResult roomy = Run({"apply", spec, "--scan-timeout", "20ms"});
  EXPECT_EQ(roomy.exit_code, 0) << "scan_timeout does not apply to it\n" << roomy;
}

}  // namespace
}  // namespace pgphase::it
