#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

Result<Plan> PlanYaml(const std::string& yaml,
                      const CatalogSnapshot& catalog = testing::FakeCatalog()) {
  auto spec = ParseSpec(yaml, "0001_test.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, catalog);
}

std::string AddColumn(const std::string& table, const std::string& column_body,
                      const std::string& up = "") {
  std::string y = "operations:\n  - add_column:\n      table: " + table + "\n";
  if (!up.empty()) y += "      up: \"" + up + "\"\n";
  return y + "      column:\n" + column_body;
}

std::vector<std::string> Sql(const Plan& p, Phase phase) {
  std::vector<std::string> out;
  for (const auto& s : p.phase(phase).steps)
    if (s.statement) out.push_back(s.statement->sql);
  return out;
}

bool AnyContains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

TEST(AddColumnPlanTest, NotNullWithoutUpOrDefaultIsRejectedWithItsLocation) {
  auto plan = PlanYaml(AddColumn("users", "        name: c\n        type: int\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find("0001_test.yaml:5:"), std::string::npos)
      << plan.status().message();
  EXPECT_NE(plan.status().message().find("neither `up` nor `default`"), std::string::npos);
}

// pgroll's "add serial columns": a serial fills itself from its sequence. ADD COLUMN ...
// serial would compute nextval() for every row under ACCESS EXCLUSIVE (a rewrite); pgphase
// creates the sequence, adds a plain integer column with the nextval default, and backfills.
TEST(AddColumnPlanTest, SerialIsASequenceAVolatileDefaultAndABackfill) {
  auto plan = PlanYaml(AddColumn("users", "        name: n\n        type: BIGSERIAL\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto expand = Sql(*plan, Phase::kExpand);
  ASSERT_EQ(expand.size(), 4u);
  EXPECT_EQ(expand[0], "CREATE SEQUENCE \"public\".\"users_n_seq\" AS bigint");
  EXPECT_EQ(expand[1], "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"n\" bigint");
  EXPECT_EQ(expand[2],
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"n\" SET DEFAULT "
            "(nextval('\"public\".\"users_n_seq\"'::regclass))");
  EXPECT_EQ(expand[3],
            "ALTER SEQUENCE \"public\".\"users_n_seq\" OWNED BY \"public\".\"users\".\"n\"");
  for (const Step& s : plan->phase(Phase::kExpand).steps) {
    EXPECT_FALSE(s.statement->rewrites) << s.id;
    EXPECT_FALSE(s.reverse.empty() && s.id != "expand.users.n.default") << s.id;
  }
  ASSERT_EQ(plan->phase(Phase::kBackfill).steps.size(), 1u);
  const BackfillJob& job = *plan->phase(Phase::kBackfill).steps[0].backfill;
  EXPECT_EQ(job.unprobed, std::vector<std::string>{"n"})
      << "the sequence exists only from expand on";
  EXPECT_TRUE(plan->prechecks.empty());
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kValidate), "SET NOT NULL"));

  auto refused = PlanYaml(
      AddColumn("users", "        name: n\n        type: serial\n        default: \"1\"\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("takes its default from its sequence"),
            std::string::npos)
      << refused.status().message();
}

TEST(AddColumnPlanTest, MissingTableIsRejected) {
  auto plan =
      PlanYaml(AddColumn("nope", "        name: c\n        type: int\n        nullable: true\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("table \"public\".\"nope\" does not exist"),
            std::string::npos)
      << plan.status().message();
}

TEST(AddColumnPlanTest, ExistingColumnIsRejected) {
  auto plan = PlanYaml(
      AddColumn("users", "        name: email\n        type: text\n        nullable: true\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("already exists"), std::string::npos);
}

TEST(AddColumnPlanTest, SameColumnTwiceInOneMigrationIsRejected) {
  const std::string op =
      "  - add_column:\n      table: users\n      column:\n        name: c\n        type: int\n"
      "        nullable: true\n";
  auto spec = ParseSpec("operations:\n" + op + op, "0001_test.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto plan = BuildPlan(*spec, testing::FakeCatalog());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("already exists"), std::string::npos);
}

TEST(AddColumnPlanTest, UnparsableUpIsRejected) {
  auto plan = PlanYaml(
      AddColumn("users", "        name: c\n        type: int\n        nullable: true\n", "1 +"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("add_column.up"), std::string::npos)
      << plan.status().message();
}

TEST(AddColumnPlanTest, UnknownTypeSyntaxIsRejected) {
  auto plan = PlanYaml(AddColumn(
      "users",
      "        name: c\n        type: \"int; DROP TABLE users\"\n        nullable: true\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("column.type"), std::string::npos);
}

// add_column c text, nullable, filled from `up`.
std::string AddNullableText(const std::string& table, const std::string& up) {
  return AddColumn(table, "        name: c\n        type: text\n        nullable: true\n", up);
}

const Step* FindStep(const Plan& p, Phase phase, const std::string& id) {
  for (const auto& s : p.phase(phase).steps)
    if (s.id == id) return &s;
  return nullptr;
}

TEST(AddColumnPlanTest, BackfillOnTableWithoutKeyBatchesByCtidRanges) {
  auto plan = PlanYaml(AddNullableText("logs", "upper(msg)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step* backfill = FindStep(*plan, Phase::kBackfill, "backfill.logs");
  ASSERT_NE(backfill, nullptr);
  ASSERT_TRUE(backfill->backfill.has_value());
  EXPECT_TRUE(backfill->backfill->key.empty());
  EXPECT_TRUE(backfill->backfill->ByCtid());
  EXPECT_EQ(backfill->summary, "fill c for existing rows of logs in ctid-range batches");
  const std::string text = RenderPlanText(*plan);
  EXPECT_NE(text.find("one range of pages at a time, ctid order"), std::string::npos) << text;
  EXPECT_NE(text.find("ctid >= $3::tid AND ctid < $4::tid"), std::string::npos) << text;
}

// An UPDATE may move a row the ctid walk has not reached to a page it has passed: the
// trigger must fill the column on any UPDATE that finds it NULL, not only when `up`'s
// sources change.
TEST(AddColumnPlanTest, TableWithoutKeyFillsNullsOnEveryUpdate) {
  auto plan = PlanYaml(AddNullableText("logs", "upper(msg)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step* upd = FindStep(*plan, Phase::kSync, "sync.logs.update_trigger");
  ASSERT_NE(upd, nullptr);
  EXPECT_NE(upd->statement->sql.find("BEFORE UPDATE ON \"public\".\"logs\" FOR EACH ROW WHEN "
                                     "((NEW.\"c\" IS NULL OR "),
            std::string::npos)
      << upd->statement->sql;
  EXPECT_NE(upd->summary.find("fill them on any UPDATE while NULL"), std::string::npos);
  const Step* fn = FindStep(*plan, Phase::kSync, "sync.logs.function");
  ASSERT_NE(fn, nullptr);
  // One fill: the trigger's WHEN is its whole condition, the function only assigns.
  EXPECT_NE(fn->statement->sql.find("BEGIN\n    NEW.\"c\" := (upper(msg));\n  RETURN NEW;"),
            std::string::npos)
      << fn->statement->sql;
}

TEST(AddColumnPlanTest, TableWithAKeyKeepsItsUpdateTriggerNarrowedToTheSources) {
  auto plan = PlanYaml(AddNullableText("users", "upper(name)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step* upd = FindStep(*plan, Phase::kSync, "sync.users.update_trigger");
  ASSERT_NE(upd, nullptr);
  EXPECT_NE(upd->statement->sql.find("BEFORE UPDATE OF \"name\" ON"), std::string::npos)
      << upd->statement->sql;
  EXPECT_EQ(upd->statement->sql.find("NEW.\"c\" IS NULL"), std::string::npos);
  EXPECT_EQ(FindStep(*plan, Phase::kBackfill, "backfill.users")->summary,
            "fill c for existing rows of users in keyset batches");
}

TEST(AddColumnPlanTest, PartitionedTableWithoutKeyIsRejected) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  for (auto& t : catalog.tables)
    if (t.name == "logs") t.partitioned = true;
  auto plan = PlanYaml(AddNullableText("logs", "upper(msg)"), catalog);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find("partitioned table cannot be batched by ctid ranges"),
            std::string::npos)
      << plan.status().message();
}

TEST(AddColumnPlanTest, ForeignKeyToMissingTableIsRejected) {
  auto plan = PlanYaml(
      AddColumn("users",
                "        name: c\n        type: int\n        nullable: true\n        references:\n"
                "          name: fk\n          table: ghosts\n          column: id\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("ghosts"), std::string::npos);
}

TEST(AddColumnPlanTest, PrimaryKeyOnTableWithOneIsRejected) {
  auto plan =
      PlanYaml(AddColumn("users", "        name: c\n        type: int\n        pk: true\n", "id"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("already has a primary key"), std::string::npos);
}

TEST(AddColumnPlanTest, ConstantDefaultIsOneMetadataOnlyStatementWithNothingToSync) {
  auto plan = PlanYaml(
      AddColumn("users", "        name: stock\n        type: int\n        default: \"100\"\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Sql(*plan, Phase::kExpand),
            std::vector<std::string>{"ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS "
                                     "\"stock\" int DEFAULT (100) NOT NULL"});
  EXPECT_TRUE(plan->phase(Phase::kSync).steps.empty());
  EXPECT_TRUE(plan->phase(Phase::kBackfill).steps.empty());
  EXPECT_TRUE(plan->phase(Phase::kValidate).steps.empty());
}

TEST(AddColumnPlanTest, VolatileDefaultIsBackfilledPerRowWithoutATrigger) {
  auto plan = PlanYaml(AddColumn(
      "users",
      "        name: t\n        type: int\n        nullable: true\n        default: random()\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto expand = Sql(*plan, Phase::kExpand);
  EXPECT_TRUE(AnyContains(expand, "ADD COLUMN IF NOT EXISTS \"t\" int"));
  EXPECT_FALSE(AnyContains(expand, "ADD COLUMN IF NOT EXISTS \"t\" int DEFAULT"));
  EXPECT_TRUE(AnyContains(expand, "SET DEFAULT (random())"));
  EXPECT_TRUE(plan->phase(Phase::kSync).steps.empty());
  ASSERT_EQ(plan->phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_EQ(plan->phase(Phase::kBackfill).steps[0].backfill->assignments[0].expr, "(random())");
}

// Without a key the default alone is not enough: an UPDATE can move a row the ctid walk has
// not reached behind it, so the trigger fills the column then (and its contract drops it).
TEST(AddColumnPlanTest, VolatileDefaultOnTableWithoutKeyGetsATriggerFillingNulls) {
  auto plan = PlanYaml(AddColumn(
      "logs",
      "        name: t\n        type: int\n        nullable: true\n        default: random()\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto sync = Sql(*plan, Phase::kSync);
  ASSERT_EQ(sync.size(), 3u);
  EXPECT_NE(sync[0].find("BEGIN\n    BEGIN\n      NEW.\"t\" := (random());\n"), std::string::npos)
      << sync[0]
      << "\n(random() is double precision: storing it in an int may overflow, so guarded)";
  EXPECT_NE(
      sync[1].find("BEFORE INSERT ON \"public\".\"logs\" FOR EACH ROW WHEN (NEW.\"t\" IS NULL)"),
      std::string::npos)
      << sync[1];
  EXPECT_NE(
      sync[2].find("BEFORE UPDATE ON \"public\".\"logs\" FOR EACH ROW WHEN ((NEW.\"t\" IS NULL))"),
      std::string::npos)
      << sync[2];
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kContract), "DROP FUNCTION IF EXISTS"));
}

// The helper check is added only in validate: until then a value the trigger cannot compute
// must not make an application write fail (issue 9); the VALIDATE names the NULL rows.
TEST(AddColumnPlanTest, NotNullIsEnforcedOnlyFromValidate) {
  auto plan = PlanYaml(AddColumn("users", "        name: s\n        type: text\n", "upper(name)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(AnyContains(Sql(*plan, Phase::kExpand), "IS NOT NULL"));
  const auto sync = Sql(*plan, Phase::kSync);
  ASSERT_EQ(sync.size(), 3u);
  EXPECT_TRUE(AnyContains({sync[1]}, "BEFORE INSERT"));
  EXPECT_FALSE(AnyContains(sync, "IS NOT NULL) NOT VALID"));
  const auto validate = Sql(*plan, Phase::kValidate);
  ASSERT_EQ(validate.size(), 3u);
  EXPECT_TRUE(AnyContains({validate[0]}, "CHECK (\"s\" IS NOT NULL) NOT VALID"));
  EXPECT_TRUE(AnyContains({validate[1]}, "VALIDATE CONSTRAINT"));
  EXPECT_EQ(
      plan->phase(Phase::kValidate).steps[1].diagnose,
      "SELECT \"id\"::text FROM \"public\".\"users\" WHERE NOT (\"s\" IS NOT NULL) ORDER BY \"id\" "
      "LIMIT 10");
  EXPECT_TRUE(AnyContains({validate[2]}, "SET NOT NULL"));
  // upper(name) cannot fail: no guard, no conversion check; NOT NULL is prechecked.
  EXPECT_FALSE(AnyContains(sync, "EXCEPTION"));
  ASSERT_EQ(plan->prechecks.size(), 1u);
  EXPECT_TRUE(plan->prechecks[0].not_null);
}

TEST(AddColumnPlanTest, NullableColumnUpdateTriggerFiresOnlyForItsSourceColumns) {
  auto plan = PlanYaml(AddColumn(
      "users", "        name: s\n        type: text\n        nullable: true\n", "upper(name)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kSync), "BEFORE UPDATE OF \"name\" ON"));
}

TEST(AddColumnPlanTest, ConstantUpOnNullableColumnNeedsNoUpdateTrigger) {
  auto plan = PlanYaml(
      AddColumn("users", "        name: s\n        type: text\n        nullable: true\n", "'x'"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(AnyContains(Sql(*plan, Phase::kSync), "BEFORE UPDATE"));
}

TEST(AddColumnPlanTest, UniqueIndexIsBuiltConcurrentlyAfterBackfillAndAttachedAtSwap) {
  auto plan = PlanYaml(AddColumn(
      "users",
      "        name: s\n        type: text\n        nullable: true\n        unique: true\n",
      "upper(name)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& validate = plan->phase(Phase::kValidate).steps;
  ASSERT_EQ(validate.size(), 1u);
  EXPECT_FALSE(validate[0].statement->transactional);
  EXPECT_NE(validate[0].statement->sql.find("CREATE UNIQUE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_FALSE(validate[0].done_check.empty());
  EXPECT_FALSE(validate[0].cleanup.empty());
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kSwap), "UNIQUE USING INDEX \"users_s_key\""));
}

TEST(AddColumnPlanTest, SeveralColumnsOnOneTableShareOneTriggerAndOneBackfill) {
  auto spec = ParseSpec(
      "operations:\n"
      "  - add_column:\n      table: users\n      up: upper(name)\n      column:\n"
      "        name: a\n        type: text\n        nullable: true\n"
      "  - add_column:\n      table: users\n      up: lower(email)\n      column:\n"
      "        name: b\n        type: text\n        nullable: true\n",
      "0002_two.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto plan = BuildPlan(*spec, testing::FakeCatalog());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->phase(Phase::kSync).steps.size(), 3u);  // function, insert, update
  ASSERT_EQ(plan->phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_EQ(plan->phase(Phase::kBackfill).steps[0].backfill->assignments.size(), 2u);
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kSync), "BEFORE UPDATE OF \"name\", \"email\" ON"));
}

TEST(AddColumnPlanTest, CompositePrimaryKeyGivesCompositeKeysetInKeyOrder) {
  auto plan = PlanYaml(AddColumn("order_lines",
                                 "        name: s\n        type: text\n        nullable: true\n",
                                 "upper(note)"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& job = *plan->phase(Phase::kBackfill).steps[0].backfill;
  ASSERT_EQ(job.key.size(), 2u);
  EXPECT_EQ(job.key[0], (KeyColumn{"tenant", "integer"}));
  EXPECT_EQ(job.key[1], (KeyColumn{"id", "bigint"}));
}

TEST(AddColumnPlanTest, SamePlanTwiceIsByteIdentical) {
  const std::string y = AddColumn(
      "users", "        name: s\n        type: text\n        unique: true\n", "upper(name)");
  auto a = PlanYaml(y), b = PlanYaml(y);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(RenderPlanSql(*a), RenderPlanSql(*b));
  EXPECT_EQ(PlanToJson(*a), PlanToJson(*b));
}

TEST(AddColumnPlanTest, ContractIsTheOnlyPhaseWithoutReverseSteps) {
  auto plan = PlanYaml(AddColumn("users", "        name: s\n        type: text\n", "upper(name)"));
  ASSERT_TRUE(plan.ok());
  for (const auto& s : plan->phase(Phase::kContract).steps) EXPECT_TRUE(s.reverse.empty()) << s.id;
  for (const auto& s : plan->phase(Phase::kExpand).steps) {
    if (s.id == "expand.users.s") {
      EXPECT_FALSE(s.reverse.empty());
    }
  }
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(AddColumnPlanTest, UpNamingAMissingColumnIsRejectedWithItsLocation) {
  auto plan =
      PlanYaml(AddColumn("users", "        name: c\n        type: int\n        nullable: true\n",
                         "no_such_column * 2"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("0001_test.yaml:4:"), std::string::npos)
      << plan.status().message();
  EXPECT_NE(plan.status().message().find("column \"no_such_column\" does not exist"),
            std::string::npos);
}

TEST(AddColumnPlanTest, DefaultReferringToAColumnIsRejected) {
  auto plan = PlanYaml(AddColumn(
      "users",
      "        name: c\n        type: text\n        nullable: true\n        default: name\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("cannot refer to columns"), std::string::npos);
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(AddColumnPlanTest, LaterOperationsInTheMigrationSeeTheNewColumn) {
  auto spec = ParseSpec(
      "operations:\n"
      "  - add_column:\n      table: users\n      up: upper(name)\n      column:\n"
      "        name: shout\n        type: text\n        unique: true\n"
      "  - create_index:\n      name: users_shout_email\n      table: users\n"
      "      columns:\n        - column: shout\n        - column: email\n",
      "0003_later.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto plan = BuildPlan(*spec, testing::FakeCatalog());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  // The backfill still batches by the primary key, not by the new unique column.
  const auto& job = *plan->phase(Phase::kBackfill).steps[0].backfill;
  ASSERT_EQ(job.key.size(), 1u);
  EXPECT_EQ(job.key[0].name, "id");
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

// The keys one shared reader takes (spec/column.h) reach the plan in add_column too.
TEST(AddColumnPlanTest, ReferencesTakeEveryForeignKeyOption) {
  auto plan =
      PlanYaml(AddColumn("order_lines",
                         "        name: owner\n        type: bigint\n        nullable: true\n"
                         "        references: {name: f, table: users, column: id, "
                         "on_delete: cascade, on_update: restrict, match_type: full, "
                         "deferrable: true, initially_deferred: true}\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kExpand),
                          "REFERENCES \"public\".\"users\" (\"id\") MATCH FULL ON DELETE CASCADE "
                          "ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED NOT VALID"));
}

TEST(AddColumnPlanTest, ACheckCanBeNoInherit) {
  auto plan = PlanYaml(AddColumn("users",
                                 "        name: age\n        type: int\n        nullable: true\n"
                                 "        check: {name: age_ok, constraint: age > 0, no_inherit: "
                                 "true}\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(AnyContains(Sql(*plan, Phase::kExpand),
                          "ADD CONSTRAINT \"age_ok\" CHECK ((age > 0)) NO INHERIT NOT VALID"));
}

// PostgreSQL computes a generated or identity column for every row in ADD COLUMN itself:
// nothing to sync or backfill, and the plan says it rewrites the table.
TEST(AddColumnPlanTest, GeneratedAndIdentityColumnsAreAddedWholeAndMarkedAsRewrites) {
  struct Case {
    std::string column, sql;
  };
  const Case cases[] = {
      {"        name: shout\n        type: text\n        generated: {expression: upper(name)}\n",
       "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"shout\" text GENERATED ALWAYS "
       "AS "
       "(upper(name)) STORED NOT NULL"},
      {"        name: seq\n        type: bigint\n        generated: {identity: {}}\n",
       "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"seq\" bigint GENERATED BY "
       "DEFAULT AS "
       "IDENTITY NOT NULL"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    auto plan = PlanYaml(AddColumn("users", c.column));
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    const auto& expand = plan->phase(Phase::kExpand).steps;
    ASSERT_EQ(expand.size(), 1u);
    EXPECT_EQ(expand[0].statement->sql, c.sql);
    EXPECT_TRUE(expand[0].statement->rewrites);
    EXPECT_TRUE(plan->phase(Phase::kSync).steps.empty());
    EXPECT_TRUE(plan->phase(Phase::kBackfill).steps.empty());
    ASSERT_FALSE(plan->notes.empty());
    EXPECT_NE(plan->notes[0].find("rewrites the table"), std::string::npos) << plan->notes[0];
  }
  auto refused = PlanYaml(AddColumn(
      "users", "        name: shout\n        type: text\n        generated: {expression: nope}\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("column \"nope\" does not exist"), std::string::npos)
      << refused.status().message();
  auto written = PlanYaml(AddColumn(
      "users", "        name: shout\n        type: text\n        generated: {identity: {}}\n",
      "upper(name)"));
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("cannot be written"), std::string::npos);
}

}  // namespace
}  // namespace pgphase
