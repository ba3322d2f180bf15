// pgroll's own operation tests (pkg/migrations/op_add_column_test.go, op_set_check_test.go,
// op_change_type_test.go, op_alter_column_test.go) as the conformance target, for the
// column shapes pgphase used to refuse at plan time: the same tables and values, started
// (apply through swap or backfill), written and read by the old app and the new one,
// reversed ("rollback"), applied again and contracted ("complete"), every value checked.
//
// pgroll serves each version through its own view schema; pgphase has one table, so "old
// app" below is a write by the names and types the table had before the migration, and
// "new app" one by the names and types it has after.
#include "harness.h"

namespace pgphase::it {
namespace {

class PgrollColumnOpsTest : public PgphaseTest {
 protected:
  // The SQLSTATE `sql` fails with, "" when it succeeds.
  std::string StateOf(const std::string& sql) {
    try {
      Exec(sql);
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
    return "";
  }
  void ExpectCleanedUp(const std::string& table) {
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = '" + table +
                        "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped"),
              0);
    EXPECT_EQ(UserTriggerCount(table), 0);
    EXPECT_EQ(FunctionCountInSchema("pgphase"), 0);
  }
  std::string Rows(const std::string& sql) {
    std::string out;
    for (const auto& row : Query(sql)) {
      if (!out.empty()) out += "; ";
      for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i];
    }
    return out;
  }
};

// pgroll: TestAddColumn / "add serial columns".
TEST_F(PgrollColumnOpsTest, AddSerialColumns) {
  Exec("CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) UNIQUE);");
  const std::string before = SchemaDump();
  const std::string migration = "02_add_column";
  const std::string spec = WriteSpec(migration, R"(operations:
  - add_column:
      table: users
      column:
        name: counter_smallserial
        type: smallserial
        nullable: false
  - add_column:
      table: users
      column:
        name: counter_serial
        type: serial
        nullable: false
  - add_column:
      table: users
      column:
        name: counter_bigserial
        type: bigserial
        nullable: false
)");
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_EQ(plan.out.find("rewrites"), std::string::npos) << "no ADD COLUMN that rewrites" << plan;
  Apply(spec, "backfill");
  // Inserting by the old names (the old app) and the new ones works, omitting the counters.
  Exec("INSERT INTO users (name) VALUES ('Alice')");
  Exec("INSERT INTO users (name) VALUES ('Bob')");
  EXPECT_EQ(Rows("SELECT id, name FROM users ORDER BY id"), "1,Alice; 2,Bob");
  EXPECT_EQ(Rows("SELECT id, name, counter_smallserial, counter_serial, counter_bigserial FROM "
                 "users ORDER BY id"),
            "1,Alice,1,1,1; 2,Bob,2,2,2");
  Apply(spec, "swap");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before) << "the columns and their sequences are gone";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                      "attnum > 0 AND NOT attisdropped"),
            2);

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_TRUE(ColumnNotNull("users", "counter_serial"));
  EXPECT_EQ(TypeOf("users", "counter_smallserial"), "smallint");
  EXPECT_EQ(TypeOf("users", "counter_serial"), "integer");
  EXPECT_EQ(TypeOf("users", "counter_bigserial"), "bigint");
  EXPECT_EQ(Scalar("SELECT pg_get_serial_sequence('users', 'counter_serial')"),
            "public.users_counter_serial_seq")
      << "the sequence is owned by the column, as a serial's is";
  Exec("INSERT INTO users (name) VALUES ('Carl')");
  EXPECT_EQ(Rows("SELECT id, name, counter_smallserial, counter_serial, counter_bigserial FROM "
                 "users ORDER BY id"),
            "1,Alice,1,1,1; 2,Bob,2,2,2; 3,Carl,3,3,3")
      << "existing rows were numbered by the backfill, in key order";
}

}  // namespace
}  // namespace pgphase::it
