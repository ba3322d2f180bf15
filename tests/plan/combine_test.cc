// Several operations on one column in one migration: combined into one path through the
// phases (src/plan/merge.cc).
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::Notes;
using testing::PlanYaml;

std::string AllSql(const Plan& p) {
  std::string out;
  for (Phase phase : kAllPhases) {
    for (const auto& s : p.phase(phase).steps) {
      if (s.statement) out += s.statement->sql + "\n";
      if (s.backfill)
        for (const auto& a : s.backfill->assignments)
          out += "FILL " + a.column + " = " + a.expr + "\n";
    }
  }
  return out;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(CombinePlanTest, AddColumnThenAlterColumnAddsTheFinalColumnOnce) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column:\n"
      "      table: users\n"
      "      up: length(name)\n"
      "      column: {name: n, type: int, nullable: true}\n"
      "  - alter_column:\n"
      "      table: users\n"
      "      column: n\n"
      "      name: name_length\n"
      "      type: bigint\n"
      "      nullable: false\n"
      "      up: coalesce(n, 0) * 2\n"
      "      down: name_length\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_NE(sql.find("ADD COLUMN IF NOT EXISTS \"name_length\" bigint"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("_pgphase_new"), std::string::npos) << "no shadow of a new column\n" << sql;
  EXPECT_EQ(sql.find("\"n\""), std::string::npos) << sql;
  // The alter's `up` reads n, which is the add's `up`.
  EXPECT_NE(sql.find("FILL name_length = (coalesce(((length(name))), 0) * 2)"), std::string::npos)
      << sql;
  EXPECT_NE(sql.find("SET NOT NULL"), std::string::npos) << sql;
  const std::string notes = Notes(*plan);
  EXPECT_NE(notes.find("alter_column users.n (0001_test.yaml:6:5) is combined with the earlier "
                       "add_column (0001_test.yaml:2:5)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("`down` is not used"), std::string::npos) << notes;
}

TEST(CombinePlanTest, AddColumnWithoutUpGivesTheAlterItsDefaultOrNull) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, column: {name: n, type: int, nullable: true}}\n"
      "  - alter_column: {table: users, column: n, up: 'coalesce(n, 7)', type: bigint}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan).find("FILL n = (coalesce(((CAST(NULL AS int))), 7))"), std::string::npos)
      << AllSql(*plan);
}

TEST(CombinePlanTest, TwoAlterColumnsTakeOneShadowColumnWithComposedUpAndDown) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - alter_column: {table: users, column: email, type: varchar(200), up: lower(email),"
      " down: upper(email)}\n"
      "  - alter_column: {table: users, column: email, name: mail, nullable: false,"
      " up: \"coalesce(email, 'none')\"}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  // A rename: the new column takes its name at expand (a column pair).
  EXPECT_EQ(Count(sql, "ADD COLUMN IF NOT EXISTS \"mail\" varchar(200)"), 1u) << sql;
  EXPECT_NE(sql.find("FILL mail = (coalesce(((lower(email))), 'none'))"), std::string::npos) << sql;
  // down: the second gave none, so mail's own value is what the first's down reads.
  EXPECT_NE(sql.find("upper(((\"mail\")))"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("RENAME COLUMN"), std::string::npos) << sql;
}

TEST(CombinePlanTest, TypeChangesChainThroughTheMiddleType) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - alter_column: {table: users, column: email, type: varchar(10)}\n"
      "  - alter_column: {table: users, column: email, type: bytea, down: \"'x'\"}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_NE(
      sql.find("FILL _pgphase_new_email = (CAST(((CAST(\"email\" AS varchar(10)))) AS bytea))"),
      std::string::npos)
      << sql;
  // The first's default down converts back to text from varchar(10); the second's down
  // gives the varchar(10) value.
  EXPECT_NE(sql.find("CAST((('x')) AS text)"), std::string::npos) << sql;
}

