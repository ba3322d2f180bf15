// An index or constraint on a column an earlier operation of the same migration fills
// (src/plan/filled.h): made after the backfill, on the column that holds the values.
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::PlanYaml;

// The statement of the step `id` of `phase`, "" when there is none.
std::string StepSql(const Plan& p, Phase phase, const std::string& id) {
  for (const auto& s : p.phase(phase).steps)
    if (s.id == id && s.statement) return s.statement->sql;
  return "";
}

// The position of step `id` in `phase`, -1 when there is none.
int StepIndex(const Plan& p, Phase phase, const std::string& id) {
  const auto& steps = p.phase(phase).steps;
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].id == id) return static_cast<int>(i);
  return -1;
}

Plan PlanOk(const std::string& ops) {
  auto plan = PlanYaml("operations:\n" + ops);
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? *plan : Plan{};
}

void ExpectRefused(const std::string& ops, const std::string& message) {
  SCOPED_TRACE(ops);
  auto plan = PlanYaml("operations:\n" + ops);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find(message), std::string::npos) << plan.status().message();
}

constexpr const char* kAddScore =
    "  - add_column: {table: users, up: length(name), column: {name: score, type: int, "
    "nullable: true}}\n";
constexpr const char* kNameToVarchar =
    "  - alter_column: {table: users, column: name, type: varchar(200), up: "
    "CAST(name AS varchar(200)), down: name}\n";

