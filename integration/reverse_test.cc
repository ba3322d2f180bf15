// Reversing: every phase before contract undoes without data loss, leaving the schema
// exactly as it was; contract cannot be undone.
#include <signal.h>

#include "harness.h"

namespace pgphase::it {
namespace {

class ReverseFromPhase : public OrdersTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ReverseFromPhase, RestoresSchemaKeepsDataAndAllowsReapply) {
  const std::string phase = GetParam();
  SeedOrders(20000);
  const std::string before = SchemaDump();
  const std::string spec = WriteOrdersSpec();

  RunResult r = Run({"apply", spec, "--through", phase});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, phase);
  if (PhaseIndexOf(phase) >= PhaseIndexOf("sync")) {
    OldAppWrites(100001, 25);  // the app kept working while the migration was live
    Exec("DELETE FROM orders WHERE id BETWEEN 501 AND 510");
  }
  const long long count = OrdersCount();
  const std::string checksum = OriginalDataChecksum();

  r = Run({"reverse", kMigration});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(SchemaDump(), before) << "reverse must restore the schema exactly";
  EXPECT_EQ(OrdersCount(), count);
  EXPECT_EQ(OriginalDataChecksum(), checksum) << "the original columns must be untouched";
  EXPECT_EQ(MigrationStatus(kMigration), "reversed");
  for (const auto& p : AllPhases()) {
    std::string status = PhaseStatus(kMigration, p);
    if (PhaseIndexOf(p) <= PhaseIndexOf(phase)) {
      EXPECT_EQ(status, "reversed") << "phase " << p;
    } else {
      EXPECT_NE(status, "done") << "phase " << p;
    }
  }

  // A reversed migration may be applied again, from scratch.
  r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "swap");
  EXPECT_EQ(MigrationStatus(kMigration), "in_progress");
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_TRUE(ColumnNotNull("orders", "total"));
}

INSTANTIATE_TEST_SUITE_P(BeforeContract, ReverseFromPhase,
                         ::testing::Values("expand", "sync", "backfill", "validate", "swap"),
                         [](const auto& info) { return info.param; });

using ReverseTest = OrdersTest;

TEST_F(ReverseTest, ReverseToPhaseReversesOnlyLaterPhases) {
  SeedOrders(5000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;

  r = Run({"reverse", kMigration, "--to", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(PhaseStatus(kMigration, "expand"), "done");
  EXPECT_EQ(PhaseStatus(kMigration, "sync"), "done");
  EXPECT_EQ(PhaseStatus(kMigration, "backfill"), "reversed");
  EXPECT_EQ(PhaseStatus(kMigration, "validate"), "reversed");
  EXPECT_EQ(PhaseStatus(kMigration, "swap"), "reversed");
  EXPECT_NE(PhaseStatus(kMigration, "contract"), "done");
  const std::string status = MigrationStatus(kMigration);
  EXPECT_TRUE(status != "reversed" && status != "completed") << status;
  EXPECT_TRUE(ColumnExists("orders", "total"));
  EXPECT_FALSE(ColumnNotNull("orders", "total")) << "validate's SET NOT NULL is undone";
  EXPECT_GE(UserTriggerCount("orders"), 1) << "sync is still in place";
  OldAppWrites(100001, 5);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE id > 100000 "
                      "AND total IS DISTINCT FROM amount::bigint * 2"),
            0)
      << "the sync trigger still works";

  r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "swap");
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_TRUE(ColumnNotNull("orders", "total"));
}

