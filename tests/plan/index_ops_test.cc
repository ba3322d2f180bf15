// Planning create_index, drop_index and the constraint operations against the fake catalog.
#include <gtest/gtest.h>

#include <algorithm>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

Result<Plan> PlanOps(const std::string& ops) {
  auto spec = ParseSpec("operations:\n" + ops, "0001_idx.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, testing::FakeCatalog());
}

// Every statement of a phase, in order.
std::vector<std::string> Sql(const Plan& p, Phase phase) {
  std::vector<std::string> out;
  for (const auto& s : p.phase(phase).steps)
    if (s.statement) out.push_back(s.statement->sql);
  return out;
}

void ExpectRefused(const std::string& ops, const std::string& where, const std::string& message) {
  SCOPED_TRACE(ops);
  auto plan = PlanOps(ops);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  const std::string& m = plan.status().message();
  EXPECT_EQ(m.rfind("0001_idx.yaml:" + where + ": ", 0), 0u) << m;
  EXPECT_NE(m.find(message), std::string::npos) << m;
}

TEST(IndexPlanTest, CreateIndexIsOneRetryableConcurrentBuildInExpand) {
  auto plan =
      PlanOps("  - create_index: {name: users_email_idx, table: users, columns: [email]}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& steps = plan->phase(Phase::kExpand).steps;
  ASSERT_EQ(steps.size(), 1u);
  const Step& s = steps[0];
  EXPECT_EQ(s.statement->sql,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_email_idx\" ON \"public\".\"users\" "
            "USING btree "
            "(\"email\")");
  EXPECT_FALSE(s.statement->transactional);
  EXPECT_EQ(s.statement->lock, Lock::kShareUpdateExclusive);
  EXPECT_NE(s.done_check.find("indisvalid"), std::string::npos) << s.done_check;
  ASSERT_EQ(s.cleanup.size(), 1u);
  EXPECT_EQ(s.cleanup[0].sql, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_email_idx\"");
  ASSERT_EQ(s.reverse.size(), 1u);
  EXPECT_EQ(s.reverse[0].sql, s.cleanup[0].sql);
  EXPECT_FALSE(s.reverse[0].transactional);
  for (Phase p : {Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap, Phase::kContract})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  EXPECT_EQ(plan->tables, std::vector<std::string>{"public.users"});
}

TEST(IndexPlanTest, CreateIndexRefusesBadInput) {
  ExpectRefused("  - create_index: {name: i, table: nope, columns: [a]}\n", "2:5",
                "table \"public\".\"nope\" does not exist");
  ExpectRefused("  - create_index: {name: i, table: users, columns: [nope]}\n", "2:5",
                "column \"nope\" does not exist in table \"users\"");
  ExpectRefused("  - create_index: {name: users_pkey, table: users, columns: [email]}\n", "2:5",
                "a relation named \"users_pkey\" already exists");
  ExpectRefused("  - create_index: {name: i, table: users, columns: [email], predicate: 'id >'}\n",
                "2:72", "create_index.predicate");
  ExpectRefused(
      "  - create_index: {name: i, table: users, columns: [email], predicate: 'nope > 1'}\n",
      "2:72", "column \"nope\" does not exist");
  ExpectRefused(
      "  - create_index: {name: i, table: users, columns: [email], predicate: 'id > 1; DROP "
      "TABLE users'}\n",
      "2:72", "create_index.predicate");
  ExpectRefused(
      "  - create_index: {name: i, table: users, columns: [email], storage_parameters: "
      "'fillfactor = 70); DROP TABLE users; --'}\n",
      "2:5", "storage_parameters: expected ',' or the end");
  ExpectRefused(
      "  - create_index:\n      name: i\n      table: users\n      columns:\n"
      "        - column: email\n          opclass: {name: x, params: \"a = (1)\"}\n",
      "2:5", "opclass.params: expected a number");
}

TEST(IndexPlanTest, SameIndexNameTwiceInOneMigrationIsRefused) {
  const std::string op = "  - create_index: {name: i, table: users, columns: [email]}\n";
  ExpectRefused(op + op, "3:5", "a relation named \"i\" already exists");
}

TEST(IndexPlanTest, DropIndexWaitsForContractAndHasNoReverse) {
  auto plan = PlanOps(
      "  - create_index: {name: i, table: users, columns: [email]}\n"
      "  - drop_index: {name: i}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& steps = plan->phase(Phase::kContract).steps;
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].statement->sql, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"i\"");
  EXPECT_FALSE(steps[0].statement->transactional);
  EXPECT_TRUE(steps[0].reverse.empty());
  EXPECT_NE(steps[0].done_check.find("IS NULL"), std::string::npos);
  EXPECT_EQ(plan->phase(Phase::kExpand).steps.size(), 1u) << "only the create_index";
}

TEST(IndexPlanTest, DropIndexRefusesMissingAndConstraintIndexes) {
  ExpectRefused("  - drop_index: {name: nope}\n", "2:5",
                "index \"public\".\"nope\" does not exist");
  ExpectRefused("  - drop_index: {name: users_pkey}\n", "2:5", "use drop_constraint");
  ExpectRefused(
      "  - create_constraint: {table: users, name: uq, type: unique, columns: [email]}\n"
      "  - drop_index: {name: uq}\n",
      "3:5", "backs constraint \"uq\"");
}

TEST(ConstraintPlanTest, CheckIsAddedNotValidThenValidated) {
  auto plan = PlanOps(
      "  - create_constraint: {table: users, name: c, type: check, columns: [email], "
      "check: \"email <> ''\", up: {email: email}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Sql(*plan, Phase::kExpand),
            std::vector<std::string>{
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"c\" CHECK ((email <> '')) NOT "
                "VALID"});
  EXPECT_TRUE(plan->phase(Phase::kBackfill).steps.empty()) << "identity up changes no data";
  EXPECT_EQ(Sql(*plan, Phase::kValidate),
            std::vector<std::string>{"ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"c\""});
  EXPECT_EQ(plan->phase(Phase::kExpand).steps[0].reverse.at(0).sql,
            "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"c\"");
  EXPECT_TRUE(plan->notes.empty());
}

TEST(ConstraintPlanTest, NonIdentityUpFixesViolatingRowsInBackfill) {
  auto plan = PlanOps(
      "  - create_constraint: {table: users, name: c, type: check, columns: [email], "
      "check: \"email <> ''\", up: {email: \"coalesce(nullif(email, ''), 'none')\"}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  // Batched like a fill, over the table's key, writing only the rows the check rejects.
  ASSERT_EQ(plan->phase(Phase::kBackfill).steps.size(), 1u);
  const Step& fix = plan->phase(Phase::kBackfill).steps[0];
  ASSERT_TRUE(fix.backfill.has_value());
  EXPECT_EQ(fix.id, "backfill.create_constraint.users.c.fix_rows");
  EXPECT_EQ(fix.backfill->only_where, "NOT (email <> '')");
  ASSERT_EQ(fix.backfill->assignments.size(), 1u);
  EXPECT_EQ(fix.backfill->assignments[0].column, "email");
  EXPECT_EQ(fix.backfill->assignments[0].expr, "(coalesce(nullif(email, ''), 'none'))");
  ASSERT_EQ(fix.backfill->key.size(), 1u);
  EXPECT_EQ(fix.backfill->key[0].name, "id");
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("applied once"), std::string::npos);
}

TEST(ConstraintPlanTest, UniqueIsBuiltConcurrentlyInValidateAndAttachedAtSwap) {
  auto plan = PlanOps(
      "  - create_constraint: {table: users, name: uq, type: unique, columns: [name, email]}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->phase(Phase::kExpand).steps.empty());
  const auto& v = plan->phase(Phase::kValidate).steps;
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(
      v[0].statement->sql,
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"uq\" ON \"public\".\"users\" USING btree "
      "(\"name\", \"email\")");
  EXPECT_FALSE(v[0].statement->transactional);
  EXPECT_FALSE(v[0].done_check.empty());
  EXPECT_EQ(v[0].cleanup.size(), 1u);
  EXPECT_EQ(
      Sql(*plan, Phase::kSwap),
      std::vector<std::string>{
          "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"uq\" UNIQUE USING INDEX \"uq\""});
  const auto& swap_reverse = plan->phase(Phase::kSwap).steps[0].reverse;
  ASSERT_EQ(swap_reverse.size(), 2u);
  EXPECT_NE(swap_reverse[1].sql.find("IF NOT EXISTS"), std::string::npos);
}

TEST(ConstraintPlanTest, PrimaryKeyOnNullableColumnProvesNotNullFirst) {
  auto plan = PlanOps(
      "  - create_constraint: {table: order_lines, name: pk2, type: primary_key, columns: "
      "[note]}\n");
  ASSERT_FALSE(plan.ok()) << "order_lines already has a primary key";
  plan = PlanOps(
      "  - create_constraint: {table: logs, name: logs_pkey, type: primary_key, columns: [msg]}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto v = Sql(*plan, Phase::kValidate);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_NE(v[0].find("CHECK (\"msg\" IS NOT NULL) NOT VALID"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("VALIDATE CONSTRAINT"), std::string::npos);
  EXPECT_NE(v[2].find("SET NOT NULL"), std::string::npos);
  EXPECT_NE(v[3].find("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"logs_pkey\""),
            std::string::npos);
  EXPECT_NE(Sql(*plan, Phase::kSwap).at(0).find("PRIMARY KEY USING INDEX"), std::string::npos);
  EXPECT_NE(Sql(*plan, Phase::kContract).at(0).find("DROP CONSTRAINT IF EXISTS \"pgphase_nn_"),
            std::string::npos);
}

TEST(ConstraintPlanTest, ForeignKeyIsAddedNotValidThenValidated) {
  auto plan = PlanOps(
      "  - create_constraint: {table: order_lines, name: fk, type: foreign_key, columns: [id], "
      "references: {table: users, columns: [id]}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Sql(*plan, Phase::kExpand),
            std::vector<std::string>{
                "ALTER TABLE \"public\".\"order_lines\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"id\") "
                "REFERENCES \"public\".\"users\" (\"id\") NOT VALID"});
  EXPECT_EQ(plan->phase(Phase::kExpand).steps[0].statement->lock, Lock::kShareRowExclusive);
  EXPECT_EQ(Sql(*plan, Phase::kValidate).size(), 1u);
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.order_lines", "public.users"}));
}

// The statement of the step `id` of `phase`, "" when there is none.
std::string StepSql(const Plan& p, Phase phase, const std::string& id) {
  for (const auto& s : p.phase(phase).steps)
    if (s.id == id && s.statement) return s.statement->sql;
  return "";
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// pgroll duplicates the columns a unique, foreign key or primary key's `up` transforms:
// pgphase takes each through alter_column's shadow path, and builds the constraint on the new
// columns; a column whose `up` is itself stays as it is.
TEST(ConstraintPlanTest, UniqueWithUpIsBuiltOnShadowColumnsAndAttachedInTheSwapTransaction) {
  auto plan = PlanOps(
      "  - create_constraint: {table: users, name: uq, type: unique, columns: [name, email], "
      "up: {name: name, email: lower(email)}, down: {email: email}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(
      StepSql(*plan, Phase::kExpand, "expand.users.email.shadow"),
      "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"_pgphase_new_email\" text");
  EXPECT_EQ(StepSql(*plan, Phase::kExpand, "expand.users.name.shadow"), "")
      << "an `up` that is the column itself needs no new column";
  EXPECT_FALSE(plan->phase(Phase::kSync).steps.empty());
  EXPECT_FALSE(plan->phase(Phase::kBackfill).steps.empty());
  EXPECT_EQ(
      StepSql(*plan, Phase::kValidate, "validate.create_constraint.users.uq.index"),
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"uq\" ON \"public\".\"users\" USING btree "
      "(\"name\", \"_pgphase_new_email\")");
  ASSERT_EQ(plan->phase(Phase::kSwap).steps.size(), 1u) << "one transaction";
  const std::string swap = StepSql(*plan, Phase::kSwap, "swap.users");
  const size_t rename = swap.find("RENAME COLUMN \"_pgphase_new_email\" TO \"email\"");
  const size_t attach = swap.find("ADD CONSTRAINT \"uq\" UNIQUE USING INDEX \"uq\"");
  ASSERT_NE(rename, std::string::npos) << swap;
  ASSERT_NE(attach, std::string::npos) << swap;
  EXPECT_LT(rename, attach);
  EXPECT_TRUE(Has(StepSql(*plan, Phase::kContract, "contract.users.email.old_column"),
                  "DROP COLUMN IF EXISTS \"_pgphase_old_email\""));
  for (const std::string& note : plan->notes) EXPECT_FALSE(Has(note, "is not used")) << note;
}

TEST(ConstraintPlanTest, PrimaryKeyWithUpMakesTheShadowColumnsNotNullInValidate) {
  auto plan = PlanOps(
      "  - create_constraint: {table: logs, name: logs_pkey, type: primary_key, columns: [msg], "
      "up: {msg: upper(msg)}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(Has(StepSql(*plan, Phase::kValidate, "validate.logs.msg.set_not_null"),
                  "ALTER COLUMN \"_pgphase_new_msg\" SET NOT NULL"));
  EXPECT_EQ(StepSql(*plan, Phase::kValidate,
                    "validate.create_constraint.logs.logs_pkey.msg"
                    ".set_not_null"),
            "")
      << "the old column keeps its NULLs";
  EXPECT_TRUE(Has(StepSql(*plan, Phase::kSwap, "swap.logs"),
                  "ADD CONSTRAINT \"logs_pkey\" PRIMARY KEY USING INDEX \"logs_pkey\""));
}

TEST(ConstraintPlanTest, ForeignKeyWithUpIsAddedNotValidOnTheShadowColumn) {
  auto plan = PlanOps(
      "  - create_constraint: {table: order_lines, name: fk, type: foreign_key, columns: [note], "
      "references: {table: accounts, columns: [code]}, up: {note: upper(note)}}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto expand = Sql(*plan, Phase::kExpand);
  ASSERT_FALSE(expand.empty());
  EXPECT_EQ(expand.back(),
            "ALTER TABLE \"public\".\"order_lines\" ADD CONSTRAINT \"fk\" FOREIGN KEY "
            "(\"_pgphase_new_note\") REFERENCES \"public\".\"accounts\" (\"code\") NOT VALID");
  EXPECT_EQ(StepSql(*plan, Phase::kValidate, "validate.create_constraint.order_lines.fk"),
            "ALTER TABLE \"public\".\"order_lines\" VALIDATE CONSTRAINT \"fk\"");
}

TEST(ConstraintPlanTest, CreateConstraintRefusesBadInput) {
  const std::string pre = "  - create_constraint: {table: ";
  ExpectRefused(pre + "nope, name: c, type: unique, columns: [a]}\n", "2:5",
                "table \"public\".\"nope\" does not exist");
  ExpectRefused(pre + "users, name: users_pkey, type: check, columns: [id], check: id > 0}\n",
                "2:5", "constraint \"users_pkey\" already exists");
  ExpectRefused(pre + "users, name: c, type: unique, columns: [nope]}\n", "2:5",
                "column \"nope\" does not exist");
  ExpectRefused(pre + "users, name: c, type: check, columns: [id], check: nope > 0}\n", "2:83",
                "create_constraint.check: column \"nope\" does not exist");
  ExpectRefused(pre + "users, name: c, type: check, columns: [id], check: 'id >'}\n", "2:83",
                "create_constraint.check");
  ExpectRefused(pre +
                    "users, name: c, type: foreign_key, columns: [id], references: {table: "
                    "nope, columns: [id]}}\n",
                "2:5", "references: table \"public\".\"nope\" does not exist");
  ExpectRefused(pre +
                    "users, name: c, type: foreign_key, columns: [id], references: {table: "
                    "order_lines, columns: [nope]}}\n",
                "2:5", "references: column \"nope\" does not exist");
  ExpectRefused(pre +
                    "users, name: c, type: foreign_key, columns: [id], references: {table: "
                    "order_lines, columns: [id]}}\n",
                "2:5", "no primary key or unique index on exactly the referenced columns");
  ExpectRefused(pre + "users, name: c, type: primary_key, columns: [email]}\n", "2:5",
                "already has a primary key");
  ExpectRefused(
      "  - add_column: {table: users, column: {name: nick, type: text, nullable: true}}\n" + pre +
          "users, name: c, type: unique, columns: [nick], up: {nick: lower(nick)}}\n",
      "3:5", "created or renamed earlier in this migration");
  ExpectRefused(pre + "users, name: c, type: unique, columns: [email], up: {email: nope}}\n",
                "2:92", "create_constraint.up: column \"nope\" does not exist");
  ExpectRefused(pre +
                    "users, name: c, type: unique, columns: [email], index_parameters: "
                    "{storage_parameters: \"fillfactor = x y\"}}\n",
                "2:24", "storage_parameters");
}

TEST(ConstraintPlanTest, DropConstraintWaitsForContractAndIgnoresUpDownWithANote) {
  auto plan = PlanOps("  - drop_constraint: {table: users, name: users_pkey, up: id, down: id}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (Phase p : {Phase::kExpand, Phase::kSync, Phase::kBackfill, Phase::kValidate, Phase::kSwap})
    EXPECT_TRUE(plan->phase(p).steps.empty()) << PhaseName(p);
  const auto& c = plan->phase(Phase::kContract).steps;
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].statement->sql, "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT \"users_pkey\"");
  EXPECT_TRUE(c[0].reverse.empty());
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("not used"), std::string::npos);
  ExpectRefused("  - drop_multicolumn_constraint: {table: users, name: nope}\n", "2:5",
                "drop_multicolumn_constraint: constraint \"nope\" does not exist");
  ExpectRefused("  - drop_constraint: {table: users, name: users_pkey, up: 'id +'}\n", "2:59",
                "drop_constraint.up");
}

// pgroll's TestDropMultiColumnConstraintValidation: `up` and `down` only for the constraint's
// columns.
TEST(ConstraintPlanTest, DropMulticolumnConstraintRefusesUpOrDownForAColumnItDoesNotCover) {
  ExpectRefused(
      "  - drop_multicolumn_constraint:\n"
      "      {table: order_lines, name: order_lines_pkey, up: {tenant: tenant, note: note}}\n",
      "3:79", "up.note: column \"note\" is not one of the constraint's (tenant, id)");
  ExpectRefused(
      "  - drop_multicolumn_constraint:\n"
      "      {table: order_lines, name: order_lines_pkey, down: {id: id, note: note}}\n",
      "3:73", "down.note");
}

// pgroll's TestDropConstraint, with version schemas: the new version's column goes without the
// constraint (a column pair), the old one keeps it until contract, which drops it first.
TEST(ConstraintPlanTest, WithVersionSchemasDropConstraintGivesTheColumnAPairWithoutIt) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  TableInfo* users = nullptr;
  for (auto& t : catalog.tables)
    if (t.name == "users") users = &t;
  ASSERT_NE(users, nullptr);
  ConstraintInfo check;
  check.name = "email_long";
  check.type = 'c';
  check.definition = "CHECK (length(email) > 3)";
  check.check_expr = "(length(email) > 3)";
  check.columns = {"email"};
  users->constraints.push_back(check);
  const std::string ops =
      "operations:\n"
      "  - drop_constraint: {table: users, name: email_long, up: email, down: \"'----' || "
      "email\"}\n";
  PlanOptions options = testing::FakeOptions();
  options.version_schemas = true;
  auto plan = testing::PlanYaml(ops, catalog, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::vector<std::string> expand = Sql(*plan, Phase::kExpand);
  EXPECT_TRUE(std::any_of(expand.begin(), expand.end(), [](const std::string& q) {
    return q.find("ADD COLUMN") != std::string::npos &&
           q.find("_pgphase_new_email") != std::string::npos;
  })) << "the new version's column";
  for (const std::string& q : Sql(*plan, Phase::kValidate))
    EXPECT_EQ(q.find("email_long"), std::string::npos) << "not carried over: " << q;
  const std::vector<std::string> contract = Sql(*plan, Phase::kContract);
  ASSERT_FALSE(contract.empty());
  EXPECT_EQ(contract[0],
            "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"email_long\"");
  for (const std::string& note : plan->notes)
    EXPECT_EQ(note.find("not used"), std::string::npos) << note;

  auto without = testing::PlanYaml(ops, catalog);
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_TRUE(Sql(*without, Phase::kExpand).empty()) << "without version schemas: in place";
}

// pgroll's ColumnMigrationMissingError: a `down` without an `up` for its column.
TEST(ConstraintPlanTest, CreateConstraintRefusesDownWithoutUp) {
  ExpectRefused(
      "  - create_constraint:\n"
      "      {table: users, name: uq, type: unique, columns: [email], up: {}, down: {email: "
      "email}}\n",
      "3:86", "down.email: column email has `down` but no `up`");
}

TEST(ConstraintPlanTest, RenameConstraintIsReversibleAndSeenByLaterOperations) {
  auto plan = PlanOps(
      "  - rename_constraint: {table: users, from: users_pkey, to: users_pk}\n"
      "  - drop_constraint: {table: users, name: users_pk}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& e = plan->phase(Phase::kExpand).steps;
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].statement->sql,
            "ALTER TABLE \"public\".\"users\" RENAME CONSTRAINT \"users_pkey\" TO \"users_pk\"");
  EXPECT_EQ(e[0].reverse.at(0).sql,
            "ALTER TABLE \"public\".\"users\" RENAME CONSTRAINT \"users_pk\" TO \"users_pkey\"");
  ExpectRefused("  - rename_constraint: {table: users, from: nope, to: x}\n", "2:5",
                "constraint \"nope\" does not exist");
  ExpectRefused(
      "  - create_constraint: {table: users, name: c, type: check, columns: [id], check: id > 0}\n"
      "  - rename_constraint: {table: users, from: users_pkey, to: c}\n",
      "3:5", "constraint \"c\" already exists");
  ExpectRefused(
      "  - create_index: {name: i, table: users, columns: [email]}\n"
      "  - rename_constraint: {table: users, from: users_pkey, to: i}\n",
      "3:5", "a relation named \"i\" already exists");
  ExpectRefused(
      "  - create_constraint: {table: users, name: uq, type: unique, columns: [email]}\n"
      "  - rename_constraint: {table: users, from: uq, to: uq2}\n",
      "3:5", "attached only at swap");
}

TEST(ConstraintPlanTest, ContractStepsHaveNoReverseAndEveryOtherDdlStepHasOne) {
  auto plan = PlanOps(
      "  - create_constraint: {table: logs, name: logs_pkey, type: primary_key, columns: [msg]}\n"
      "  - create_constraint: {table: users, name: c, type: check, columns: [id], check: id > 0}\n"
      "  - create_index: {name: i, table: users, columns: [email]}\n"
      "  - drop_index: {name: i}\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (const auto& s : plan->phase(Phase::kContract).steps) EXPECT_TRUE(s.reverse.empty()) << s.id;
  for (Phase p : {Phase::kExpand, Phase::kSwap}) {
    for (const auto& s : plan->phase(p).steps) EXPECT_FALSE(s.reverse.empty()) << s.id;
  }
}

}  // namespace
}  // namespace pgphase