TEST(FilledColumnPlanTest, IndexOnAColumnTheMigrationBackfillsIsBuiltInValidate) {
  const Plan plan = PlanOk(std::string(kAddScore) +
                           "  - create_index: {name: users_score_idx, table: users, columns: "
                           "[score], predicate: score > 2}\n");
  EXPECT_EQ(StepIndex(plan, Phase::kExpand, "expand.create_index.users_score_idx"), -1)
      << "not on the all-NULL column, before the backfill";
  EXPECT_EQ(StepSql(plan, Phase::kValidate, "validate.create_index.users_score_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_score_idx\" ON \"public\".\"users\" "
            "USING btree (\"score\") WHERE (score > 2)");
  EXPECT_FALSE(plan.phase(Phase::kBackfill).steps.empty());
}

TEST(FilledColumnPlanTest, IndexOnAColumnAddedWithoutBackfillStaysInExpand) {
  const Plan plan = PlanOk(
      "  - add_column: {table: users, column: {name: score, type: int, default: '0'}}\n"
      "  - create_index: {name: users_score_idx, table: users, columns: [score]}\n"
      "  - create_index: {name: users_email_idx, table: users, columns: [email]}\n");
  EXPECT_NE(StepIndex(plan, Phase::kExpand, "expand.create_index.users_score_idx"), -1);
  EXPECT_NE(StepIndex(plan, Phase::kExpand, "expand.create_index.users_email_idx"), -1);
  EXPECT_TRUE(plan.phase(Phase::kValidate).steps.empty());
}

TEST(FilledColumnPlanTest, IndexOnAPredicateColumnTheMigrationChangesIsBuiltOnTheShadow) {
  const Plan plan = PlanOk(std::string(kNameToVarchar) +
                           "  - create_index: {name: users_email_idx, table: users, columns: "
                           "[email], unique: true, predicate: name <> ''}\n");
  EXPECT_EQ(StepIndex(plan, Phase::kExpand, "expand.create_index.users_email_idx"), -1);
  EXPECT_EQ(StepSql(plan, Phase::kValidate, "validate.create_index.users_email_idx"),
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_email_idx\" ON "
            "\"public\".\"users\" USING btree (\"email\") WHERE (\"_pgphase_new_name\" <> '')");
}

TEST(FilledColumnPlanTest, IndexOnAnAlteredColumnIsBuiltOnTheShadowAfterItsVerification) {
  const Plan plan = PlanOk(std::string(kNameToVarchar) +
                           "  - create_index: {name: users_name_idx, table: users, columns: "
                           "[name]}\n");
  EXPECT_EQ(StepIndex(plan, Phase::kExpand, "expand.create_index.users_name_idx"), -1);
  EXPECT_EQ(StepSql(plan, Phase::kValidate, "validate.create_index.users_name_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_idx\" ON \"public\".\"users\" "
            "USING btree (\"_pgphase_new_name\")");
  EXPECT_LT(StepIndex(plan, Phase::kValidate, "validate.users.verify"),
            StepIndex(plan, Phase::kValidate, "validate.create_index.users_name_idx"));
  // The swap's rename carries it: nothing renames the index itself.
  EXPECT_EQ(StepSql(plan, Phase::kSwap, "swap.users").find("users_name_idx"), std::string::npos);
}

TEST(FilledColumnPlanTest, IndexOnARenamedAndChangedColumnIsBuiltOnItsNewColumn) {
  const Plan plan = PlanOk(
      "  - alter_column: {table: users, column: email, name: mail, type: varchar(200), up: "
      "CAST(email AS varchar(200)), down: mail}\n"
      "  - create_index: {name: users_mail_idx, table: users, columns: [mail]}\n");
  EXPECT_EQ(StepSql(plan, Phase::kValidate, "validate.create_index.users_mail_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_mail_idx\" ON \"public\".\"users\" "
            "USING btree (\"mail\")");
}

TEST(FilledColumnPlanTest, WithVersionSchemasAnIndexIsBuiltOnThePairUnderTheSameName) {
  auto plan =
      PlanYaml("settings:\n  version_schemas: true\noperations:\n" + std::string(kNameToVarchar) +
               "  - create_index: {name: users_name_idx, table: users, columns: [name]}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(StepSql(*plan, Phase::kValidate, "validate.create_index.users_name_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_idx\" ON \"public\".\"users\" "
            "USING btree (\"_pgphase_new_name\")");
}

TEST(FilledColumnPlanTest, IndexAndCheckOnAColumnRenamedAtSwapUseItsNameUntilThen) {
  const Plan plan = PlanOk(
      "  - rename_column: {table: users, from: id, to: uid}\n"
      "  - create_index: {name: users_uid_idx, table: users, columns: [uid], predicate: uid > "
      "0}\n"
      "  - create_constraint: {table: users, name: uid_positive, type: check, columns: [uid], "
      "check: uid > 0}\n");
  EXPECT_EQ(StepSql(plan, Phase::kExpand, "expand.create_index.users_uid_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_uid_idx\" ON \"public\".\"users\" "
            "USING btree (\"id\") WHERE (\"id\" > 0)")
      << "not filled: in expand, on the column as it is named until swap";
  EXPECT_EQ(StepSql(plan, Phase::kExpand, "expand.create_constraint.users.uid_positive"),
            "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"uid_positive\" CHECK ((\"id\" > "
            "0)) NOT VALID");
}

TEST(FilledColumnPlanTest, UniqueConstraintOnAnAlteredColumnIsAttachedInTheSwapTransaction) {
  const Plan plan = PlanOk(std::string(kNameToVarchar) +
                           "  - create_constraint: {table: users, name: users_name_uq, type: "
                           "unique, columns: [name]}\n");
  EXPECT_EQ(StepSql(plan, Phase::kValidate, "validate.create_constraint.users.users_name_uq.index"),
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_uq\" ON "
            "\"public\".\"users\" USING btree (\"_pgphase_new_name\")");
  ASSERT_EQ(plan.phase(Phase::kSwap).steps.size(), 1u) << "one transaction";
  const std::string swap = StepSql(plan, Phase::kSwap, "swap.users");
  const size_t rename = swap.find("RENAME COLUMN \"_pgphase_new_name\" TO \"name\"");
  const size_t attach = swap.find("ADD CONSTRAINT \"users_name_uq\" UNIQUE USING INDEX");
  ASSERT_NE(attach, std::string::npos) << swap;
  EXPECT_LT(rename, attach) << swap;
}

TEST(FilledColumnPlanTest, PrimaryKeyOnAnAddedColumnProvesNotNullOnIt) {
  const Plan plan = PlanOk(
      "  - add_column: {table: logs, up: md5(msg), column: {name: k, type: text, nullable: "
      "true}}\n"
      "  - create_constraint: {table: logs, name: logs_pkey, type: primary_key, columns: [k]}\n");
  EXPECT_NE(
      StepIndex(plan, Phase::kValidate, "validate.create_constraint.logs.logs_pkey.k.set_not_null"),
      -1);
}

TEST(FilledColumnPlanTest, CheckAndForeignKeyOnAnAlteredColumnAreOnTheShadow) {
  const Plan plan = PlanOk(
      "  - alter_column: {table: users, column: email, nullable: false, up: "
      "\"coalesce(email, '')\"}\n"
      "  - create_constraint: {table: users, name: email_len, type: check, columns: [email], "
      "check: length(email) < 100}\n"
      "  - create_constraint: {table: users, name: email_fk, type: foreign_key, columns: "
      "[email], references: {table: accounts, columns: [code]}}\n");
  EXPECT_EQ(StepSql(plan, Phase::kExpand, "expand.create_constraint.users.email_len"),
            "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"email_len\" CHECK "
            "((length(\"_pgphase_new_email\") < 100)) NOT VALID");
  EXPECT_NE(StepSql(plan, Phase::kExpand, "expand.create_constraint.users.email_fk")
                .find("FOREIGN KEY (\"_pgphase_new_email\")"),
            std::string::npos);
}

TEST(FilledColumnPlanTest, WhatCannotFollowTheFillIsRefusedAtPlanTime) {
  ExpectRefused("  - create_index: {name: users_name_idx, table: users, columns: [name]}\n" +
                    std::string(kNameToVarchar),
                "index users_name_idx, which an earlier operation of this migration creates");
  // After an alter_column or rename_column of the column the check is combined with it
  // (combine_test.cc); after an add_column it is not.
  ExpectRefused(
      "  - add_column: {table: users, up: \"'a'\", column: {name: n, type: text}}\n"
      "  - create_constraint: {table: users, name: c, type: check, columns: [n], "
      "check: n <> '', up: {n: \"'x'\"}}\n",
      "up.n: the check is on a column an earlier operation of this migration fills");
  ExpectRefused(std::string(kNameToVarchar) +
                    "  - create_constraint: {table: users, name: c, type: check, columns: [name, "
                    "email], check: name <> email, up: {email: \"'x'\"}}\n",
                "up.email: the check is on a column an earlier operation of this migration");
  ExpectRefused(
      "  - alter_column: {table: accounts, column: code, type: varchar(20), up: "
      "CAST(code AS varchar(20))}\n"
      "  - create_constraint: {table: users, name: fk, type: foreign_key, columns: [email], "
      "references: {table: accounts, columns: [code]}}\n",
      "references \"accounts\"(code), which an earlier operation of this migration");
}

}  // namespace
}  // namespace pgphase
