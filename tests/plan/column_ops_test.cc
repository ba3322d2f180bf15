// Planner checks and shapes for alter_column, drop_column and rename_column (the full
// SQL is in tests/golden/column_*.sql).
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::Notes;
using testing::PlanYaml;

std::string AllSql(const Plan& p, Phase phase) {
  std::string out;
  for (const auto& s : p.phase(phase).steps) {
    if (s.statement) out += s.statement->sql + "\n";
    for (const auto& r : s.reverse) out += "REVERSE " + r.sql + "\n";
  }
  return out;
}

void ExpectError(const std::string& yaml, const std::string& part) {
  auto plan = PlanYaml(yaml);
  ASSERT_FALSE(plan.ok()) << yaml;
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find(part), std::string::npos) << plan.status().message();
  EXPECT_EQ(plan.status().message().rfind("0001_test.yaml:", 0), 0u) << plan.status().message();
}

TEST(ColumnOpsPlanTest, MissingTablesAndColumnsAreRefused) {
  ExpectError("operations:\n  - drop_column: {table: nope, column: a}\n",
              "drop_column: table \"public\".\"nope\" does not exist");
  ExpectError("operations:\n  - drop_column: {table: users, column: nope}\n",
              "column \"nope\" does not exist in table \"users\"");
  ExpectError("operations:\n  - rename_column: {table: users, from: nope, to: x}\n",
              "rename_column: column \"nope\" does not exist");
  ExpectError("operations:\n  - alter_column: {table: users, column: nope, nullable: true}\n",
              "alter_column: column \"nope\" does not exist");
}

TEST(ColumnOpsPlanTest, RenameOntoAnExistingNameIsRefused) {
  ExpectError("operations:\n  - rename_column: {table: users, from: email, to: name}\n",
              "column \"name\" already exists");
  ExpectError("operations:\n  - alter_column: {table: users, column: email, name: name}\n",
              "name: column \"name\" already exists");
}

TEST(ColumnOpsPlanTest, DropPrimaryKeyColumnIsRefused) {
  ExpectError("operations:\n  - drop_column: {table: users, column: id}\n",
              "part of the primary key");
}

// Contract drops the sync triggers before the columns they fill: a NOT NULL column that goes
// (the old column of a type change, a dropped column with `down`) loses NOT NULL first, so a
// new-app INSERT that omits it never fails in between.
TEST(ColumnOpsPlanTest, ContractMakesAGoingNotNullColumnNullableBeforeDroppingTheTriggers) {
  for (const std::string op :
       {"alter_column: {table: users, column: name, type: \"varchar(300)\", up: name, down: name}",
        "drop_column: {table: users, column: name, down: \"'x'\"}"}) {
    SCOPED_TRACE(op);
    auto plan = PlanYaml("operations:\n  - " + op + "\n");
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    const auto& steps = plan->phase(Phase::kContract).steps;
    ASSERT_GE(steps.size(), 2u);
    EXPECT_NE(steps[0].statement->sql.find("DROP NOT NULL"), std::string::npos) << steps[0].id;
    EXPECT_NE(steps[1].id.find("insert_trigger"), std::string::npos) << steps[1].id;
  }
}

