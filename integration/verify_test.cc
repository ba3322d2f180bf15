// Verification at validate (alter_column's shadow column): rows corrupted behind pgphase's back
// after the backfill are found, repaired and reported (stdout, pgphase.events, status), and
// the migration then completes with every value right; a clean migration reports zero
// mismatches; a repair that does not hold fails the step naming the keys; an `up` that is not
// deterministic is not verified and `plan` says why.
#include <nlohmann/json.hpp>

#include "harness.h"

namespace pgphase::it {
namespace {

constexpr char kMigration[] = "0031_amount";

// prices(id, amount text): amounts as the old app writes them, text.
constexpr char kPrices[] =
    "CREATE TABLE prices (id bigint PRIMARY KEY, amount text, note text);"
    "INSERT INTO prices SELECT g, (g * 1.5)::text, 'n' || g FROM generate_series(1, 5000) g;"
    "ANALYZE prices;";

// text -> numeric(12,2), with a deterministic `up`.
constexpr char kToNumeric[] = R"(settings:
  batch_size_min: 100
  batch_size_max: 1000
operations:
  - alter_column:
      table: prices
      column: amount
      type: numeric(12,2)
      up: CAST(amount AS numeric(12,2))
      down: CAST(amount AS text)
)";

class VerifyTest : public PgphaseTest {
 protected:
  // Writes `shadow` = `value` on rows `ids` with triggers off (session_replication_role =
  // replica), as a bug or a careless script might: pgphase's trigger never sees it.
  void CorruptBehindPgphasesBack(const std::string& ids, const std::string& value) {
    auto c = Connect();
    pqxx::nontransaction tx(*c);
    tx.exec("SET session_replication_role = replica");
    tx.exec("UPDATE prices SET _pgphase_new_amount = " + value + " WHERE id IN (" + ids + ")");
  }
  long long WrongShadows() {
    return ScalarInt(
        "SELECT count(*) FROM prices WHERE _pgphase_new_amount IS DISTINCT FROM "
        "CAST(amount AS numeric(12,2))");
  }
  // The validate phase of `status --json`, as JSON.
  nlohmann::json ValidateStatus() {
    RunResult r = Run({"status", kMigration, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r;
    for (const auto& p : j["migrations"][0]["phases"])
      if (p.value("name", "") == "validate") return p;
    ADD_FAILURE() << "no validate phase" << r;
    return {};
  }
  std::vector<std::string> EventDetails(const std::string& event) {
    std::vector<std::string> out;
    for (const auto& row :
         Query("SELECT detail FROM pgphase.events WHERE event = '" + event + "' ORDER BY id"))
      out.push_back(row[0]);
    return out;
  }
};

TEST_F(VerifyTest, RowsCorruptedAfterBackfillAreFoundRepairedAndReported) {
  Exec(kPrices);
  const std::string spec = WriteSpec(kMigration, kToNumeric);
  Apply(spec, "backfill");
  ASSERT_EQ(WrongShadows(), 0);
  CorruptBehindPgphasesBack("7, 1234, 4999", "-1");
  CorruptBehindPgphasesBack("2500", "NULL");
  // The old app goes on writing meanwhile; its rows are right and stay so.
  Exec("INSERT INTO prices (id, amount) VALUES (6001, '12.5'), (6002, NULL)");
  Exec("UPDATE prices SET amount = '99.99' WHERE id IN (8, 9)");
  ASSERT_EQ(WrongShadows(), 4);

  RunResult r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("verify prices: 5002 rows checked, 4 mismatched, 4 repaired (sample keys: "
                       "7, 1234, 2500, 4999)"),
            std::string::npos)
      << r;
  EXPECT_NE(r.out.find("rows differed from `up` and were repaired (keys: "), std::string::npos)
      << r;
  EXPECT_EQ(WrongShadows(), 0);

  EXPECT_EQ(EventDetails("verify_done"),
            (std::vector<std::string>{
                "5002 rows checked, 4 mismatched, 4 repaired (sample keys: 7, 1234, 2500, 4999)"}));
  long long in_events = 0;
  for (const std::string& d : EventDetails("verify_repaired")) in_events += std::stoll(d);
  EXPECT_EQ(in_events, 4) << "each batch's repair is an event";

  const nlohmann::json validate = ValidateStatus();
  ASSERT_TRUE(validate.contains("verify")) << validate.dump();
  EXPECT_EQ(validate["verify"],
            nlohmann::json::parse(R"({"rows_checked": 5002, "mismatched": 4, "repaired": 4,
                                      "sample_keys": ["7", "1234", "2500", "4999"]})"));
  r = Run({"status", kMigration});
  EXPECT_NE(r.out.find("    verify: 5002 rows checked, 4 mismatched, 4 repaired"),
            std::string::npos)
      << r;

  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("prices", "amount"), "numeric(12,2)");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM prices WHERE id <= 5000 AND id NOT IN (8, 9) AND "
                      "amount IS DISTINCT FROM (id * 1.5)::numeric(12,2)"),
            0)
      << "every value right after contract";
  EXPECT_EQ(Scalar("SELECT amount FROM prices WHERE id = 8"), "99.99");
  EXPECT_EQ(Scalar("SELECT amount FROM prices WHERE id = 6001"), "12.50");
  EXPECT_EQ(Scalar("SELECT amount FROM prices WHERE id = 6002"), "NULL");
}

