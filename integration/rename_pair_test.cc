// Issue 9, part 2: a renamed column has both names live from the end of sync until contract,
// through a column pair kept in step both ways. Each test acts as the old application (the
// old name and shape) and the new one (the new name and shape) in every phase, and checks
// that each write is visible through the other name at once.
#include "harness.h"

namespace pgphase::it {
namespace {

class RenamePairTest : public PgphaseTest {
 protected:
  // people(id, name text NOT NULL, age) with 1000 rows named 'n<id>'.
  void SeedPeople() {
    Exec(
        "CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, age int);"
        "INSERT INTO people SELECT g, 'n' || g, g % 90 FROM generate_series(1, 1000) g;"
        "ANALYZE people");
  }
  std::string RenameName() {
    return WriteSpec("0001_full_name",
                     "operations:\n  - rename_column: {table: people, from: name, to: "
                     "full_name}\n");
  }
  // Both apps write, each through its own name, rows `base`..`base`+3; each write must be
  // visible through the other name.
  void BothAppsWrite(long long base, const std::string& phase) {
    SCOPED_TRACE("after " + phase);
    const std::string a = std::to_string(base), b = std::to_string(base + 1);
    Exec("INSERT INTO people (id, name, age) VALUES (" + a + ", 'old " + a + "', 1)");
    Exec("INSERT INTO people (id, full_name, age) VALUES (" + b + ", 'new " + b + "', 2)");
    EXPECT_EQ(Scalar("SELECT full_name FROM people WHERE id = " + a), "old " + a);
    EXPECT_EQ(Scalar("SELECT name FROM people WHERE id = " + b), "new " + b);
    Exec("UPDATE people SET name = 'old upd " + a + "' WHERE id = 3");
    EXPECT_EQ(Scalar("SELECT full_name FROM people WHERE id = 3"), "old upd " + a);
    Exec("UPDATE people SET full_name = 'new upd " + b + "' WHERE id = 4");
    EXPECT_EQ(Scalar("SELECT name FROM people WHERE id = 4"), "new upd " + b);
    Exec("UPDATE people SET age = age + 1 WHERE id = 5");  // neither name: both kept
    EXPECT_EQ(Scalar("SELECT name || '|' || full_name FROM people WHERE id = 5"), "n5|n5");
  }
  long long OutOfStep() {
    return ScalarInt("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM name");
  }
};

TEST_F(RenamePairTest, BothNamesLiveFromSyncUntilContract) {
  SeedPeople();
  const std::string spec = RenameName();
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_EQ(plan.out.find("renamed at swap"), std::string::npos) << plan;
  Apply(spec, "expand");
  Exec("INSERT INTO people (id, name) VALUES (2000, 'old app at expand')");
  long long base = 3000;
  for (const char* phase : {"sync", "backfill", "validate", "swap"}) {
    Apply(spec, phase);
    BothAppsWrite(base, phase);
    base += 10;
  }
  EXPECT_EQ(OutOfStep(), 0) << "the backfill filled every row, the trigger kept them in step";
  EXPECT_EQ(Scalar("SELECT full_name FROM people WHERE id = 2000"), "old app at expand");
  Apply(spec, "contract");
  EXPECT_FALSE(ColumnExists("people", "name"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM people WHERE full_name IS NULL"), 0);
  EXPECT_EQ(Scalar("SELECT full_name FROM people WHERE id = 4"), "new upd 3031");
  Exec("INSERT INTO people (id, full_name) VALUES (9000, 'after contract')");
  EXPECT_EQ(FunctionCountInSchema("pgphase"), 0) << "no trigger function left";
}

// Reverse before contract loses nothing the new app wrote: the old column holds it.
TEST_F(RenamePairTest, ReverseBeforeContractKeepsWhatTheNewAppWrote) {
  SeedPeople();
  const std::string before = SchemaDump();
  const std::string spec = RenameName();
  Apply(spec, "swap");
  BothAppsWrite(3000, "swap");
  Reverse("0001_full_name");
  EXPECT_EQ(SchemaDump(), before) << "name NOT NULL again, full_name gone";
  EXPECT_EQ(Scalar("SELECT name FROM people WHERE id = 3001"), "new 3001");
  EXPECT_EQ(Scalar("SELECT name FROM people WHERE id = 4"), "new upd 3001");
}

// A rename with a type change: the old app keeps its text column, the new app its numeric
// one under the new name; `up` and `down` convert each write for the other side.
TEST_F(RenamePairTest, RenameWithTypeChangeGivesEachAppItsShape) {
  Exec(
      "CREATE TABLE prices (id bigint PRIMARY KEY, price text NOT NULL);"
      "INSERT INTO prices SELECT g, (g * 1.5)::text FROM generate_series(1, 500) g");
  const std::string spec =
      WriteSpec("0002_amount",
                "operations:\n  - alter_column:\n      table: prices\n      column: price\n"
                "      name: amount\n      type: numeric(12,2)\n"
                "      up: CAST(price AS numeric(12,2))\n      down: CAST(amount AS text)\n");
  for (const char* phase : {"sync", "backfill", "validate", "swap"}) {
    SCOPED_TRACE(phase);
    Apply(spec, phase);
    Exec(
        "INSERT INTO prices (id, price) VALUES (1000, '12.5') ON CONFLICT (id) DO UPDATE SET "
        "price = excluded.price");
    EXPECT_EQ(Scalar("SELECT amount FROM prices WHERE id = 1000"), "12.50");
    Exec("UPDATE prices SET amount = 7.25 WHERE id = 2");
    EXPECT_EQ(Scalar("SELECT price FROM prices WHERE id = 2"), "7.25");
    EXPECT_EQ(TypeOf("prices", "price"), "text");
    EXPECT_EQ(TypeOf("prices", "amount"), "numeric(12,2)");
  }
  // An old-app value `up` cannot convert is recorded, not refused (part 1 holds for pairs).
  Exec("UPDATE prices SET price = 'n/a' WHERE id = 3");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.sync_errors"), 1);
  Exec("UPDATE prices SET price = '4.5' WHERE id = 3");
  Apply(spec, "contract");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM prices WHERE amount IS NULL"), 0);
  EXPECT_EQ(Scalar("SELECT amount FROM prices WHERE id = 3"), "4.50");
}

// A column the pair cannot take over (a view reads it) is renamed at swap, as before, and
// plan says so.
TEST_F(RenamePairTest, ColumnAViewReadsIsRenamedAtSwapWithANote) {
  SeedPeople();
  Exec("CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18");
  const std::string spec = RenameName();
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("renamed at swap, not through a column pair (view adults depends on "
                          "it)"),
            std::string::npos)
      << plan;
  Apply(spec, "contract");
  EXPECT_TRUE(ColumnExists("people", "full_name"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM adults WHERE name IS NULL"), 0)
      << "the view follows the rename";
}

// The catalog names what keeps a column from a pair: a check constraint on it, another
// table's foreign key to it.
TEST_F(RenamePairTest, ConstraintsOnTheColumnKeepTheRenameAtSwap) {
  SeedPeople();
  Exec(
      "ALTER TABLE people ADD CONSTRAINT age_positive CHECK (age >= 0);"
      "ALTER TABLE people ADD CONSTRAINT people_name_key UNIQUE (name);"
      "CREATE TABLE badges (id int PRIMARY KEY, holder text REFERENCES people (name))");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{table: people, from: age, to: years}",
       "(constraint age_positive (CHECK ((age >= 0))) is on it)"},
      {"{table: people, from: name, to: full_name}",
       "(constraint badges_holder_fkey on table badges depends on it)"},
  };
  for (const auto& [op, why] : cases) {
    RunResult plan =
        Run({"plan", WriteSpec("0003_rename", "operations:\n  - rename_column: " + op + "\n")});
    ASSERT_EQ(plan.exit_code, 0) << plan;
    EXPECT_NE(plan.out.find("renamed at swap, not through a column pair " + why), std::string::npos)
        << plan;
  }
}

}  // namespace
}  // namespace pgphase::it