TEST(ColumnOpsPlanTest, DropNotNullColumnNeedsDown) {
  ExpectError("operations:\n  - drop_column: {table: users, column: name}\n", "give `down`");
  auto plan = PlanYaml("operations:\n  - drop_column: {table: users, column: email}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->phase(Phase::kSync).steps.empty()) << "nullable: nothing to fill";
  EXPECT_NE(AllSql(*plan, Phase::kContract).find("DROP COLUMN IF EXISTS \"email\""),
            std::string::npos);
}

TEST(ColumnOpsPlanTest, DropColumnDownNamingAMissingColumnIsRefused) {
  ExpectError("operations:\n  - drop_column: {table: users, column: name, down: upper(nope)}\n",
              "drop_column.down: column \"nope\" does not exist");
}

TEST(ColumnOpsPlanTest, LaterOperationsSeeRenamesAndDrops) {
  ExpectError(
      "operations:\n  - rename_column: {table: users, from: email, to: mail}\n"
      "  - drop_column: {table: users, column: email}\n",
      "column \"email\" does not exist");
  auto plan = PlanYaml(
      "operations:\n  - rename_column: {table: users, from: email, to: mail}\n"
      "  - drop_column: {table: users, column: mail}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
}

TEST(ColumnOpsPlanTest, RenamedColumnsAreNotExpectedUnchanged) {
  auto plan = PlanYaml("operations:\n  - rename_column: {table: users, from: email, to: mail}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (const auto& e : plan->expected_columns) EXPECT_NE(e.column, "email") << e.Describe();
  EXPECT_EQ(plan->expected_columns.size(), 2u);
}

// Both names live from sync until contract: the new one is a column of its own, kept in step
// with the old one both ways by the trigger; nothing is renamed.
TEST(ColumnOpsPlanTest, RenameGoesThroughAColumnPair) {
  auto plan = PlanYaml("operations:\n  - rename_column: {table: users, from: email, to: mail}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kExpand).find("ADD COLUMN IF NOT EXISTS \"mail\" text"),
            std::string::npos);
  const std::string sync = AllSql(*plan, Phase::kSync);
  EXPECT_NE(sync.find("NEW.\"email\" := (\"mail\");"), std::string::npos) << sync;
  EXPECT_NE(sync.find("NEW.\"mail\" := (\"email\");"), std::string::npos) << sync;
  EXPECT_NE(sync.find("current_setting('pgphase.filling', true)"), std::string::npos) << sync;
  EXPECT_TRUE(plan->phase(Phase::kSwap).steps.empty()) << AllSql(*plan, Phase::kSwap);
  EXPECT_NE(AllSql(*plan, Phase::kContract).find("DROP COLUMN IF EXISTS \"email\""),
            std::string::npos);
  for (Phase p : kAllPhases) EXPECT_EQ(AllSql(*plan, p).find("RENAME COLUMN"), std::string::npos);
  EXPECT_EQ(Notes(*plan).find("renamed at swap"), std::string::npos) << Notes(*plan);
}

// What a new column cannot take over, or what would go with the old one at contract, keeps
// the rename at swap, and plan says why.
TEST(ColumnOpsPlanTest, RenameThatCannotBeAPairHappensAtSwapWithANote) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  catalog.tables[0].columns[2].dependents = {"view public.user_mails"};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{table: users, from: id, to: uid}", "(it is part of the primary key)"},
      {"{table: users, from: email, to: mail}", "(view public.user_mails depends on it)"},
  };
  for (const auto& [op, why] : cases) {
    auto plan = PlanYaml("operations:\n  - rename_column: " + op + "\n", catalog);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    const std::string swap = AllSql(*plan, Phase::kSwap);
    EXPECT_NE(swap.find("RENAME COLUMN"), std::string::npos) << op << swap;
    EXPECT_NE(swap.find("REVERSE ALTER TABLE \"public\".\"users\" RENAME COLUMN"),
              std::string::npos)
        << swap;
    EXPECT_TRUE(plan->phase(Phase::kExpand).steps.empty()) << op;
    const std::string notes = Notes(*plan);
    EXPECT_NE(notes.find("renamed at swap, not through a column pair " + why), std::string::npos)
        << notes;
    EXPECT_NE(notes.find("stop the old one at swap"), std::string::npos) << notes;
  }
}

// What would stay on the old column is refused at plan time, not found at expand.
TEST(ColumnOpsPlanTest, ShadowOfAColumnSomethingDependsOnIsRefusedAtPlanTime) {
  CatalogSnapshot with_fk = testing::FakeCatalog();
  ConstraintInfo fk;
  fk.name = "email_fk";
  fk.type = 'f';
  fk.definition = "FOREIGN KEY (email) REFERENCES accounts(code)";
  fk.columns = {"email"};
  with_fk.tables[0].constraints.push_back(fk);
  CatalogSnapshot with_view = testing::FakeCatalog();
  with_view.tables[0].columns[2].dependents = {"trigger audit on table users", "view v"};
  const std::vector<std::pair<CatalogSnapshot, std::string>> cases = {
      {with_fk, "constraint email_fk (FOREIGN KEY (email) REFERENCES accounts(code)) is on it"},
      {with_view, "trigger audit on table users, view v depend on it"},
  };
  for (const auto& [catalog, why] : cases) {
    auto plan =
        PlanYaml("operations:\n  - alter_column: {table: users, column: email, type: varchar(9)}\n",
                 catalog);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
    EXPECT_NE(plan.status().message().find("column \"email\" cannot change through a new "
                                           "column: " +
                                           why),
              std::string::npos)
        << plan.status().message();
  }
}

