// Verification of pgphase-owned columns (plan/verify.h): which copies validate checks, where
// its step goes, and which expressions are not deterministic enough to be checked.
#include "plan/verify.h"

#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::FakeOptions;
using testing::Notes;
using testing::PlanYaml;

bool HasVerifyStep(const Plan& p) {
  for (const Step& s : p.phase(Phase::kValidate).steps)
    if (s.backfill && s.backfill->verify) return true;
  return false;
}

// The validate steps after the conversion checks, which come before everything else.
std::vector<Step> AfterConversionChecks(const Plan& p) {
  std::vector<Step> out;
  for (const Step& s : p.phase(Phase::kValidate).steps)
    if (!s.conversion_check) out.push_back(s);
  return out;
}

std::string AlterEmail(const std::string& fields) {
  return "operations:\n  - alter_column:\n      table: users\n      column: email\n" + fields;
}

TEST(VerifyPlanTest, ShadowColumnIsVerifiedBeforeTheColumnsOtherValidateSteps) {
  auto plan = PlanYaml(AlterEmail(
      "      type: varchar(100)\n      nullable: false\n      unique: {name: users_email_key}\n"
      "      check: {name: email_at, constraint: position('@' in email) > 0}\n"
      "      up: left(coalesce(email, ''), 100)\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_TRUE(plan->phase(Phase::kValidate).steps.at(0).conversion_check)
      << "rows a fill could not convert are settled before any row is verified";
  const auto validate = AfterConversionChecks(*plan);
  ASSERT_GE(validate.size(), 5u);
  EXPECT_EQ(validate[0].id, "validate.users.verify");
  ASSERT_TRUE(validate[0].backfill.has_value());
  const BackfillJob& job = *validate[0].backfill;
  EXPECT_TRUE(job.verify);
  EXPECT_EQ(job.key, (std::vector<KeyColumn>{{"id", "bigint"}}));
  ASSERT_EQ(job.assignments.size(), 1u);
  EXPECT_EQ(job.assignments[0].column, "_pgphase_new_email");
  EXPECT_EQ(job.assignments[0].expr, "(left(coalesce(email, ''), 100))");
  EXPECT_EQ(job.only_where,
            "\"_pgphase_new_email\" IS DISTINCT FROM CAST((left(coalesce(email, ''), 100)) AS "
            "varchar(100))");
  EXPECT_EQ(job.estimated_rows, 300000);
  std::vector<std::string> rest;
  for (size_t i = 1; i < validate.size(); ++i) rest.push_back(validate[i].id);
  EXPECT_EQ(rest, (std::vector<std::string>{
                      "validate.users.email.not_null_helper", "validate.users.email.not_null_check",
                      "validate.users.email.set_not_null", "validate.users.email.check",
                      "validate.users.email.unique_index"}));
  const Statement batch = BatchSql(job, false);
  EXPECT_EQ(batch.lock, Lock::kRowExclusive);
  EXPECT_TRUE(batch.scans);
  EXPECT_NE(batch.sql.find("RETURNING \"id\" AS k1"), std::string::npos) << batch.sql;
}

// Constraints of the table planned earlier in the migration are validated on verified data too.
TEST(VerifyPlanTest, VerificationPrecedesEveryValidateStep) {
  auto plan = PlanYaml(
      "operations:\n  - create_constraint: {table: users, name: name_long, type: check, "
      "columns: [name], check: length(name) > 1}\n"
      "  - alter_column: {table: order_lines, column: note, type: varchar(10)}\n"
      "  - alter_column: {table: users, column: email, type: varchar(50)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::vector<std::string> ids;
  for (const Step& s : plan->phase(Phase::kValidate).steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"validate.users.verify", "validate.order_lines.verify",
                                           "validate.create_constraint.users.name_long"}));
  const BackfillJob& lines = *plan->phase(Phase::kValidate).steps[1].backfill;
  EXPECT_EQ(lines.only_where,
            "\"_pgphase_new_note\" IS DISTINCT FROM CAST((CAST(\"note\" AS varchar(10))) AS "
            "varchar(10))")
      << "the default `up` is verified too";
}

TEST(VerifyPlanTest, ColumnsTheNewAppMayWriteAreNotVerified) {
  auto plan = PlanYaml(
      "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column: {name: shout, type: text, nullable: true}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(HasVerifyStep(*plan));
  EXPECT_NE(Notes(*plan).find("add_column users.shout: not verified at validate: the new "
                              "application may write the column from sync on"),
            std::string::npos)
      << Notes(*plan);
}

TEST(VerifyPlanTest, TableWithoutKeyIsVerifiedInCtidRanges) {
  auto plan =
      PlanYaml("operations:\n  - alter_column: {table: logs, column: msg, type: varchar(20)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& verify = plan->phase(Phase::kValidate).steps.at(0);
  ASSERT_TRUE(verify.backfill && verify.backfill->verify);
  EXPECT_TRUE(verify.backfill->ByCtid());
  EXPECT_NE(verify.summary.find("in ctid-range batches"), std::string::npos) << verify.summary;
}

TEST(VerifyPlanTest, TypesWithoutEqualityAreComparedAsText) {
  auto plan = PlanYaml(AlterEmail("      type: json\n      up: to_json(email)\n"),
                       testing::FakeCatalog(), [] {
                         PlanOptions o = FakeOptions();
                         o.function_volatility[{"", "to_json"}] = Volatility::kImmutable;
                         return o;
                       }());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(AfterConversionChecks(*plan).at(0).backfill->only_where,
            "\"_pgphase_new_email\"::text IS DISTINCT FROM CAST((to_json(email)) AS json)::text");
}

struct NotDeterministicCase {
  std::string fields;  // of the alter_column on users.email
  std::string reason;  // in the note
};

TEST(VerifyPlanTest, ExpressionsThatAreNotDeterministicSkipVerificationWithANote) {
  const std::vector<NotDeterministicCase> cases = {
      {"      up: email || now()::text\n", "now() is STABLE"},
      {"      type: int\n      up: (random() * 10)::int\n", "random() is VOLATILE"},
      {"      up: public.slug(email)\n", "the volatility of public.slug() is not known"},
      {"      up: (SELECT max(name) FROM users)\n", "it has a sub-select that reads other rows"},
      {"      up: email || CURRENT_TIMESTAMP\n", "it reads a session value"},
      {"      up: email || to_char(1, '9')\n", "to_char() is STABLE"},
      {"      up: CAST(CAST(email AS date) AS text)\n", "it casts to date"},
      {"      type: timestamptz\n", "it casts to timestamptz"},
      {"      type: timestamptz\n      up: email\n", "its value is stored as timestamptz"},
      {"      up: email || born\n", "it reads born (date)"},
      {"      up: email || 1::money\n", "it casts to money"},
  };
  CatalogSnapshot catalog = testing::FakeCatalog();
  catalog.tables[0].columns.push_back(testing::Col("born", "date", false));
  for (const auto& c : cases) {
    auto plan = PlanYaml(AlterEmail("      nullable: false\n" + c.fields), catalog);
    ASSERT_TRUE(plan.ok()) << c.fields << plan.status().message();
    EXPECT_FALSE(HasVerifyStep(*plan)) << c.fields;
    const std::string notes = Notes(*plan);
    EXPECT_NE(notes.find("alter_column users.email: _pgphase_new_email is not verified at "
                         "validate: `up` is not deterministic (" +
                         c.reason),
              std::string::npos)
        << c.fields << notes;
    EXPECT_EQ(AfterConversionChecks(*plan).at(0).id, "validate.users.email.not_null_helper")
        << "the other validate steps stay";
  }
}

TEST(VerifyPlanTest, SubselectOfTheOwnRowAndImmutableCallsAreDeterministic) {
  for (const char* up : {"SELECT CASE WHEN email IS NULL THEN 'none' ELSE email END",
                         "lower(trim(email))", "md5(email || name)"}) {
    auto plan = PlanYaml(AlterEmail(std::string("      nullable: false\n      up: ") + up + "\n"));
    ASSERT_TRUE(plan.ok()) << up << plan.status().message();
    EXPECT_TRUE(HasVerifyStep(*plan)) << up << Notes(*plan);
  }
}

TEST(VerifyPlanTest, WithoutVolatilityEveryFunctionCallSkipsVerification) {
  auto plan = PlanYaml(AlterEmail("      nullable: false\n      up: lower(email)\n"),
                       testing::FakeCatalog(), PlanOptions{});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(HasVerifyStep(*plan));
  EXPECT_NE(Notes(*plan).find("the volatility of lower() is not known"), std::string::npos);
}

TEST(VerifyPlanTest, CalledFunctionsAreThoseOfAlterColumnUps) {
  auto spec = ParseSpec(
      "operations:\n"
      "  - add_column: {table: users, up: upper(name), column: {name: s, type: text}}\n"
      "  - alter_column: {table: users, column: email, type: int, up: length(trim(email))}\n"
      "  - alter_column: {table: users, column: name, nullable: false, up: \"coalesce(name, "
      "lower(email))\"}\n"
      "  - alter_column: {table: logs, column: msg, nullable: false, up: \"1 +\"}\n",
      "0001_test.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(CalledFunctions(*spec),
            (std::vector<FunctionName>{{"", "length"}, {"pg_catalog", "btrim"}, {"", "lower"}}));
}

TEST(VerifyPlanTest, VerifyFlagRoundTripsThroughTheStoredPlan) {
  auto plan = PlanYaml(AlterEmail("      type: varchar(10)\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  auto back = ParsePlanJson(PlanToJson(*plan));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->phase(Phase::kValidate).steps.at(0).backfill->verify);
  EXPECT_EQ(*back, *plan);
}

}  // namespace
}  // namespace pgphase