TEST(CombinePlanTest, RenameColumnThenAlterColumnIsOneAlterThatRenames) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - rename_column: {table: users, from: email, to: mail}\n"
      "  - alter_column: {table: users, column: mail, type: varchar(100)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_EQ(Count(sql, "ADD COLUMN IF NOT EXISTS \"mail\" varchar(100)"), 1u) << sql;
  EXPECT_NE(sql.find("DROP COLUMN IF EXISTS \"email\""), std::string::npos) << sql;
  EXPECT_NE(Notes(*plan).find("combined with the earlier rename_column"), std::string::npos)
      << Notes(*plan);
}

// pgroll's "rename table, rename column, create foreign key constraint": the constraint's
// `up` goes through the one new column the rename has (a pair under the new name).
TEST(CombinePlanTest, RenameColumnThenForeignKeyWithUpIsOneAlterThatRenames) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - rename_column: {table: users, from: email, to: mail}\n"
      "  - create_constraint: {table: users, name: users_mail_fk, type: foreign_key, columns: "
      "[mail], references: {table: accounts, columns: [code]}, up: {mail: lower(mail)}, down: "
      "{mail: mail}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_EQ(Count(sql, "ADD COLUMN"), 1u) << sql;
  EXPECT_NE(sql.find("ADD COLUMN IF NOT EXISTS \"mail\" text"), std::string::npos) << sql;
  EXPECT_NE(sql.find("ADD CONSTRAINT \"users_mail_fk\" FOREIGN KEY (\"mail\") REFERENCES "
                     "\"public\".\"accounts\" (\"code\") NOT VALID"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("FILL mail = (lower(((\"email\"))))"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("RENAME COLUMN"), std::string::npos) << sql;
  EXPECT_NE(Notes(*plan).find("create_constraint users.mail (0001_test.yaml:3:5) is combined with "
                              "the earlier rename_column (0001_test.yaml:2:5)"),
            std::string::npos)
      << Notes(*plan);
}

// pgroll's "rename table, rename column, create check constraint", with version schemas: the
// check is on the new column of the pair, which `up` fills from the old one.
TEST(CombinePlanTest, RenameColumnThenCheckWithUpPutsTheCheckOnTheNewColumn) {
  PlanOptions options = testing::FakeOptions();
  options.version_schemas = true;
  auto plan = PlanYaml(
      "operations:\n"
      "  - rename_column: {table: users, from: email, to: mail}\n"
      "  - create_constraint: {table: users, name: mail_length, type: check, columns: [mail], "
      "check: length(mail) > 3, up: {mail: \"CASE WHEN length(mail) <= 3 THEN mail || '-x' "
      "ELSE mail END\"}, down: {mail: mail}}\n",
      testing::FakeCatalog(), options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_EQ(Count(sql, "ADD COLUMN"), 1u) << sql;
  EXPECT_NE(sql.find("ADD CONSTRAINT \"mail_length\" CHECK ((length(\"mail\") > 3)) NOT VALID"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("FILL mail = (CASE WHEN length(((\"email\"))) <= 3"), std::string::npos)
      << sql;
  EXPECT_EQ(sql.find("NOT (length"), std::string::npos) << "no fix of rejected rows\n" << sql;
}

// The check's `up` reads the column as the type change leaves it; one new column carries both.
TEST(CombinePlanTest, AlterColumnThenCheckWithUpTakesOneShadowColumn) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - alter_column: {table: users, column: name, type: varchar(200), up: CAST(name AS "
      "varchar(200)), down: name}\n"
      "  - create_constraint: {table: users, name: c, type: check, columns: [name], check: name "
      "<> '', up: {name: \"CASE WHEN name = '' THEN 'x' ELSE name END\"}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_EQ(Count(sql, "ADD COLUMN"), 1u) << sql;
  EXPECT_NE(sql.find("ADD CONSTRAINT \"c\" CHECK ((\"_pgphase_new_name\" <> ''))"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("FILL _pgphase_new_name = (CASE WHEN ((CAST(name AS varchar(200)))) = ''"),
            std::string::npos)
      << sql;
  EXPECT_NE(Notes(*plan).find("create_constraint users.name (0001_test.yaml:3:5) is combined with "
                              "the earlier alter_column"),
            std::string::npos)
      << Notes(*plan);
}

TEST(CombinePlanTest, RenameAfterAddGivesTheAddedColumnItsFinalName) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column:\n"
      "      table: users\n"
      "      column:\n"
      "        name: a\n"
      "        type: int\n"
      "        nullable: true\n"
      "        check: {name: a_positive, constraint: a > 0}\n"
      "  - rename_column: {table: users, from: a, to: b}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_NE(sql.find("ADD COLUMN IF NOT EXISTS \"b\" int"), std::string::npos) << sql;
  EXPECT_NE(sql.find("CHECK ((\"b\" > 0))"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("RENAME"), std::string::npos) << sql;
}

TEST(CombinePlanTest, UniqueGivenByTheAlterKeepsItsName) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, up: id, column: {name: code, type: bigint}}\n"
      "  - alter_column: {table: users, column: code, unique: {name: users_code_uq}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan).find("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_code_uq\""),
            std::string::npos)
      << AllSql(*plan);
}