// pgroll keeps a column's foreign key when it becomes NOT NULL (or unique, or gets a check):
// the shadow path re-creates it on the new column in validate and gives it the name at swap.
TEST(ColumnOpsPlanTest, NotNullCarriesTheColumnsForeignKey) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ConstraintInfo fk;
  fk.name = "email_fk";
  fk.type = 'f';
  fk.definition = "FOREIGN KEY (email) REFERENCES accounts(code) ON DELETE CASCADE";
  fk.columns = {"email"};
  fk.ref_schema = "public";
  fk.ref_table = "accounts";
  fk.ref_columns = {"code"};
  fk.on_delete = 'c';
  catalog.tables[0].constraints.push_back(fk);
  auto plan = PlanYaml(
      "operations:\n  - alter_column: {table: users, column: email, nullable: false, up: "
      "\"coalesce(email, 'x')\"}\n",
      catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string validate = AllSql(*plan, Phase::kValidate);
  EXPECT_NE(validate.find("ADD CONSTRAINT \"_pgphase_new_email_fk\" FOREIGN KEY "
                          "(\"_pgphase_new_email\") REFERENCES \"public\".\"accounts\" "
                          "(\"code\") ON DELETE CASCADE NOT VALID"),
            std::string::npos)
      << validate;
  EXPECT_NE(validate.find("VALIDATE CONSTRAINT \"_pgphase_new_email_fk\""), std::string::npos)
      << validate;
  const std::string swap = AllSql(*plan, Phase::kSwap);
  EXPECT_NE(swap.find("RENAME CONSTRAINT \"_pgphase_new_email_fk\" TO \"email_fk\""),
            std::string::npos)
      << swap;
}

// A type change keeps the column's foreign key when the server says the new type can have it
// (PlanOptions::carried_foreign_keys); else the key would stay on the old column: refused.
TEST(ColumnOpsPlanTest, ATypeChangeCarriesAForeignKeyTheNewTypeCanHave) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ConstraintInfo fk;
  fk.name = "email_fk";
  fk.type = 'f';
  fk.definition = "FOREIGN KEY (email) REFERENCES accounts(code)";
  fk.columns = {"email"};
  fk.ref_schema = "public";
  fk.ref_table = "accounts";
  fk.ref_columns = {"code"};
  catalog.tables[0].constraints.push_back(fk);
  const std::string yaml =
      "operations:\n  - alter_column: {table: users, column: email, type: varchar(300), up: "
      "email, down: email}\n";
  auto refused = PlanYaml(yaml, catalog);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("constraint email_fk"), std::string::npos)
      << refused.status().message();

  PlanOptions options = testing::FakeOptions();
  options.carried_foreign_keys.insert("public.users.email_fk");
  auto plan = PlanYaml(yaml, catalog, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kValidate)
                .find("ADD CONSTRAINT \"_pgphase_new_email_fk\" FOREIGN KEY "
                      "(\"_pgphase_new_email\") REFERENCES \"public\".\"accounts\""),
            std::string::npos)
      << AllSql(*plan, Phase::kValidate);
  EXPECT_NE(AllSql(*plan, Phase::kSwap).find("RENAME CONSTRAINT \"_pgphase_new_email_fk\""),
            std::string::npos);
}

