#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

// Plans `yaml` against the fake catalog, then checks that its JSON reads back equal.
Plan ExpectRoundTrip(const std::string& yaml) {
  auto spec = ParseSpec(yaml, "0001_rt.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  if (!spec.ok()) return {};
  auto plan = BuildPlan(*spec, testing::FakeCatalog());
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  if (!plan.ok()) return {};
  auto back = ParsePlanJson(PlanToJson(*plan));
  EXPECT_TRUE(back.ok()) << back.status().message();
  if (!back.ok()) return {};
  EXPECT_TRUE(*back == *plan);
  EXPECT_EQ(PlanToJson(*back), PlanToJson(*plan));
  return *back;
}

TEST(PlanJsonTest, RoundTripGivesAnEqualPlan) {
  const Plan plan = ExpectRoundTrip(
      "version_schema: v2\noperations:\n  - add_column:\n      table: users\n      up: "
      "upper(name)\n"
      "      column:\n        name: s\n        type: text\n        unique: true\n");
  EXPECT_FALSE(plan.notes.empty());
}

// An empty key is how a plan says "ctid ranges"; plans stored before ctid batching had a
// key in every job and read the same as before.
TEST(PlanJsonTest, CtidBackfillRoundTripsWithAnEmptyKey) {
  const Plan plan = ExpectRoundTrip(
      "operations:\n  - add_column:\n      table: logs\n      up: upper(msg)\n"
      "      column:\n        name: s\n        type: text\n        nullable: true\n");
  EXPECT_NE(PlanToJson(plan).find("\"key\":[]"), std::string::npos) << PlanToJson(plan);
  ASSERT_EQ(plan.phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_TRUE(plan.phase(Phase::kBackfill).steps[0].backfill->ByCtid());
}

// create_constraint's fix of the rows its check rejects is a batched job with a predicate;
// plans stored before it have no "only_where" and read as fills.
TEST(PlanJsonTest, FixOfViolatingRowsRoundTripsWithItsPredicate) {
  const Plan plan = ExpectRoundTrip(
      "operations:\n  - create_constraint: {table: users, name: c, type: check, columns: "
      "[email], check: \"email <> ''\", up: {email: \"coalesce(nullif(email, ''), 'x')\"}}\n");
  ASSERT_EQ(plan.phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_EQ(plan.phase(Phase::kBackfill).steps[0].backfill->only_where, "NOT (email <> '')");
  const Plan fill = ExpectRoundTrip(
      "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column:\n        name: s\n        type: text\n");
  EXPECT_EQ(PlanToJson(fill).find("\"only_where\":\"NOT"), std::string::npos) << PlanToJson(fill);
  EXPECT_EQ(fill.phase(Phase::kBackfill).steps[0].backfill->only_where, "");
}

// A serial column's fill names the sequence expand creates: the stored plan keeps saying so.
TEST(PlanJsonTest, UnprobedAssignmentsRoundTrip) {
  const Plan plan = ExpectRoundTrip(
      "operations:\n  - add_column:\n      table: users\n"
      "      column:\n        name: n\n        type: serial\n");
  ASSERT_EQ(plan.phase(Phase::kBackfill).steps.size(), 1u);
  EXPECT_EQ(plan.phase(Phase::kBackfill).steps[0].backfill->unprobed,
            std::vector<std::string>{"n"});
}

TEST(PlanJsonTest, CorruptOrForeignPlansAreRefused) {
  EXPECT_FALSE(ParsePlanJson("not json").ok());
  EXPECT_FALSE(ParsePlanJson("{\"format\": 99}").ok());
  EXPECT_FALSE(ParsePlanJson("{\"format\": 1, \"migration\": \"x\", \"phases\": []}").ok());
}

TEST(PhaseTest, NamesRoundTripInDesignOrder) {
  const char* names[] = {"expand", "sync", "backfill", "validate", "swap", "contract"};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(PhaseName(kAllPhases[i]), names[i]);
    EXPECT_EQ(ParsePhase(names[i]), kAllPhases[i]);
  }
  EXPECT_FALSE(ParsePhase("Expand").has_value());
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(DriftTest, MissingOrRetypedSourceColumnsAreReportedAndNewColumnsIgnored) {
  auto spec = ParseSpec(
      "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column:\n        name: s\n        type: text\n",
      "0001_drift.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  CatalogSnapshot catalog = testing::FakeCatalog();
  auto plan = BuildPlan(*spec, catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(FindDrift(*plan, catalog).empty());

  // The column the plan adds appearing is not drift.
  CatalogSnapshot expanded = catalog;
  expanded.tables[0].columns.push_back(testing::Col("s", "text", false));
  EXPECT_TRUE(FindDrift(*plan, expanded).empty());

  CatalogSnapshot retyped = catalog;
  retyped.tables[0].columns[1].type = "character varying(10)";
  auto drift = FindDrift(*plan, retyped);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0], "column public.users.name text is now character varying(10)");

  CatalogSnapshot dropped = catalog;
  dropped.tables.erase(dropped.tables.begin());
  drift = FindDrift(*plan, dropped);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0], "table public.users no longer exists");
}

// A keyset backfill walks the table in key order: without a unique key over those
// columns, batches could skip or repeat rows at their edges.
TEST(DriftTest, AKeysetBackfillsKeyThatIsNoLongerUniqueIsReported) {
  auto plan = testing::PlanYaml(
      "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column:\n        name: s\n        type: text\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->expected_keys.size(), 1u);
  EXPECT_EQ(plan->expected_keys[0].Describe(), "public.users (id)");
  const CatalogSnapshot catalog = testing::FakeCatalog();
  EXPECT_TRUE(FindDrift(*plan, catalog).empty());

  CatalogSnapshot no_pk = catalog;
  no_pk.tables[0].primary_key.clear();
  no_pk.tables[0].indexes.clear();
  auto drift = FindDrift(*plan, no_pk);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_NE(drift[0].find("table public.users (id): no primary key or unique index"),
            std::string::npos)
      << drift[0];

  // A unique index over the NOT NULL key columns still orders and identifies every row.
  CatalogSnapshot unique_index = no_pk;
  IndexInfo idx;
  idx.name = "users_id_key";
  idx.unique = true;
  idx.columns = {"id"};
  unique_index.tables[0].indexes = {idx};
  EXPECT_TRUE(FindDrift(*plan, unique_index).empty());
  unique_index.tables[0].indexes[0].valid = false;
  EXPECT_EQ(FindDrift(*plan, unique_index).size(), 1u) << "an invalid index enforces nothing";

  auto back = ParsePlanJson(PlanToJson(*plan));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->expected_keys == plan->expected_keys);
}

// A key column this plan renames (at swap) is not expected under its old name; a table
// without a key (ctid ranges) and a table the plan creates have no key to expect.
TEST(DriftTest, KeysThePlanChangesOrDoesNotWalkAreNotExpected) {
  auto renamed = testing::PlanYaml(
      "operations:\n  - rename_column: {table: users, from: id, to: user_id}\n"
      "  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column:\n        name: s\n        type: text\n");
  ASSERT_TRUE(renamed.ok()) << renamed.status().message();
  EXPECT_TRUE(renamed->expected_keys.empty());
  auto keyless = testing::PlanYaml(
      "operations:\n  - add_column:\n      table: logs\n      up: upper(msg)\n"
      "      column:\n        name: s\n        type: text\n");
  ASSERT_TRUE(keyless.ok()) << keyless.status().message();
  EXPECT_TRUE(keyless->expected_keys.empty());
}

}  // namespace
}  // namespace pgphase
