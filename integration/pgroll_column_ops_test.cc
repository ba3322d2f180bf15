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

// pgroll: TestSetCheckConstraint / "add check constraint" (its check is no_inherit).
TEST_F(PgrollColumnOpsTest, AddCheckConstraint) {
  Exec("CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);");
  const std::string before = SchemaDump();
  const std::string migration = "02_add_check_constraint";
  const std::string spec = WriteSpec(migration, R"(operations:
  - alter_column:
      table: posts
      column: title
      check:
        name: check_title_length
        constraint: length(title) > 3
        no_inherit: true
      up: SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') ELSE title END
      down: title
)");
  Apply(spec, "expand");
  EXPECT_TRUE(ColumnExists("posts", "_pgphase_new_title"));
  EXPECT_EQ(Scalar("SELECT connoinherit::text FROM pg_constraint WHERE conname = "
                   "'check_title_length'"),
            "true");
  Apply(spec, "backfill");
  // The old app writes a title that meets the check and one that does not.
  Exec("INSERT INTO posts (title) VALUES ('post by alice')");
  Exec("INSERT INTO posts (title) VALUES ('b')");
  EXPECT_EQ(Rows("SELECT id, _pgphase_new_title FROM posts ORDER BY id"), "1,post by alice; 2,---b")
      << "the new column has `up`";
  Apply(spec, "swap");
  EXPECT_EQ(StateOf("INSERT INTO posts (title) VALUES ('post by carl')"), "");
  EXPECT_EQ(StateOf("INSERT INTO posts (title) VALUES ('d')"), "23514");
  EXPECT_EQ(Rows("SELECT id, _pgphase_old_title FROM posts ORDER BY id"),
            "1,post by alice; 2,b; 3,post by carl")
      << "the new app's row reached the old column";

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("posts");
  EXPECT_EQ(Rows("SELECT id, title FROM posts ORDER BY id"),
            "1,post by alice; 2,b; 3,post by carl");

  Apply(spec, "contract");
  ExpectCleanedUp("posts");
  EXPECT_EQ(Scalar("SELECT convalidated::text || ' ' || connoinherit::text FROM pg_constraint "
                   "WHERE conname = 'check_title_length'"),
            "true true");
  EXPECT_EQ(StateOf("INSERT INTO posts (id, title) VALUES (5, 'post by dana')"), "");
  EXPECT_EQ(StateOf("INSERT INTO posts (title) VALUES ('e')"), "23514");
  EXPECT_EQ(Rows("SELECT id, title FROM posts ORDER BY id"),
            "1,post by alice; 2,---b; 3,post by carl; 5,post by dana");
}

// pgroll: TestChangeColumnType / "changing column type removes any incompatile check
// constraints on the column".
TEST_F(PgrollColumnOpsTest, ChangingColumnTypeRemovesAnyIncompatibleCheckConstraintsOnTheColumn) {
  Exec(
      "CREATE TABLE users (id integer PRIMARY KEY, age text CONSTRAINT age_length CHECK "
      "(length(age) < 3));");
  const std::string before = SchemaDump();
  const std::string migration = "02_change_type";
  const std::string spec = WriteSpec(migration, R"(operations:
  - alter_column:
      table: users
      column: age
      type: integer
      up: CAST(age AS integer)
      down: SELECT CASE WHEN age < 100 THEN age::text ELSE '0' END
)");
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("check constraint age_length (CHECK ((length(age) < 3))) is not "
                          "carried over to type integer"),
            std::string::npos)
      << plan;
  Apply(spec, "swap");
  // The new app writes a value the old column's check would refuse.
  EXPECT_EQ(StateOf("INSERT INTO users (id, age) VALUES (1, 1111)"), "");
  EXPECT_EQ(Rows("SELECT id, age, _pgphase_old_age FROM users"), "1,1111,0");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id, age FROM users"), "1,0");

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(StateOf("INSERT INTO users (id, age) VALUES (2, 2222)"), "");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass "
                      "AND contype = 'c'"),
            0);
  EXPECT_EQ(Rows("SELECT id, age FROM users ORDER BY id"), "1,0; 2,2222");
}

// pgroll: TestChangeColumnType / "changing column type preserves any compatible check
// constraints on the column".
TEST_F(PgrollColumnOpsTest, ChangingColumnTypePreservesAnyCompatibleCheckConstraintsOnTheColumn) {
  Exec(
      "CREATE TABLE users (id integer PRIMARY KEY, username text CONSTRAINT username_length "
      "CHECK (length(username) > 3));"
      "INSERT INTO users VALUES (10, 'zara');");
  const std::string before = SchemaDump();
  const std::string migration = "02_change_type";
  const std::string spec = WriteSpec(migration, R"(operations:
  - alter_column:
      table: users
      column: username
      type: varchar(255)
      up: username
      down: username
)");
  Apply(spec, "validate");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                   "'_pgphase_new_username_length'"),
            "CHECK ((length((_pgphase_new_username)::text) > 3))");
  EXPECT_EQ(StateOf("INSERT INTO users (id, username) VALUES (1, 'a')"), "23514");
  Apply(spec, "swap");
  EXPECT_EQ(TypeOf("users", "username"), "character varying(255)");
  EXPECT_EQ(StateOf("INSERT INTO users (id, username) VALUES (1, 'a')"), "23514");
  EXPECT_EQ(StateOf("INSERT INTO users (id, username) VALUES (1, 'alice')"), "");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id, username FROM users ORDER BY id"), "1,alice; 10,zara");

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(StateOf("INSERT INTO users (id, username) VALUES (2, 'b')"), "23514");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                   "'users'::regclass AND contype = 'c'"),
            "CHECK ((length((username)::text) > 3))");
  EXPECT_EQ(Scalar("SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND "
                   "contype = 'c'"),
            "username_length");
}