// With version schemas, a change that cannot go through a column pair (a check on the column)
// goes through a shadow column renamed at swap. From swap on, the old version's view writes
// the old column: the swap's trigger fills the
// new column from the old app's writes (an INSERT that leaves the new column NULL, an UPDATE of
// the old column) as it fills the old one from the new app's. Golden:
// version_alter_type_with_check.
TEST(ColumnOpsPlanTest, WithVersionSchemasAChangeWithoutAPairIsAPairFromSwap) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ConstraintInfo check;
  check.name = "email_len";
  check.type = 'c';
  check.definition = "CHECK ((length(email) > 3))";
  check.check_expr = "(length(email) > 3)";
  check.columns = {"email"};
  catalog.tables[0].constraints.push_back(check);
  PlanOptions options = testing::FakeOptions();
  options.version_schemas = true;
  auto plan = PlanYaml(
      "operations:\n  - alter_column: {table: users, column: email, type: varchar(300), up: "
      "upper(email), down: lower(email)}\n",
      catalog, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Notes(*plan).find("overwritten"), std::string::npos) << Notes(*plan);
  const std::string swap = AllSql(*plan, Phase::kSwap);
  EXPECT_NE(swap.find("    IF NEW.\"email\" IS NULL THEN\n      BEGIN\n"
                      "        NEW.\"email\" := (upper(\"_pgphase_old_email\"));"),
            std::string::npos)
      << swap;
  EXPECT_NE(swap.find("    ELSE\n      NEW.\"_pgphase_old_email\" := (lower(email));"),
            std::string::npos)
      << swap;
}

// pgroll's TestSetNotNullValidation "column is nullable": NOT NULL on a column that has it.
TEST(ColumnOpsPlanTest, NotNullOnANotNullColumnIsRefused) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column: {table: users, column: name, nullable: false, up: name}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find("column \"name\" is already NOT NULL"), std::string::npos)
      << plan.status().message();
}

// pgroll keeps the checks that still apply to a column's new type and drops the others: the
// shadow path re-creates each on the new column in validate and gives it the name at swap;
// one the executor's probe found the new type cannot take is left out, with a note.
TEST(ColumnOpsPlanTest, TypeChangeCarriesTheColumnsChecksOrSaysWhichItLeavesOut) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ConstraintInfo check;
  check.name = "email_at";
  check.type = 'c';
  check.definition = "CHECK ((position('@' in email) > 0))";
  check.check_expr = "(position('@' in email) > 0)";
  check.no_inherit = true;
  check.columns = {"email"};
  catalog.tables[0].constraints.push_back(check);
  const std::string yaml =
      "operations:\n  - alter_column: {table: users, column: email, type: varchar(99)}\n";

  const std::vector<CheckProbe> probes =
      CarriedCheckProbes(*ParseSpec(yaml, "0001_test.yaml"), catalog);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].key, "public.users.email_at");
  EXPECT_EQ(probes[0].sql,
            "SELECT (position('@' in (CAST(NULL AS varchar(99)))) > 0) FROM \"public\".\"users\" "
            "LIMIT 0");

  auto plan = PlanYaml(yaml, catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string validate = AllSql(*plan, Phase::kValidate);
  EXPECT_NE(validate.find("ADD CONSTRAINT \"_pgphase_new_email_at\" CHECK "), std::string::npos)
      << validate;
  EXPECT_NE(validate.find("\"_pgphase_new_email\""), std::string::npos) << validate;
  EXPECT_NE(validate.find("NO INHERIT NOT VALID"), std::string::npos) << validate;
  EXPECT_NE(validate.find("VALIDATE CONSTRAINT \"_pgphase_new_email_at\""), std::string::npos);
  EXPECT_EQ(AllSql(*plan, Phase::kExpand).find("_pgphase_new_email_at"), std::string::npos)
      << "not enforced before validate";
  const std::string swap = AllSql(*plan, Phase::kSwap);
  EXPECT_NE(swap.find("RENAME CONSTRAINT \"email_at\" TO \"_pgphase_old_email_at\""),
            std::string::npos)
      << swap;
  EXPECT_NE(swap.find("RENAME CONSTRAINT \"_pgphase_new_email_at\" TO \"email_at\""),
            std::string::npos);
  EXPECT_NE(swap.find("'email_at'"), std::string::npos) << "the dependents guard lets it through";

  PlanOptions options = testing::FakeOptions();
  options.unusable_checks["public.users.email_at"] =
      "function position(text, integer) does not exist";
  plan = PlanYaml(yaml, catalog, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(AllSql(*plan, Phase::kValidate).find("_pgphase_new_email_at"), std::string::npos);
  EXPECT_NE(Notes(*plan).find("check constraint email_at (CHECK ((position('@' in email) > 0))) "
                              "is not carried over to type varchar(99) (function position(text, "
                              "integer) does not exist)"),
            std::string::npos)
      << Notes(*plan);
}

// pgroll keeps a default the column's new type takes (its SET DEFAULT succeeds): the
// executor's probe asks the server whether the old type assigns to the new one, and only a
// default it says so of is set on the new column; another is left out, with a note.
TEST(ColumnOpsPlanTest, TypeChangeCarriesADefaultTheNewTypeTakes) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  ColumnInfo* email = nullptr;
  for (ColumnInfo& c : catalog.tables[0].columns)
    if (c.name == "email") email = &c;
  ASSERT_NE(email, nullptr);
  email->default_expr = "'nobody'::text";
  const std::string yaml =
      "operations:\n  - alter_column: {table: users, column: email, type: varchar(99)}\n";

  const std::vector<CheckProbe> probes =
      CarriedDefaultProbes(*ParseSpec(yaml, "0001_test.yaml"), catalog);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].key, "public.users.email");
  EXPECT_NE(probes[0].sql.find("CAST('varchar(99)' AS regtype)"), std::string::npos)
      << probes[0].sql;
  EXPECT_TRUE(CarriedDefaultProbes(*ParseSpec("operations:\n  - alter_column: {table: users, "
                                              "column: email, type: varchar(99), default: "
                                              "\"'x'\"}\n",
                                              "0001_test.yaml"),
                                   catalog)
                  .empty())
      << "a default the operation gives needs no probe";

  const std::string set_default = "ALTER COLUMN \"_pgphase_new_email\" SET DEFAULT 'nobody'::text";
  auto plan = PlanYaml(yaml, catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(AllSql(*plan, Phase::kExpand).find(set_default), std::string::npos);
  EXPECT_NE(Notes(*plan).find("the default ('nobody'::text) is not carried over"),
            std::string::npos)
      << Notes(*plan);

  PlanOptions options = testing::FakeOptions();
  options.carried_defaults.insert("public.users.email");
  plan = PlanYaml(yaml, catalog, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kExpand).find(set_default), std::string::npos)
      << AllSql(*plan, Phase::kExpand);
  EXPECT_EQ(Notes(*plan).find("is not carried over"), std::string::npos) << Notes(*plan);
}