TEST(CombinePlanTest, CreateTableThenAlterColumnCreatesTheFinalColumn) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - create_table:\n"
      "      name: items\n"
      "      columns:\n"
      "        - {name: id, type: bigint, pk: true}\n"
      "        - {name: price, type: int, nullable: true}\n"
      "  - alter_column: {table: items, column: price, type: \"numeric(10,2)\", nullable: "
      "false}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = AllSql(*plan);
  EXPECT_NE(sql.find("\"price\" numeric(10,2) NOT NULL"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("_pgphase_new"), std::string::npos) << sql;
}

TEST(CombinePlanTest, TwoChecksOnOneColumnAreRefusedWithTheReason) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - alter_column: {table: users, column: email, check: {name: c1, constraint: email <> "
      "''}}\n"
      "  - alter_column: {table: users, column: email, check: {name: c2, constraint: email <> "
      "'x'}}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_EQ(plan.status().message().rfind("0001_test.yaml:3:5: alter_column: check: an earlier "
                                          "operation of this migration already gives column "
                                          "\"email\" a check",
                                          0),
            0u)
      << plan.status().message();
}

TEST(CombinePlanTest, AnIndexInBetweenKeepsTheOperationsApart) {
  // The index is built on the column as the add_column makes it, so the alter cannot be
  // folded back into the add_column; its shadow path is refused with the reason.
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, up: id, column: {name: n, type: int}}\n"
      "  - create_index: {name: users_n, table: users, columns: [n]}\n"
      "  - alter_column: {table: users, column: n, type: bigint}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("created or renamed earlier in this migration"),
            std::string::npos)
      << plan.status().message();
  EXPECT_EQ(plan.status().message().rfind("0001_test.yaml:4:5:", 0), 0u) << plan.status().message();
}

TEST(CombinePlanTest, ColumnsOfOtherTablesInBetweenDoNotKeepThemApart) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, up: id, column: {name: n, type: int}}\n"
      "  - add_column: {table: logs, column: {name: m, type: int, nullable: true}}\n"
      "  - alter_column: {table: users, column: n, type: bigint}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan).find("FILL n = (CAST((id) AS bigint))"), std::string::npos)
      << AllSql(*plan);
}

TEST(CombinePlanTest, AComposedExpressionStaysOneTerm) {
  // "1) + (2" is one expression as pgphase embeds it, "(1) + (2)"; composed into n * 3 it
  // must give 9, not 1 + 2 * 3.
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, up: '1) + (2', column: {name: n, type: int}}\n"
      "  - alter_column: {table: users, column: n, type: bigint, up: n * 3}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan).find("FILL n = (((1) + (2)) * 3)"), std::string::npos) << AllSql(*plan);
}

TEST(CombinePlanTest, AnExpressionThatIsNotOneExpressionIsRefusedWhereItIsWritten) {
  auto plan = PlanYaml(
      "operations:\n"
      "  - add_column: {table: users, up: 'id); DROP TABLE users; SELECT (1', column: {name: n, "
      "type: int}}\n"
      "  - alter_column: {table: users, column: n, type: bigint, up: n * 3}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message().rfind("0001_test.yaml:2:", 0), 0u) << plan.status().message();
  EXPECT_NE(plan.status().message().find("no other SQL"), std::string::npos)
      << plan.status().message();
}

}  // namespace
}  // namespace pgphase