TEST_F(VerifyTest, CleanMigrationReportsZeroMismatches) {
  Exec(kPrices);
  const std::string spec = WriteSpec(kMigration, kToNumeric);
  RunResult r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("verify prices: 5000 rows checked, 0 mismatched, 0 repaired\n"),
            std::string::npos)
      << r;
  EXPECT_EQ(r.out.find("were repaired"), std::string::npos) << r;
  EXPECT_EQ(EventDetails("verify_done"),
            (std::vector<std::string>{"5000 rows checked, 0 mismatched, 0 repaired"}));
  const nlohmann::json validate = ValidateStatus();
  EXPECT_EQ(validate["verify"],
            nlohmann::json::parse(R"({"rows_checked": 5000, "mismatched": 0, "repaired": 0,
                                      "sample_keys": []})"));
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("prices", "amount"), "numeric(12,2)");
}

// Something other than pgphase rewrites the shadow on every UPDATE (a trigger of the
// application's): the repair cannot hold, so the step fails naming the rows and keeps
// nothing of the batch; once the cause is gone, apply resumes and repairs them.
TEST_F(VerifyTest, RepairThatDoesNotHoldFailsTheStepNamingTheKeys) {
  Exec(kPrices);
  const std::string spec = WriteSpec(kMigration, kToNumeric);
  Apply(spec, "backfill");
  CorruptBehindPgphasesBack("42", "-1");
  Exec(
      "CREATE FUNCTION meddle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "NEW._pgphase_new_amount := NEW._pgphase_new_amount + 1; RETURN NEW; END $$;"
      "CREATE TRIGGER meddle BEFORE UPDATE ON prices FOR EACH ROW EXECUTE FUNCTION meddle();");

  RunResult r = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("1 rows of \"public\".\"prices\" still differ from `up` after their repair "
                       "(keys: 42)"),
            std::string::npos)
      << r;
  EXPECT_EQ(PhaseStatus(kMigration, "validate"), "failed");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_amount FROM prices WHERE id = 42"), "-1.00")
      << "the batch was rolled back";
  EXPECT_EQ(EventDetails("verify_failed").size(), 1u);

  Exec("DROP TRIGGER meddle ON prices; DROP FUNCTION meddle();");
  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("5000 rows checked, 1 mismatched, 1 repaired (sample keys: 42)"),
            std::string::npos)
      << r;
  EXPECT_EQ(WrongShadows(), 0);
}

TEST_F(VerifyTest, TableWithoutKeyIsVerifiedInCtidRanges) {
  Exec(
      "CREATE TABLE prices (id bigint, amount text);"
      "INSERT INTO prices SELECT g, (g * 1.5)::text FROM generate_series(1, 3000) g;"
      "ANALYZE prices;");
  const std::string spec = WriteSpec(kMigration, kToNumeric);
  Apply(spec, "backfill");
  CorruptBehindPgphasesBack("10, 2000", "0");
  RunResult r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("3000 rows checked, 2 mismatched, 2 repaired (sample keys: ("),
            std::string::npos)
      << "a table without a key names rows by ctid" << r;
  EXPECT_EQ(WrongShadows(), 0);
}