// A primary key column (order_lines_pkey is a plain index over (tenant, id)): the key is
// rebuilt on the new column and swapped; reversing swap drops the new key in its transaction,
// then restores the old column's NOT NULL and, after it, the old key on a concurrent build.
TEST(ColumnOpsPlanTest, PrimaryKeyColumnChangesThroughARebuiltKey) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column: {table: order_lines, column: id, type: numeric(20)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string swap = AllSql(*plan, Phase::kSwap);
  const size_t drop = swap.find("DROP CONSTRAINT IF EXISTS \"order_lines_pkey\";");
  const size_t add = swap.find(
      "ADD CONSTRAINT \"order_lines_pkey\" PRIMARY KEY USING INDEX "
      "\"_pgphase_new_order_lines_pkey\"");
  const size_t old_null = swap.find("ALTER COLUMN \"_pgphase_old_id\" DROP NOT NULL");
  ASSERT_NE(drop, std::string::npos) << swap;
  ASSERT_NE(add, std::string::npos) << swap;
  EXPECT_LT(drop, add);
  EXPECT_LT(add, old_null) << "the old column leaves the key before it loses NOT NULL";
  const size_t restore_nn = swap.find(
      "REVERSE ALTER TABLE \"public\".\"order_lines\" ALTER "
      "COLUMN \"id\" SET NOT NULL");
  const size_t old_key = swap.find(
      "REVERSE CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"_pgphase_old_order_lines_pkey\" "
      "ON \"public\".\"order_lines\" (\"tenant\", \"id\")");
  const size_t readd = swap.find(
      "REVERSE ALTER TABLE \"public\".\"order_lines\" ADD CONSTRAINT \"order_lines_pkey\" "
      "PRIMARY KEY USING INDEX \"_pgphase_old_order_lines_pkey\"");
  ASSERT_NE(restore_nn, std::string::npos) << swap;
  ASSERT_NE(old_key, std::string::npos) << swap;
  ASSERT_NE(readd, std::string::npos) << swap;
  EXPECT_LT(restore_nn, old_key);
  EXPECT_LT(old_key, readd);
  ExpectError(
      "operations:\n  - alter_column: {table: order_lines, column: id, type: numeric(20), "
      "nullable: true}\n",
      "is in the primary key \"order_lines_pkey\", so it cannot become nullable");
}