// The primary key's columns, comma separated, and whether it is validated.
constexpr char kPrimaryKey[] =
    "SELECT conname || ' ' || (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM "
    "unnest(c.conkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = "
    "c.conrelid AND a.attnum = k.attnum) FROM pg_constraint c WHERE conrelid = "
    "'people'::regclass AND contype = 'p'";

// pgroll: TestAlterPrimaryKeyColumns / "alter a single primary key column".
TEST_F(PgrollColumnOpsTest, AlterASinglePrimaryKeyColumn) {
  Exec("CREATE TABLE people (id int PRIMARY KEY, name varchar(255));");
  const std::string before = SchemaDump();
  const std::string migration = "02_alter_column";
  const std::string spec = WriteSpec(migration, R"(operations:
  - alter_column:
      table: people
      column: id
      type: bigint
      up: CAST(id AS bigint)
      down: SELECT CASE WHEN id < 2147483647 THEN CAST(id AS int) ELSE 0 END
)");
  Apply(spec, "validate");
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id");
  // The old app: an integer id works, a bigint one does not.
  EXPECT_EQ(StateOf("INSERT INTO people (id, name) VALUES (100, 'alice')"), "");
  EXPECT_EQ(StateOf("INSERT INTO people (id, name) VALUES (31474836471, 'alice')"), "22003");
  Apply(spec, "swap");
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id");
  EXPECT_EQ(TypeOf("people", "id"), "bigint");
  // The new app: a bigint id works.
  EXPECT_EQ(StateOf("INSERT INTO people (id, name) VALUES (31474836471, 'alice')"), "");
  EXPECT_EQ(Rows("SELECT id, _pgphase_old_id, name FROM people ORDER BY id"),
            "100,100,alice; 31474836471,0,alice");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id");
  ExpectCleanedUp("people");
  EXPECT_EQ(Rows("SELECT id, name FROM people ORDER BY id"), "0,alice; 100,alice")
      << "the new app's row, through `down`";

  Apply(spec, "contract");
  ExpectCleanedUp("people");
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id");
  EXPECT_EQ(StateOf("INSERT INTO people (id, name) VALUES (31474836472, 'bob')"), "");
  EXPECT_EQ(StateOf("INSERT INTO people (id, name) VALUES (31474836472, 'bob')"), "23505");
  EXPECT_EQ(Rows("SELECT id, name FROM people ORDER BY id"), "0,alice; 100,alice; 31474836472,bob");
}

// pgroll: TestAlterPrimaryKeyColumns / "alter a composite primary key: one column changes
// type, the other is unchanged".
TEST_F(PgrollColumnOpsTest, AlterACompositePrimaryKeyOneColumnChangesTypeTheOtherIsUnchanged) {
  Exec("CREATE TABLE people (id1 int, id2 int, name varchar(255), PRIMARY KEY (id1, id2));");
  const std::string before = SchemaDump();
  const std::string migration = "02_alter_column";
  const std::string spec = WriteSpec(migration, R"(operations:
  - alter_column:
      table: people
      column: id1
      type: bigint
      up: CAST(id1 AS bigint)
      down: SELECT CASE WHEN id1 < 2147483647 THEN CAST(id1 AS int) ELSE 0 END
)");
  Apply(spec, "validate");
  EXPECT_EQ(StateOf("INSERT INTO people VALUES (100, 100, 'alice')"), "");
  EXPECT_EQ(StateOf("INSERT INTO people VALUES (31474836471, 100, 'alice')"), "22003");
  Apply(spec, "swap");
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id1,id2");
  EXPECT_EQ(StateOf("INSERT INTO people (id1, id2, name) VALUES (31474836471, 100, 'alice')"), "");
  Exec("DELETE FROM people WHERE id1 = 31474836471");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("people");

  Apply(spec, "contract");
  ExpectCleanedUp("people");
  EXPECT_EQ(Scalar(kPrimaryKey), "people_pkey id1,id2");
  EXPECT_EQ(TypeOf("people", "id1"), "bigint");
  EXPECT_EQ(StateOf("INSERT INTO people (id1, id2, name) VALUES (31474836472, 72, 'bob')"), "");
  EXPECT_EQ(Rows("SELECT id1, id2, name FROM people ORDER BY id1"),
            "100,100,alice; 31474836472,72,bob");
}

}  // namespace
}  // namespace pgphase::it
