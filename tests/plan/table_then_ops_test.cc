// Planning operations on a table that the same migration creates or renames, and the
// refusals of what a dependent object would make fail later (issue 17).
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::PlanYaml;

// Every statement of `phase` (its transactions' statements included), one a line.
std::string PhaseSql(const Plan& p, Phase phase) {
  std::string out;
  for (const Step& s : p.phase(phase).steps)
    if (s.statement) out += s.statement->sql + "\n";
  return out;
}

void ExpectRefused(const std::string& yaml, const std::string& what,
                   const CatalogSnapshot& catalog = testing::FakeCatalog()) {
  SCOPED_TRACE(yaml);
  auto plan = PlanYaml(yaml, catalog);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find(what), std::string::npos) << plan.status().message();
}

constexpr const char* kRenameThenNotNull =
    "operations:\n  - rename_table: {from: users, to: people}\n"
    "  - alter_column: {table: people, column: email, nullable: false, up: "
    "\"COALESCE(email, 'none')\", down: email}\n";

TEST(TableThenOpsPlanTest, RenamedTableIsChangedByItsOldNameUntilContract) {
  auto plan = PlanYaml(kRenameThenNotNull);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (Phase p : {Phase::kSync, Phase::kBackfill, Phase::kValidate})
    EXPECT_EQ(PhaseSql(*plan, p).find("\"people\""), std::string::npos) << PhaseName(p) << "\n"
                                                                        << PhaseSql(*plan, p);
  const auto& expand = plan->phase(Phase::kExpand).steps;
  EXPECT_EQ(expand.back().statement->sql,
            "CREATE VIEW \"public\".\"people\" AS SELECT * FROM \"public\".\"users\"")
      << "the view comes after the table's other expand steps";
  const std::string swap = PhaseSql(*plan, Phase::kSwap);
  EXPECT_EQ(swap.rfind("DROP VIEW IF EXISTS \"public\".\"people\";\n", 0), 0u)
      << "the view goes first, before the dependents check would count it: " << swap;
  EXPECT_NE(swap.find("CREATE VIEW \"public\".\"people\" AS SELECT \"id\", \"name\", \"email\" "
                      "FROM \"public\".\"users\"\n"),
            std::string::npos)
      << swap;
  const auto& contract = plan->phase(Phase::kContract).steps;
  EXPECT_EQ(contract.back().statement->sql,
            "DROP VIEW IF EXISTS \"public\".\"people\";\n"
            "ALTER TABLE \"public\".\"users\" RENAME TO \"people\"")
      << "contract renames the table last";
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.people", "public.users"}));
}

TEST(TableThenOpsPlanTest, RenamedTableViewLeavesOutWhatContractDrops) {
  auto plan = PlanYaml(
      "operations:\n  - rename_table: {from: users, to: people}\n"
      "  - drop_column: {table: people, column: email}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(PhaseSql(*plan, Phase::kSwap)
                .find("CREATE VIEW \"public\".\"people\" AS SELECT \"id\", \"name\" FROM"),
            std::string::npos);
  EXPECT_NE(PhaseSql(*plan, Phase::kContract)
                .find("ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"email\""),
            std::string::npos);
}

TEST(TableThenOpsPlanTest, OperationsBeforeAndAfterARenameShareOneTrigger) {
  auto plan = PlanYaml(
      "operations:\n  - add_column: {table: users, column: {name: a, type: text, nullable: "
      "true}, up: upper(name)}\n"
      "  - rename_table: {from: users, to: people}\n"
      "  - add_column: {table: people, column: {name: b, type: text, nullable: true}, up: "
      "lower(name)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_EQ(plan->phase(Phase::kBackfill).steps[0].backfill->table, "users");
}

TEST(TableThenOpsPlanTest, ForeignKeyToARenamedTableReferencesTheTable) {
  auto plan = PlanYaml(
      "operations:\n  - rename_table: {from: users, to: people}\n"
      "  - add_column: {table: logs, column: {name: uid, type: bigint, nullable: true, "
      "references: {name: logs_uid_fk, table: people, column: id}}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(PhaseSql(*plan, Phase::kExpand).find("REFERENCES \"public\".\"users\" (\"id\")"),
            std::string::npos)
      << PhaseSql(*plan, Phase::kExpand);
}

TEST(TableThenOpsPlanTest, RenameTableAfterRenameColumnFoldsTheAlter) {
  // rename_column + alter_column on the new table name combine as on any table.
  auto plan = PlanYaml(
      "operations:\n  - rename_table: {from: users, to: people}\n"
      "  - rename_column: {table: people, from: email, to: mail}\n"
      "  - alter_column: {table: people, column: mail, type: varchar(100)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(
      PhaseSql(*plan, Phase::kExpand)
          .find("ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"mail\" varchar(100)"),
      std::string::npos)
      << PhaseSql(*plan, Phase::kExpand);
}