TEST(ColumnOpsPlanTest, SameNameTypeChangeAdvisesARename) {
  auto plan = PlanYaml("operations:\n  - alter_column: {table: users, column: email, type: int}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(Notes(*plan).find("alter_column users.email: the type changes under the same name"),
            std::string::npos)
      << Notes(*plan);
  EXPECT_NE(Notes(*plan).find("rename the column in the same alter_column (name:)"),
            std::string::npos);
  plan = PlanYaml(
      "operations:\n  - alter_column: {table: users, column: email, name: mail, type: int}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Notes(*plan).find("the type changes under the same name"), std::string::npos);
}

TEST(ColumnOpsPlanTest, DirectChangesMakeNoShadowColumn) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column:\n      table: users\n      column: name\n"
      "      nullable: true\n      default: \"'x'\"\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (Phase p : {Phase::kExpand, Phase::kSync, Phase::kBackfill, Phase::kValidate})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  const std::string swap = AllSql(*plan, Phase::kSwap);
  EXPECT_NE(swap.find("DROP NOT NULL"), std::string::npos) << swap;
  // NOT NULL comes back through a validated check, never a scan under ACCESS EXCLUSIVE.
  EXPECT_NE(swap.find("REVERSE ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT"),
            std::string::npos)
      << swap;
  EXPECT_EQ(swap.find("_pgphase_new"), std::string::npos);
}

TEST(ColumnOpsPlanTest, UpAndDownOfDirectChangesAreStillChecked) {
  ExpectError(
      "operations:\n  - alter_column: {table: users, column: name, nullable: true, "
      "up: \"1 +\"}\n",
      "alter_column.up: invalid expression");
  ExpectError(
      "operations:\n  - alter_column: {table: users, column: name, nullable: true, "
      "down: \"coalesce(nope, 'x')\"}\n",
      "alter_column.down: column \"nope\" does not exist");
}

TEST(ColumnOpsPlanTest, WideningVarcharIsDirectNarrowingIsNot) {
  CatalogSnapshot c = testing::FakeCatalog();
  ColumnInfo code = testing::Col("code", "character varying(10)", false);
  c.tables[0].columns.push_back(code);
  const std::string op = "operations:\n  - alter_column: {table: users, column: code, type: ";
  for (const char* wider : {"varchar(20)", "text", "character varying", "VARCHAR(10)"}) {
    auto plan = PlanYaml(op + wider + "}\n", c);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_TRUE(plan->phase(Phase::kExpand).steps.empty()) << wider;
  }
  auto plan = PlanYaml(op + "varchar(5)}\n", c);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kExpand)
                .find("ADD COLUMN IF NOT EXISTS \"_pgphase_new_code\" varchar(5)"),
            std::string::npos);
}