// A migration begun under state version 1 (no verification columns, no sync_errors): status reads
// it as it is, and the next apply upgrades the schema in place and goes on. (A plan registered
// under version 1 has no verify step; this one does, to show the upgraded columns at work.)
TEST_F(VerifyTest, StateOfVersionOneIsReadByStatusAndUpgradedByApply) {
  Exec(kPrices);
  const std::string spec = WriteSpec(kMigration, kToNumeric);
  Apply(spec, "backfill");
  Exec(
      "ALTER TABLE pgphase.backfill DROP COLUMN verify, DROP COLUMN mismatched, "
      "DROP COLUMN sample_keys, DROP COLUMN part, DROP COLUMN upper_key;"
      "ALTER TABLE pgphase.backfill ADD PRIMARY KEY (migration, step_id);"
      "DROP TABLE pgphase.sync_errors; DROP FUNCTION pgphase.record_sync_error;"
      "DROP TABLE pgphase.version_schemas; UPDATE pgphase.schema_version SET version = 1;");
  RunResult r = Run({"status", kMigration, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT version FROM pgphase.schema_version"), 1) << "status is read-only";
  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT version FROM pgphase.schema_version"), 4);
  EXPECT_TRUE(RelationExists("pgphase.version_schemas"));
  EXPECT_NE(r.out.find("verify prices: 5000 rows checked, 0 mismatched"), std::string::npos) << r;
  EXPECT_EQ(EventDetails("verify_done").size(), 1u);
}

// `up` that calls a function pg_proc does not call IMMUTABLE is not verified, and plan says
// why; an IMMUTABLE function of the user's is looked up the same way and verified.
TEST_F(VerifyTest, NotDeterministicUpIsNotVerifiedAndPlanSaysWhy) {
  Exec(kPrices);
  Exec(
      "CREATE FUNCTION to_amount(t text) RETURNS numeric LANGUAGE sql IMMUTABLE "
      "AS $$ SELECT CAST(t AS numeric(12,2)) $$;"
      "CREATE FUNCTION to_amount_now(t text) RETURNS numeric LANGUAGE sql STABLE "
      "AS $$ SELECT CAST(t AS numeric(12,2)) $$;");
  const std::string head =
      "operations:\n  - alter_column:\n      table: prices\n      column: amount\n"
      "      type: numeric(12,2)\n      down: CAST(amount AS text)\n      up: ";
  const std::string immutable = WriteSpec("0032_immutable", head + "to_amount(amount)\n");
  RunResult r = Run({"plan", immutable});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("validate.prices.verify"), std::string::npos) << r;

  const std::string stable = WriteSpec(kMigration, head + "to_amount_now(amount)\n");
  r = Run({"plan", stable});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("note: alter_column prices.amount: _pgphase_new_amount is not verified at "
                       "validate: `up` is not deterministic (to_amount_now() is STABLE)"),
            std::string::npos)
      << r;
  EXPECT_EQ(r.out.find("validate.prices.verify"), std::string::npos) << "no verify step" << r;

  const std::string volatile_up = WriteSpec(
      "0033_volatile", head + "CAST(amount AS numeric(12,2)) + CAST(random() * 0 AS numeric)\n");
  r = Run({"plan", volatile_up});
  EXPECT_NE(r.out.find("(random() is VOLATILE)"), std::string::npos) << r;

  r = Run({"apply", stable, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("note: alter_column prices.amount"), std::string::npos) << r;
  EXPECT_EQ(r.out.find("rows checked"), std::string::npos) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.events WHERE event LIKE 'verify%'"), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM prices WHERE amount IS DISTINCT FROM "
                      "(id * 1.5)::numeric(12,2)"),
            0);
}

}  // namespace
}  // namespace pgphase::it
