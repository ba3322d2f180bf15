// Issue 9: nothing pgphase installs makes an application write fail. A value `up` or `down`
// cannot convert is recorded and holds the phase that needs it; existing rows are checked
// before anything changes. Each test acts as the old app (and the new app after swap).
#include "harness.h"

namespace pgphase::it {
namespace {

class AppSafetyTest : public PgphaseTest {
 protected:
  // accounts(id, owner text, balance) with `rows` rows whose owner is a number ('1', '2', ...)
  // except where `owner_of` says otherwise.
  void SeedAccounts(long long rows, const std::string& owner_expr = "g::text") {
    Exec(
        "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric "
        "NOT NULL); INSERT INTO accounts SELECT g, " +
        owner_expr + ", g FROM generate_series(1, " + std::to_string(rows) +
        ") g; ANALYZE accounts");
  }
  std::string OwnerToInteger(const std::string& settings = "") {
    return WriteSpec("0001_owner_int", settings +
                                           "operations:\n  - alter_column:\n      table: accounts\n"
                                           "      column: owner\n      type: integer\n");
  }
  // The error of a statement, "" when it succeeds.
  std::string Fails(const std::string& sql) {
    try {
      Exec(sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  long long Recorded() {
    return ScalarInt("SELECT count(*) FROM pgphase.sync_errors WHERE migration = '0001_owner_int'");
  }
};

// The reproduction: a default cast that fails on existing rows is refused before
// expand, naming the rows and the error; nothing is changed.
TEST_F(AppSafetyTest, PrecheckRefusesUnconvertibleRowsAndChangesNothing) {
  SeedAccounts(1000, "'o' || g");
  const std::string before = SchemaDump();
  RunResult r = Run({"apply", OwnerToInteger()});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("row (1): SQLSTATE 22P02: invalid input syntax for type integer: \"o1\""),
            std::string::npos)
      << r;
  EXPECT_NE(r.err.find("public.accounts.owner"), std::string::npos) << r;
  EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_FALSE(RelationExists("pgphase.migrations")) << "not even registered";
  RunResult plan = Run({"plan", OwnerToInteger()});
  EXPECT_EQ(plan.exit_code, 2) << "plan --db reports the same" << plan;
  EXPECT_NE(plan.err.find("row (1)"), std::string::npos) << plan;
}

TEST_F(AppSafetyTest, PrecheckFindsTheOneBadRowAmongAHundredThousand) {
  SeedAccounts(100000, "CASE WHEN g = 73519 THEN 'x' || g ELSE g::text END");
  const std::string before = SchemaDump();
  RunResult r = Run({"apply", OwnerToInteger()});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("row (73519): SQLSTATE 22P02"), std::string::npos) << r;
  EXPECT_NE(r.err.find("(the first 1)"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
  // Known to be clean (it is not, here): the check can be skipped, and then the backfill
  // records the row instead of failing.
  RunResult skipped = Run({"apply", OwnerToInteger(), "--through", "backfill", "--skip-precheck"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped;
  EXPECT_EQ(Recorded(), 1);
}

// Old-app writes `up` cannot convert go through in sync, backfill and validate; validate
// refuses while they exist (naming them), passes once they are fixed, and the migration
// completes with every value right.
TEST_F(AppSafetyTest, UnconvertibleOldAppWritesSucceedAndHoldValidateUntilFixed) {
  SeedAccounts(2000);
  const std::string spec = OwnerToInteger("settings:\n  batch_size_max: 300\n");
  Apply(spec, "sync");
  EXPECT_EQ(Fails("INSERT INTO accounts (id, owner, balance) VALUES (5000, 'alice', 1)"), "");
  EXPECT_EQ(Fails("UPDATE accounts SET owner = 'bob' WHERE id = 7"), "");
  // Rows written between the precheck and the trigger are found by the backfill: written
  // with triggers off, as if before sync.
  Exec(
      "SET session_replication_role = replica; UPDATE accounts SET owner = 'carol' WHERE id = "
      "1500; SET session_replication_role = DEFAULT");
  Apply(spec, "backfill");
  EXPECT_EQ(Fails("UPDATE accounts SET owner = 'dave' WHERE id = 8"), "");
  RunResult v = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(v.exit_code, 2) << v;
  for (const char* key : {"row (5000)", "row (7)", "row (8)", "row (1500)"})
    EXPECT_NE(v.err.find(key), std::string::npos) << key << "\n" << v;
  EXPECT_EQ(Fails("INSERT INTO accounts (id, owner, balance) VALUES (5001, 'erin', 1)"), "")
      << "while validate refuses, writes still go through";
  RunResult status = Run({"status", "--json"});
  EXPECT_NE(status.out.find("\"unconverted_rows\": 5"), std::string::npos) << status;
  // Fixed by the application: each row converts when written again (or is gone).
  Exec(
      "UPDATE accounts SET owner = '7' WHERE id = 7; UPDATE accounts SET owner = '8' WHERE id = "
      "8; UPDATE accounts SET owner = '1500' WHERE id = 1500; DELETE FROM accounts WHERE id IN "
      "(5000, 5001)");
  Apply(spec, "swap");
  EXPECT_EQ(Recorded(), 0);
  EXPECT_EQ(TypeOf("accounts", "owner"), "integer");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM accounts WHERE owner <> id"), 0);
  Apply(spec, "contract");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM accounts"), 2000);
}

// A NOT NULL helper check met by an `up` that gives NULL: the write goes through (the check
// exists only from validate on), and validate's VALIDATE names the rows.
TEST_F(AppSafetyTest, UpGivingNullBreaksNoWriteAndValidateNamesTheRows) {
  Exec(
      "CREATE TABLE notes (id bigint PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'b' "
      "|| g FROM generate_series(1, 500) g");
  const std::string spec =
      WriteSpec("0002_notes_title",
                "operations:\n  - add_column:\n      table: notes\n      up: nullif(body, '')\n"
                "      column:\n        name: title\n        type: text\n");
  Apply(spec, "backfill");
  EXPECT_EQ(Fails("INSERT INTO notes VALUES (900, '')"), "");
  EXPECT_EQ(Fails("UPDATE notes SET body = '' WHERE id = 3"), "");
  RunResult v = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(v.exit_code, 2) << v;
  EXPECT_NE(v.err.find("these rows violate it (up to ten, by key): 3, 900"), std::string::npos)
      << v;
  Exec("UPDATE notes SET body = 'fixed', title = 'fixed' WHERE id IN (3, 900)");
  Apply(spec, "contract");
  EXPECT_TRUE(ColumnNotNull("notes", "title"));
}

// After swap the new app writes what `down` cannot convert into the old column: the write
// goes through (the old column's NOT NULL is dropped at swap for that) and is recorded.
TEST_F(AppSafetyTest, NewAppWritesDownCannotConvertSucceedAfterSwap) {
  Exec(
      "CREATE TABLE items (id bigint PRIMARY KEY, code integer NOT NULL); INSERT INTO items "
      "SELECT g, g FROM generate_series(1, 100) g");
  const std::string spec =
      WriteSpec("0003_code_text",
                "operations:\n  - alter_column:\n      table: items\n      column: code\n"
                "      type: text\n");
  Apply(spec, "swap");
  EXPECT_EQ(TypeOf("items", "code"), "text");
  EXPECT_EQ(Fails("INSERT INTO items (id, code) VALUES (500, 'abc')"), "");
  EXPECT_EQ(Fails("UPDATE items SET code = 'xyz' WHERE id = 4"), "");
  EXPECT_EQ(Fails("UPDATE items SET code = '44' WHERE id = 5"), "");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_code FROM items WHERE id = 5"), "44");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.sync_errors WHERE migration = "
                      "'0003_code_text' AND column_name = '_pgphase_old_code'"),
            2);
}

// The trigger records as the application's role, which has no rights on pgphase's tables.
TEST_F(AppSafetyTest, AnApplicationRoleWithoutRightsOnPgphaseStillWrites) {
  SeedAccounts(100);
  const std::string spec = OwnerToInteger();
  Apply(spec, "sync");
  const std::string role = "app_" + std::to_string(getpid());
  Exec("CREATE ROLE " + role + " LOGIN; GRANT SELECT, INSERT, UPDATE ON accounts TO " + role);
  RunResult r =
      RunCommand({"psql", WithDatabase(db_url(), db_name()), "-v", "ON_ERROR_STOP=1", "-c",
                  "SET ROLE " + role + "; INSERT INTO accounts VALUES (900, 'zed', 1)"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Recorded(), 1);
  Exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
}

}  // namespace
}  // namespace pgphase::it