TEST(ColumnOpsPlanTest, ShadowPathDefaultsUpAndDownToCasts) {
  auto plan = PlanYaml("operations:\n  - alter_column: {table: users, column: email, type: int}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kSync).find("(CAST(\"email\" AS int))"), std::string::npos);
  EXPECT_NE(AllSql(*plan, Phase::kSwap).find("(CAST(\"email\" AS text))"), std::string::npos);
}

// The shadow column of a table without a key is backfilled in ctid ranges, so the sync
// trigger fills it on any UPDATE while it is NULL, and reversing swap restores exactly that
// trigger; the trigger from swap on (old column from `down`) is narrowed as usual.
TEST(ColumnOpsPlanTest, ShadowPathOnTableWithoutKeyFillsNullShadowOnEveryUpdateUntilSwap) {
  auto plan =
      PlanYaml("operations:\n  - alter_column: {table: logs, column: msg, type: varchar(20)}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sync_trigger =
      "BEFORE UPDATE ON \"public\".\"logs\" FOR EACH ROW "
      "WHEN ((NEW.\"_pgphase_new_msg\" IS NULL OR (NEW.\"msg\" IS DISTINCT FROM OLD.\"msg\")))";
  EXPECT_NE(AllSql(*plan, Phase::kSync).find(sync_trigger), std::string::npos)
      << AllSql(*plan, Phase::kSync);
  const Step& swap = plan->phase(Phase::kSwap).steps.at(0);
  EXPECT_EQ(swap.statement->sql.find("IS NULL OR"), std::string::npos) << swap.statement->sql;
  EXPECT_NE(swap.statement->sql.find("BEFORE UPDATE OF \"msg\""), std::string::npos)
      << swap.statement->sql;
  EXPECT_NE(swap.reverse.at(0).sql.find(sync_trigger), std::string::npos) << swap.reverse.at(0).sql;
  EXPECT_TRUE(plan->phase(Phase::kBackfill).steps.at(0).backfill->ByCtid());
}

TEST(ColumnOpsPlanTest, ShadowPathRefusesIndexedColumnsAndKnownProblems) {
  ExpectError("operations:\n  - alter_column: {table: users, column: id, type: int}\n",
              "used by index \"users_pkey\"");
  ExpectError(
      "operations:\n  - alter_column: {table: users, column: email, type: int, up: nope + 1}\n",
      "alter_column.up: column \"nope\" does not exist");
  ExpectError("operations:\n  - alter_column: {table: users, column: email, type: \"int; drop\"}\n",
              "alter_column: type:");
  ExpectError(
      "operations:\n  - alter_column:\n      table: users\n      column: email\n"
      "      references: {name: f, table: nope, column: id}\n",
      "references: table \"public\".\"nope\" does not exist");
  // PostgreSQL would refuse the foreign key in expand: users.name is not a key.
  ExpectError(
      "operations:\n  - alter_column:\n      table: users\n      column: email\n"
      "      references: {name: f, table: users, column: name}\n",
      "references: table \"users\" has no primary key or unique index on exactly the referenced "
      "columns");
  ExpectError(
      "operations:\n  - alter_column:\n      table: users\n      column: email\n"
      "      unique: {name: users_pkey}\n",
      "unique: \"users_pkey\" already exists");
}

TEST(ColumnOpsPlanTest, CheckIsRewrittenOntoTheShadowColumn) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column:\n      table: users\n      column: email\n"
      "      check: {name: c, constraint: \"email <> 'email' AND length(\\\"email\\\") > 3\"}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE(AllSql(*plan, Phase::kExpand)
                .find("CHECK ((\"_pgphase_new_email\" <> 'email' AND "
                      "length(\"_pgphase_new_email\") > 3)) NOT VALID"),
            std::string::npos)
      << AllSql(*plan, Phase::kExpand);
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(ColumnOpsPlanTest, AlterColumnReferencesTakeEveryForeignKeyOptionAndChecksNoInherit) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column:\n      table: users\n      column: email\n"
      "      references: {name: f, table: accounts, column: code, on_update: cascade, "
      "match_type: simple, deferrable: true}\n"
      "      check: {name: email_ok, constraint: length(email) > 3, no_inherit: true}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::string expand;
  for (const Step& s : plan->phase(Phase::kExpand).steps) expand += s.statement->sql + "\n";
  EXPECT_NE(expand.find("FOREIGN KEY (\"_pgphase_new_email\") REFERENCES \"public\".\"accounts\" "
                        "(\"code\") MATCH SIMPLE ON UPDATE CASCADE DEFERRABLE NOT VALID"),
            std::string::npos)
      << expand;
  EXPECT_NE(expand.find("CHECK ((length(\"_pgphase_new_email\") > 3)) NO INHERIT NOT VALID"),
            std::string::npos)
      << expand;
}

}  // namespace
}  // namespace pgphase
