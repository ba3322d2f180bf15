// Planning create_table, drop_table, rename_table, set_replica_identity and sql: what each
// phase gets, how each step is undone, and what is refused before anything runs.
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

Result<Plan> PlanYaml(const std::string& yaml,
                      const CatalogSnapshot& catalog = testing::FakeCatalog()) {
  auto spec = ParseSpec(yaml, "0003_tables.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, catalog);
}

const Step& OnlyStep(const Plan& p, Phase phase) {
  EXPECT_EQ(p.phase(phase).steps.size(), 1u) << PhaseName(phase);
  return p.phase(phase).steps.at(0);
}

void ExpectRefused(const std::string& yaml, const std::string& where, const std::string& what,
                   const CatalogSnapshot& catalog = testing::FakeCatalog()) {
  SCOPED_TRACE(yaml);
  auto plan = PlanYaml(yaml, catalog);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  const std::string& m = plan.status().message();
  EXPECT_EQ(m.rfind("0003_tables.yaml:" + where + ": ", 0), 0u) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
}

TEST(TablePlanTest, CreateTableIsOneExpandStepUndoneByDropTable) {
  auto plan = PlanYaml(
      "operations:\n  - create_table:\n      name: t\n      columns:\n"
      "        - {name: id, type: serial, pk: true}\n        - {name: a, type: text}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& s = OnlyStep(*plan, Phase::kExpand);
  EXPECT_EQ(s.statement->sql,
            "CREATE TABLE \"public\".\"t\" (\n  \"id\" serial NOT NULL,\n  \"a\" text NOT NULL,\n"
            "  PRIMARY KEY (\"id\")\n)");
  ASSERT_EQ(s.reverse.size(), 1u);
  EXPECT_EQ(s.reverse[0].sql, "DROP TABLE IF EXISTS \"public\".\"t\"");
  for (Phase p : {Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap, Phase::kContract})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.t"}));
  EXPECT_TRUE(plan->expected_columns.empty()) << "a new table has no drift expectations";
}

TEST(TablePlanTest, SeveralPkColumnsMakeOneCompositePrimaryKey) {
  auto plan = PlanYaml(
      "operations:\n  - create_table:\n      name: t\n      columns:\n"
      "        - {name: a, type: int, pk: true}\n        - {name: b, type: int, pk: true}\n"
      "        - {name: c, type: int, nullable: true}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string& sql = OnlyStep(*plan, Phase::kExpand).statement->sql;
  EXPECT_NE(sql.find("PRIMARY KEY (\"a\", \"b\")"), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"c\" integer,") == std::string::npos ? sql.find("\"c\" int,") : 0,
            std::string::npos)
      << "nullable: true leaves the column nullable: " << sql;
}

TEST(TablePlanTest, LaterOperationsSeeTheNewTable) {
  auto plan = PlanYaml(
      "operations:\n  - create_table:\n      name: t\n      columns:\n"
      "        - {name: id, type: int, pk: true}\n"
      "  - create_table:\n      name: u\n      columns:\n"
      "        - {name: t_id, type: int, references: {name: u_t_fk, table: t, column: id}}\n"
      "  - add_column:\n      table: t\n      column: {name: extra, type: text, nullable: true}\n"
      "  - set_replica_identity: {table: t, identity: {type: index, index: t_pkey}}\n"
      "  - rename_table: {from: t, to: t2}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->phase(Phase::kExpand).steps.size(), 5u);
  EXPECT_TRUE(plan->phase(Phase::kSwap).steps.empty()) << "a new table is renamed in expand";
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.t2", "public.u"}));
}

TEST(TablePlanTest, CreateTableRefusals) {
  const std::string head = "operations:\n  - create_table:\n      name: ";
  ExpectRefused(head + "users\n      columns: [{name: a, type: int}]\n", "2:5",
                "table \"public\".\"users\" already exists");
  ExpectRefused(head +
                    "t\n      columns:\n        - {name: a, type: int}\n"
                    "        - {name: a, type: text}\n",
                "6:11", "column \"a\" is listed twice");
  ExpectRefused(head + "t\n      columns:\n        - {name: a, type: \"int; DROP TABLE users\"}\n",
                "5:11", "create_table.columns.type: invalid type");
  ExpectRefused(
      head +
          "t\n      columns:\n"
          "        - {name: a, type: int, references: {name: f, table: nope, column: id}}\n",
      "5:11", "references: table \"public\".\"nope\" does not exist");
  ExpectRefused(
      head +
          "t\n      columns:\n"
          "        - {name: a, type: int, references: {name: f, table: users, column: nope}}\n",
      "5:11", "references: column \"nope\" does not exist in table \"users\"");
  ExpectRefused(head +
                    "t\n      columns:\n"
                    "        - {name: a, type: int, check: {name: c, constraint: b > 0}}\n",
                "5:61", "column \"b\" does not exist in table \"t\"");
  ExpectRefused(head + "t\n      columns:\n        - {name: a, type: int, default: \"a + 1\"}\n",
                "5:41", "create_table.columns.default: a default cannot refer to columns");
  ExpectRefused(head +
                    "t\n      columns:\n        - {name: a, type: int, pk: true}\n"
                    "      constraints:\n        - {name: p, type: primary_key, columns: [a]}\n",
                "7:11", "two primary keys");
  ExpectRefused(head +
                    "t\n      columns:\n        - {name: a, type: int}\n"
                    "      constraints:\n        - {name: u, type: unique, columns: [b]}\n",
                "7:11", "constraints.columns: column \"b\" does not exist in table \"t\"");
  ExpectRefused(
      head +
          "t\n      columns:\n        - {name: a, type: int}\n"
          "      constraints:\n        - name: u\n          type: unique\n"
          "          columns: [a]\n"
          "          index_parameters: {storage_parameters: \"fillfactor=70) TABLESPACE x --\"}\n",
      "7:11", "invalid storage parameters");
  ExpectRefused(head +
                    "t\n      columns:\n        - {name: a, type: int}\n"
                    "      constraints:\n        - name: x\n          type: exclude\n"
                    "          exclude: {elements: \"a WITH =); DROP TABLE users; --\"}\n",
                "9:31", "invalid exclusion elements");
  ExpectRefused(
      head +
          "t\n      columns:\n        - {name: a, type: int, check: {name: c, constraint: a > 0}}\n"
          "      constraints:\n        - {name: c, type: check, check: a < 9}\n",
      "7:11", "constraint \"c\" is defined twice");
}

TEST(TablePlanTest, DropTableRunsOnlyAtContract) {
  auto plan = PlanYaml("operations:\n  - drop_table: {name: logs}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (Phase p : {Phase::kExpand, Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  EXPECT_EQ(OnlyStep(*plan, Phase::kContract).statement->sql,
            "DROP TABLE IF EXISTS \"public\".\"logs\"");
  EXPECT_TRUE(plan->expected_columns.empty()) << "the dropped table is not checked for drift";
  ASSERT_FALSE(plan->notes.empty());
  ExpectRefused("operations:\n  - drop_table: {name: nope}\n", "2:5",
                "table \"public\".\"nope\" does not exist");
}

TEST(TablePlanTest, DropTableReferencedByAForeignKeyIsRefused) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ConstraintInfo fk;
  fk.name = "lines_user_fk";
  fk.type = 'f';
  fk.definition = "FOREIGN KEY (tenant) REFERENCES users(id)";
  fk.ref_schema = "public";
  fk.ref_table = "users";
  catalog.tables[1].constraints.push_back(fk);
  ExpectRefused("operations:\n  - drop_table: {name: users}\n", "2:5",
                "referenced by foreign key \"lines_user_fk\" of table \"order_lines\"", catalog);
  catalog.tables[1].constraints.back().ref_table = "users_archive";
  EXPECT_TRUE(PlanYaml("operations:\n  - drop_table: {name: users}\n", catalog).ok());
}

// pgroll's "drop table, drop table" and "drop table, rename table" fail to validate: a
// dropped table is gone for every later operation, which before ran (or failed at apply).
TEST(TablePlanTest, ATableDroppedEarlierInTheMigrationIsGoneForLaterOperations) {
  for (const char* later :
       {"  - drop_table: {name: logs}\n", "  - rename_table: {from: logs, to: old_logs}\n",
        "  - add_column: {table: logs, column: {name: x, type: int}}\n"}) {
    ExpectRefused(std::string("operations:\n  - drop_table: {name: logs}\n") + later, "3:5",
                  "table \"logs\" is dropped earlier in this migration");
  }
  EXPECT_TRUE(
      PlanYaml("operations:\n  - drop_table: {name: logs}\n  - drop_table: {name: users}\n").ok());
}

TEST(TablePlanTest, RenameTableKeepsBothNamesWorkingUntilContract) {
  auto plan = PlanYaml("operations:\n  - rename_table: {from: users, to: people}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& expand = OnlyStep(*plan, Phase::kExpand);
  EXPECT_EQ(expand.statement->sql,
            "CREATE VIEW \"public\".\"people\" AS SELECT * FROM \"public\".\"users\"");
  EXPECT_EQ(expand.reverse.at(0).sql, "DROP VIEW IF EXISTS \"public\".\"people\"");
  // The table keeps its name until contract; swap re-creates the view over its columns.
  const Step& swap = OnlyStep(*plan, Phase::kSwap);
  EXPECT_EQ(swap.statement->sql,
            "DROP VIEW IF EXISTS \"public\".\"people\";\n"
            "CREATE VIEW \"public\".\"people\" AS SELECT \"id\", \"name\", \"email\" FROM "
            "\"public\".\"users\"");
  EXPECT_EQ(swap.reverse.at(0).sql,
            "DROP VIEW IF EXISTS \"public\".\"people\";\n"
            "CREATE VIEW \"public\".\"people\" AS SELECT * FROM \"public\".\"users\"");
  EXPECT_EQ(OnlyStep(*plan, Phase::kContract).statement->sql,
            "DROP VIEW IF EXISTS \"public\".\"people\";\n"
            "ALTER TABLE \"public\".\"users\" RENAME TO \"people\"");
  EXPECT_TRUE(plan->expected_columns.empty());
  ExpectRefused("operations:\n  - rename_table: {from: nope, to: x}\n", "2:5",
                "table \"public\".\"nope\" does not exist");
  ExpectRefused("operations:\n  - rename_table: {from: users, to: logs}\n", "2:5",
                "already exists");
  ExpectRefused("operations:\n  - rename_table: {from: users, to: users_pkey}\n", "2:5",
                "already exists");
}

TEST(TablePlanTest, ReplicaIdentityIsUndoneToWhatItWas) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  catalog.tables[0].replica_identity = 'f';
  auto plan =
      PlanYaml("operations:\n  - set_replica_identity: {table: users, identity: {type: nothing}}\n",
               catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& s = OnlyStep(*plan, Phase::kExpand);
  EXPECT_EQ(s.statement->sql, "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY NOTHING");
  EXPECT_EQ(s.reverse.at(0).sql, "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY FULL");

  catalog.tables[0].replica_identity = 'i';
  catalog.tables[0].replica_identity_index = "users_pkey";
  plan =
      PlanYaml("operations:\n  - set_replica_identity: {table: users, identity: {type: default}}\n",
               catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(OnlyStep(*plan, Phase::kExpand).reverse.at(0).sql,
            "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY USING INDEX \"users_pkey\"");

  ExpectRefused("operations:\n  - set_replica_identity: {table: nope, identity: {type: full}}\n",
                "2:5", "does not exist");
  ExpectRefused(
      "operations:\n  - set_replica_identity: {table: users, identity: {type: index, index: x}}\n",
      "2:5", "index \"x\" does not exist on table \"users\"");
}

TEST(TablePlanTest, SqlRunsAtExpandWithDownAsReverse) {
  auto plan =
      PlanYaml("operations:\n  - sql: {up: \"CREATE TABLE a (id int);\", down: DROP TABLE a}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& s = OnlyStep(*plan, Phase::kExpand);
  EXPECT_EQ(s.statement->sql, "CREATE TABLE a (id int)");
  EXPECT_EQ(s.reverse.at(0).sql, "DROP TABLE a");
  EXPECT_TRUE(plan->notes.empty());
}

TEST(TablePlanTest, TablesTheSqlNamesAreTouchedAndNotExpectedUnchanged) {
  auto plan = PlanYaml(
      "operations:\n  - sql:\n      up: UPDATE users SET email = lower(email) WHERE id IN "
      "(SELECT id FROM public.order_lines); CREATE TABLE fresh (id int)\n"
      "      down: DROP TABLE fresh\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.order_lines", "public.users"}));
  EXPECT_TRUE(plan->expected_columns.empty())
      << "the SQL may change those tables' columns: the drift check must not expect them";
}

TEST(TablePlanTest, SqlWithoutDownThatOnlyCreatesIsUndoneByDroppingWhatItCreated) {
  auto plan = PlanYaml(
      "operations:\n  - sql:\n      up: CREATE TYPE fruit_size AS ENUM ('a'); CREATE TABLE "
      "s.\"T\" (id int); CREATE INDEX i ON s.\"T\" (id); CREATE VIEW v AS SELECT 1\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& s = OnlyStep(*plan, Phase::kExpand);
  ASSERT_EQ(s.reverse.size(), 1u);
  EXPECT_EQ(s.reverse[0].sql,
            "DROP VIEW \"v\";\nDROP INDEX \"s\".\"i\";\nDROP TABLE \"s\".\"T\";\n"
            "DROP TYPE \"fruit_size\"");
  EXPECT_NE(s.summary.find("reverse drops what it creates"), std::string::npos);
  for (const char* not_inferred :
       {"CREATE TABLE IF NOT EXISTS a (id int)", "CREATE OR REPLACE VIEW v AS SELECT 1",
        "CREATE TABLE a (id int); INSERT INTO a VALUES (1)",
        "CREATE INDEX ON users (name)\n      unsafe_ok: [create-index-not-concurrently]"}) {
    SCOPED_TRACE(not_inferred);
    plan = PlanYaml(std::string("operations:\n  - sql:\n      up: ") + not_inferred + "\n");
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_TRUE(OnlyStep(*plan, Phase::kExpand).reverse.empty());
  }
}

// An error-level lint finding refuses the plan, naming the rule and its safe form, unless
// the operation accepts the rule (unsafe_ok), which the plan then notes; a rule that does
// not exist is an error.
TEST(TablePlanTest, SqlWithAnUnsafeStatementIsRefusedUnlessItsRuleIsAccepted) {
  const std::string sql =
      "operations:\n  - sql:\n      up: ALTER TABLE users ALTER COLUMN name SET NOT NULL\n";
  auto refused = PlanYaml(sql);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(":3:11: error set-not-null: sql.up: "),
            std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("safe: alter_column nullable: false"),
            std::string::npos);
  auto accepted = PlanYaml(sql + "      unsafe_ok: [set-not-null]\n");
  ASSERT_TRUE(accepted.ok()) << accepted.status().message();
  bool noted = false;
  for (const auto& n : accepted->notes)
    noted = noted || n.find("set-not-null: sql.up:") != std::string::npos;
  EXPECT_TRUE(noted);
  auto unknown = PlanYaml(sql + "      unsafe_ok: [set-not-nul]\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no lint rule named \"set-not-nul\""),
            std::string::npos);
}

TEST(TablePlanTest, SqlWithoutDownSaysReverseCannotUndoIt) {
  auto plan = PlanYaml("operations:\n  - sql: {up: UPDATE users SET name = upper(name)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& s = OnlyStep(*plan, Phase::kExpand);
  EXPECT_TRUE(s.reverse.empty());
  EXPECT_NE(s.summary.find("reverse cannot undo it"), std::string::npos);
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(RenderPlanText(*plan).find("reversing expand cannot undo it"), std::string::npos);
}

TEST(TablePlanTest, SqlOnCompleteRunsAtContract) {
  auto plan = PlanYaml("operations:\n  - sql: {up: SELECT 1, onComplete: true}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->phase(Phase::kExpand).steps.empty());
  EXPECT_EQ(OnlyStep(*plan, Phase::kContract).statement->sql, "SELECT 1");
}

TEST(TablePlanTest, SqlThatCannotRunInATransactionIsRefused) {
  ExpectRefused("operations:\n  - sql: {up: SELEC 1}\n", "2:15", "sql.up: invalid SQL");
  ExpectRefused("operations:\n  - sql: {up: \"BEGIN; SELECT 1; COMMIT\"}\n", "2:15",
                "transaction control");
  ExpectRefused("operations:\n  - sql: {up: VACUUM users}\n", "2:15", "VacuumStmt");
  ExpectRefused("operations:\n  - sql: {up: CREATE INDEX CONCURRENTLY i ON users (name)}\n", "2:15",
                "use create_index");
  ExpectRefused("operations:\n  - sql: {up: SELECT 1, down: \"DROP TABLE (\"}\n", "2:31",
                "sql.down: invalid SQL");
  ExpectRefused("operations:\n  - sql: {up: \";;\"}\n", "2:15", "no statement");
}

}  // namespace
}  // namespace pgphase