TEST(TableThenOpsPlanTest, RenamedTableRefusals) {
  EXPECT_TRUE(PlanYaml("operations:\n  - rename_table: {from: users, to: people}\n"
                       "  - add_column: {table: users, column: {name: a, type: text, "
                       "nullable: true}}\n")
                  .ok())
      << "the old name is the table until contract";
  ExpectRefused(
      "operations:\n  - rename_table: {from: users, to: people}\n"
      "  - rename_table: {from: people, to: persons}\n",
      "rename it once, from \"users\" to \"persons\"");
  ExpectRefused(
      "operations:\n  - rename_table: {from: logs, to: journal}\n"
      "  - drop_table: {name: journal}\n",
      "drop it as \"logs\", without renaming it");
}

constexpr const char* kCreateItems =
    "operations:\n  - create_table:\n      name: items\n      columns:\n"
    "        - {name: id, type: serial, pk: true}\n"
    "        - {name: name, type: text, nullable: true}\n";

TEST(TableThenOpsPlanTest, AddColumnToANewTableIsOneAddColumnInExpand) {
  auto plan = PlanYaml(std::string(kCreateItems) +
                       "  - add_column: {table: items, column: {name: d, type: text}, up: "
                       "upper(name)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(
      PhaseSql(*plan, Phase::kExpand)
          .find("ALTER TABLE \"public\".\"items\" ADD COLUMN IF NOT EXISTS \"d\" text NOT NULL"),
      std::string::npos)
      << PhaseSql(*plan, Phase::kExpand);
  for (Phase p : {Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  EXPECT_TRUE(plan->prechecks.empty()) << "the table does not exist before expand";
  EXPECT_NE(testing::Notes(*plan).find("`up` is not used"), std::string::npos);
}

TEST(TableThenOpsPlanTest, AlterColumnOfANewTableIsMadeInExpand) {
  // The create_index in between keeps the alter_column from being folded into create_table.
  auto plan = PlanYaml(std::string(kCreateItems) +
                       "  - create_index: {table: items, name: items_name_idx, columns: [name]}\n"
                       "  - alter_column: {table: items, column: name, type: varchar(9), "
                       "nullable: false, unique: {name: items_name_key}, name: title}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string expand = PhaseSql(*plan, Phase::kExpand);
  for (const char* s :
       {"ALTER TABLE \"public\".\"items\" ALTER COLUMN \"name\" TYPE varchar(9) USING "
        "CAST(\"name\" AS varchar(9))",
        "ALTER TABLE \"public\".\"items\" ALTER COLUMN \"name\" SET NOT NULL",
        "ADD CONSTRAINT \"items_name_key\" UNIQUE USING INDEX \"items_name_key\"",
        "ALTER TABLE \"public\".\"items\" RENAME COLUMN \"name\" TO \"title\""}) {
    EXPECT_NE(expand.find(s), std::string::npos) << s << "\n" << expand;
  }
  for (Phase p : {Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
}

TEST(TableThenOpsPlanTest, RenameOfANewTableIsMadeInExpand) {
  // The create_index keeps the alter_column from being folded into create_table.
  auto plan = PlanYaml(std::string(kCreateItems) +
                       "  - rename_table: {from: items, to: goods}\n"
                       "  - create_index: {table: goods, name: goods_name_idx, columns: "
                       "[name]}\n"
                       "  - alter_column: {table: goods, column: name, nullable: false}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(PhaseSql(*plan, Phase::kExpand).find("CREATE VIEW"), std::string::npos);
  EXPECT_NE(
      PhaseSql(*plan, Phase::kExpand)
          .find(
              "ALTER TABLE \"public\".\"items\" RENAME TO \"goods\"\n"
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"goods_name_idx\" ON \"public\".\"goods\" "
              "USING btree (\"name\")\n"
              "ALTER TABLE \"public\".\"goods\" ALTER COLUMN \"name\" SET NOT NULL"),
      std::string::npos)
      << PhaseSql(*plan, Phase::kExpand);
  EXPECT_TRUE(plan->phase(Phase::kContract).steps.empty());
}

TEST(TableThenOpsPlanTest, DependentsThatWouldFailLaterAreRefusedNow) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  catalog.tables[0].columns[2].dependents = {"view user_emails"};
  ExpectRefused("operations:\n  - drop_column: {table: users, column: email}\n",
                "view user_emails depends on column \"email\", so DROP COLUMN at contract would "
                "fail",
                catalog);
  ExpectRefused("operations:\n  - drop_table: {name: users}\n",
                "view user_emails depends on table \"users\"", catalog);
  catalog.tables[0].columns[2].type = "character varying(5)";
  ExpectRefused("operations:\n  - alter_column: {table: users, column: email, type: text}\n",
                "view user_emails uses column \"email\"", catalog);
  // What DROP COLUMN drops along with the column does not stop it.
  catalog.tables[0].columns[2].dependents = {"sequence users_email_seq"};
  EXPECT_TRUE(
      PlanYaml("operations:\n  - drop_column: {table: users, column: email}\n", catalog).ok());
}

}  // namespace
}  // namespace pgphase