// Without the triggers a filled value would go stale when the app changes its row, and the
// next apply fills only empty ones: reverse --to expand is refused once sync has run.
TEST_F(ReverseTest, ReverseToExpandIsRefusedOnceSyncHasRun) {
  SeedOrders(2000);
  const std::string spec = WriteOrdersSpec();
  Apply(spec, "expand");
  RunResult r = Run({"reverse", kMigration, "--to", "expand"});
  ASSERT_EQ(r.exit_code, 0) << "nothing after expand has run: " << r;

  Apply(spec, "backfill");
  r = Run({"reverse", kMigration, "--to", "expand"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("would go stale"), std::string::npos) << r;
  EXPECT_NE(r.err.find("--to sync"), std::string::npos) << r;
  ExpectPhasesDoneThrough(kMigration, "backfill");
  EXPECT_GE(UserTriggerCount("orders"), 1) << "the refused reverse changed nothing";

  ASSERT_EQ(Run({"reverse", kMigration, "--to", "sync"}).exit_code, 0);
  OldAppWrites(100001, 25);
  Apply(spec, "validate");
  EXPECT_EQ(BadTotals(), 0);
}

// A reverse interrupted while it retries a lock (a session holds SHARE on the table).
class InterruptedReverseTest : public OrdersTest {
 protected:
  void SetUp() override {
    OrdersTest::SetUp();
    SeedOrders(2000);
    before_ = SchemaDump();
    Apply(WriteOrdersSpec(), "swap");
    OldAppWrites(100001, 25);
    checksum_ = OriginalDataChecksum();
  }

  // Spawns `reverse` (with `extra` flags) behind a SHARE lock; waits until it retries.
  pid_t StartBlockedReverse(std::vector<std::string> extra = {}) {
    blocker_ = Connect();
    hold_ = std::make_unique<pqxx::work>(*blocker_);
    hold_->exec("LOCK TABLE orders IN SHARE MODE");
    std::vector<std::string> args = {"reverse", kMigration,       "--lock-timeout",
                                     "100ms",   "--lock-retries", "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = Spawn(args);
    bool retrying = Eventually(
        [&] {
          return ScalarInt(
                     "SELECT count(*) FROM pgphase.events WHERE event = 'lock_timeout' "
                     "AND detail LIKE '%reversing phase%'") > 0;
        },
        Millis(30'000), pid);
    if (!retrying) ADD_FAILURE() << "reverse never waited for the lock" << WaitExit(pid);
    return retrying ? pid : -1;
  }

  void Release() { hold_->abort(); }

  // The migration is reversed: the schema exactly as before it, the data untouched.
  void ExpectReversed() {
    EXPECT_EQ(MigrationStatus(kMigration), "reversed");
    EXPECT_EQ(SchemaDump(), before_);
    EXPECT_EQ(OriginalDataChecksum(), checksum_);
  }

 private:
  std::string before_, checksum_;
  std::unique_ptr<pqxx::connection> blocker_;
  std::unique_ptr<pqxx::work> hold_;
};

TEST_F(InterruptedReverseTest, SigtermStopsWithExit5AndReverseResumes) {
  pid_t pid = StartBlockedReverse();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(Signal(pid, SIGTERM));
  RunResult r = WaitExit(pid, Millis(30'000));
  EXPECT_EQ(r.exit_code, 5) << r;
  EXPECT_NE(MigrationStatus(kMigration), "reversed");
  Release();
  ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"));
  r = Run({"reverse", kMigration});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectReversed();
}

// The reverse's backend terminated under it: it reconnects and finishes; without reconnects
// (--reconnects 0) it exits 1 saying so, and the next reverse finishes.
class ReverseReconnectTest : public InterruptedReverseTest,
                             public ::testing::WithParamInterface<const char*> {};

TEST_P(ReverseReconnectTest, TerminatedBackendMidReverse) {
  pid_t pid = StartBlockedReverse({"--reconnects", GetParam()});
  ASSERT_GT(pid, 0);
  Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND application_name LIKE 'pgphase reverse %'");
  Release();
  RunResult r = WaitExit(pid);
  if (std::string(GetParam()) == "0") {
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.err.find("lost the connection to the database"), std::string::npos) << r;
    ASSERT_TRUE(WaitForNoOtherSessions(Millis(20'000), "pgphase %"));
    r = Run({"reverse", kMigration});
  } else {
    EXPECT_NE(r.out.find("reconnecting"), std::string::npos) << r;
  }
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectReversed();
}

INSTANTIATE_TEST_SUITE_P(Reconnects, ReverseReconnectTest, ::testing::Values("0", "5"),
                         [](const auto& info) { return std::string("reconnects_") + info.param; });

TEST_F(ReverseTest, ReverseAfterContractIsRefused) {
  SeedOrders(2000);
  RunResult r = Run({"apply", WriteOrdersSpec(), "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string after_contract = SchemaDump();

  r = Run({"reverse", kMigration});
  EXPECT_EQ(r.exit_code, 2) << r;
  const std::string err = Lower(r.err);
  EXPECT_TRUE(err.find("contract") != std::string::npos ||
              err.find("irreversible") != std::string::npos)
      << "the refusal should say why" << r;
  EXPECT_EQ(SchemaDump(), after_contract);
  EXPECT_EQ(MigrationStatus(kMigration), "completed");
  EXPECT_EQ(BadTotals(), 0);
}

TEST_F(ReverseTest, ReverseOfAnUnknownMigrationIsInvalidInput) {
  SeedOrders(10);
  const std::string before = SchemaDump();
  RunResult r = Run({"reverse", "0099_never_applied"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("0099_never_applied"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
}

}  // namespace
}  // namespace pgphase::it
