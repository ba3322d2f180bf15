// pgroll's own operation tests (pkg/migrations/op_*_test.go) as the conformance target, for
// the constraint shapes pgphase plans through shadow columns: the same tables and values,
// started (apply through swap or backfill), written and read by the old app and the new one,
// reversed ("rollback"), applied again and contracted ("complete"), every value checked.
//
// pgroll serves each version through its own view schema; pgphase has one table, so "old
// app" below is a write by the names and types the table had before the migration, made
// before swap, and "new app" one made from swap on (when the new columns have the names).
#include "harness.h"

namespace pgphase::it {
namespace {

class PgrollConstraintOpsTest : public PgphaseTest {
 public:
  using PgphaseTest::Apply;
  using PgphaseTest::Exec;
  using PgphaseTest::ExpectCleanedUp;
  using PgphaseTest::Reverse;
  using PgphaseTest::Scalar;
  using PgphaseTest::SchemaDump;
  using PgphaseTest::StateOf;
  using PgphaseTest::WriteSpec;

  // The columns of index `name`, comma separated, "" when there is no such index.
  std::string IndexColumns(const std::string& name) {
    return ScalarOpt(
               "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i, "
               "unnest(i.indkey) WITH ORDINALITY k(attnum, n), pg_attribute a WHERE "
               "i.indexrelid = to_regclass('" +
               name + "') AND a.attrelid = i.indrelid AND a.attnum = k.attnum")
        .value_or("");
  }
  // contype and convalidated of constraint `name` of `table`: "u true", "" when absent.
  std::string Constraint(const std::string& table, const std::string& name) {
    return ScalarOpt(
               "SELECT contype::text || ' ' || convalidated::text FROM pg_constraint WHERE "
               "conrelid = to_regclass('" +
               table + "') AND conname = '" + name + "'")
        .value_or("");
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

constexpr char kUsers[] = "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL);";

// pgroll: TestCreateConstraint / "create unique constraint on single column".
TEST_F(PgrollConstraintOpsTest, CreateUniqueConstraintOnSingleColumn) {
  Exec(kUsers);
  const std::string before = SchemaDump();
  const std::string migration = "02_create_constraint";
  const std::string spec = WriteSpec(migration, R"(operations:
  - create_constraint:
      name: unique_name
      table: users
      type: unique
      columns: [name]
      up:
        name: name || random()
      down:
        name: name
)");
  Apply(spec, "validate");
  EXPECT_EQ(IndexColumns("unique_name"), "_pgphase_new_name");
  // The old app may write values that violate uniqueness: `up` makes the new ones distinct.
  Exec("INSERT INTO users (name) VALUES ('alice')");
  Exec("INSERT INTO users (name) VALUES ('alice')");
  Apply(spec, "swap");
  EXPECT_EQ(Constraint("users", "unique_name"), "u true");
  EXPECT_EQ(IndexColumns("unique_name"), "name");
  EXPECT_EQ(ScalarInt("SELECT count(DISTINCT name) FROM users WHERE name LIKE 'alice%'"), 2);
  EXPECT_EQ(Rows("SELECT id, _pgphase_old_name FROM users ORDER BY id"), "1,alice; 2,alice");
  // The new app's writes that violate uniqueness fail.
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('bob')"), "");
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('bob')"), "23505");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_name FROM users WHERE name = 'bob'"), "bob")
      << "down keeps the old column in step";

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(IndexColumns("unique_name"), "");
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id, name FROM users ORDER BY id"), "1,alice; 2,alice; 3,bob");

  Exec("DELETE FROM users WHERE id = 2");
  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(Constraint("users", "unique_name"), "u true");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM users WHERE name LIKE 'alice0.%' OR name LIKE "
                      "'bob0.%'"),
            2)
      << "existing rows got `up`";
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "");
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "23505");
}

// pgroll: TestCreateConstraint / "create unique constraint on multiple columns".
TEST_F(PgrollConstraintOpsTest, CreateUniqueConstraintOnMultipleColumns) {
  Exec(
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, email "
      "varchar(255) NOT NULL);");
  const std::string before = SchemaDump();
  const std::string migration = "02_create_constraint";
  const std::string spec = WriteSpec(migration, R"(operations:
  - create_constraint:
      name: unique_name_email
      table: users
      type: unique
      columns: [name, email]
      up:
        name: name || random()
        email: email || random()
      down:
        name: name
        email: email
)");
  Apply(spec, "validate");
  EXPECT_EQ(IndexColumns("unique_name_email"), "_pgphase_new_name,_pgphase_new_email");
  Exec("INSERT INTO users (name, email) VALUES ('alice', 'alice@alice.me')");
  Exec("INSERT INTO users (name, email) VALUES ('alice', 'alice@alice.me')");
  Apply(spec, "swap");
  EXPECT_EQ(IndexColumns("unique_name_email"), "name,email");
  EXPECT_EQ(StateOf("INSERT INTO users (name, email) VALUES ('bob', 'bob@bob.me')"), "");
  EXPECT_EQ(StateOf("INSERT INTO users (name, email) VALUES ('bob', 'bob@bob.me')"), "23505");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id, name, email FROM users ORDER BY id"),
            "1,alice,alice@alice.me; 2,alice,alice@alice.me; 3,bob,bob@bob.me");

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(Constraint("users", "unique_name_email"), "u true");
  EXPECT_EQ(IndexColumns("unique_name_email"), "name,email");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM users WHERE name LIKE 'alice0.%' AND email LIKE "
                      "'alice@alice.me0.%'"),
            2);
}

constexpr char kUsersAndReports[] =
    "CREATE TABLE users (id serial, zip integer, name varchar(255) NOT NULL, email "
    "varchar(255) NOT NULL, PRIMARY KEY (id, zip));"
    "CREATE TABLE reports (id serial PRIMARY KEY, users_id integer, users_zip integer, "
    "description varchar(255) NOT NULL);";

// The two foreign key cases share everything but on_delete.
void ForeignKeyOnMultipleColumns(PgrollConstraintOpsTest& t, const std::string& on_delete,
                                 const std::string& confdeltype) {
  t.Exec(kUsersAndReports);
  const std::string before = t.SchemaDump();
  const std::string migration = "02_create_constraint";
  const std::string spec = t.WriteSpec(migration, R"(operations:
  - create_constraint:
      name: fk_users
      table: reports
      type: foreign_key
      columns: [users_id, users_zip]
      references:
        table: users
        columns: [id, zip])" + on_delete + R"(
      up:
        users_id: "1"
        users_zip: "12345"
      down:
        users_id: users_id
        users_zip: users_zip
)");
  t.Apply(spec, "expand");
  EXPECT_EQ(t.Constraint("reports", "fk_users"), "f false") << "NOT VALID on the new columns";
  // A user to refer to, then an old-app report that refers to nobody: the new columns get
  // `up`, which refers to alice.
  t.Exec("INSERT INTO users (name, email, zip) VALUES ('alice', 'alice@example.com', 12345)");
  t.Exec("INSERT INTO reports (description) VALUES ('random report')");
  t.Apply(spec, "swap");
  EXPECT_EQ(t.Constraint("reports", "fk_users"), "f true");
  EXPECT_EQ(t.StateOf("INSERT INTO reports (description, users_id, users_zip) VALUES ('alice "
                      "report', 1, 12345)"),
            "");
  EXPECT_EQ(t.StateOf("INSERT INTO reports (description, users_id, users_zip) VALUES ('no one "
                      "report', 100, 100)"),
            "23503");
  EXPECT_EQ(t.Rows("SELECT id, description, users_id, users_zip, _pgphase_old_users_id, "
                   "_pgphase_old_users_zip FROM reports ORDER BY id"),
            "1,random report,1,12345,NULL,NULL; 2,alice report,1,12345,1,12345");

  t.Reverse(migration);
  EXPECT_EQ(t.SchemaDump(), before);
  t.ExpectCleanedUp("reports");
  EXPECT_EQ(t.Rows("SELECT id, description, users_id, users_zip FROM reports ORDER BY id"),
            "1,random report,NULL,NULL; 2,alice report,1,12345");

  t.Apply(spec, "contract");
  t.ExpectCleanedUp("reports");
  EXPECT_EQ(t.Constraint("reports", "fk_users"), "f true");
  EXPECT_EQ(t.Scalar("SELECT confdeltype FROM pg_constraint WHERE conname = 'fk_users'"),
            confdeltype);
  EXPECT_EQ(t.StateOf("INSERT INTO reports (description, users_id, users_zip) VALUES ('no one "
                      "report', 100, 100)"),
            "23503");
  EXPECT_EQ(t.Rows("SELECT id, description, users_id, users_zip FROM reports ORDER BY id"),
            "1,random report,1,12345; 2,alice report,1,12345");
}

// pgroll: TestCreateConstraint / "create foreign key constraint on multiple columns".
TEST_F(PgrollConstraintOpsTest, CreateForeignKeyConstraintOnMultipleColumns) {
  ForeignKeyOnMultipleColumns(*this, "", "a");
}

// pgroll: TestCreateConstraint / "create foreign key constraint on multiple columns with on
// delete".
TEST_F(PgrollConstraintOpsTest, CreateForeignKeyConstraintOnMultipleColumnsWithOnDelete) {
  ForeignKeyOnMultipleColumns(*this, "\n        on_delete: SET NULL", "n");
}

// pgroll: TestCreateConstraint / "create unique constraint on a unique column and another
// column".
TEST_F(PgrollConstraintOpsTest, CreateUniqueConstraintOnAUniqueColumnAndAnotherColumn) {
  Exec(
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, email "
      "varchar(255), CONSTRAINT unique_name UNIQUE (name));");
  const std::string before = SchemaDump();
  const std::string migration = "02_create_constraint";
  const std::string spec = WriteSpec(migration, R"(operations:
  - create_constraint:
      name: unique_name_email
      table: users
      type: unique
      columns: [email, name]
      up:
        name: name || random()
        email: email || random()
      down:
        name: name
        email: email
)");
  Apply(spec, "validate");
  EXPECT_EQ(IndexColumns("unique_name"), "name");
  EXPECT_EQ(IndexColumns("unique_name_email"), "_pgphase_new_email,_pgphase_new_name");
  Exec("INSERT INTO users (name, email) VALUES ('alice', 'email')");
  Exec("INSERT INTO users (name, email) VALUES ('bob', 'email')");
  Apply(spec, "swap");
  EXPECT_EQ(IndexColumns("unique_name"), "name") << "the existing unique moved to the new column";
  EXPECT_EQ(Constraint("users", "unique_name"), "u true");
  EXPECT_EQ(StateOf("INSERT INTO users (name, email) VALUES ('cat', 'email')"), "");
  EXPECT_EQ(StateOf("INSERT INTO users (name, email) VALUES ('cat', 'email')"), "23505");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id, name, email FROM users ORDER BY id"),
            "1,alice,email; 2,bob,email; 3,cat,email");

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(IndexColumns("unique_name"), "name");
  EXPECT_EQ(IndexColumns("unique_name_email"), "email,name");
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "");
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "23505");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM users WHERE email LIKE 'email0.%'"), 3);
}

// pgroll: TestCreateConstraint / "create primary key constraint on multiple columns".
TEST_F(PgrollConstraintOpsTest, CreatePrimaryKeyConstraintOnMultipleColumns) {
  Exec("CREATE TABLE users (id1 uuid NOT NULL, id2 uuid NOT NULL, name varchar(255) NOT NULL);");
  const std::string before = SchemaDump();
  const std::string migration = "02_create_constraint";
  const std::string spec = WriteSpec(migration, R"(operations:
  - create_constraint:
      name: id_pkey
      table: users
      type: primary_key
      columns: [id1, id2]
      up:
        id1: gen_random_uuid()
        id2: gen_random_uuid()
      down:
        id1: id1
        id2: id2
)");
  Apply(spec, "validate");
  EXPECT_EQ(IndexColumns("id_pkey"), "_pgphase_new_id1,_pgphase_new_id2");
  const std::string one = "'00000000-0000-0000-0000-000000000001'";
  const std::string two = "'00000000-0000-0000-0000-000000000002'";
  Exec("INSERT INTO users VALUES (" + one + ", " + two + ", 'alice')");
  Exec("INSERT INTO users VALUES (" + one + ", " + two + ", 'bob')");
  Apply(spec, "swap");
  EXPECT_EQ(Constraint("users", "id_pkey"), "p true");
  EXPECT_EQ(IndexColumns("id_pkey"), "id1,id2");
  const std::string three = "'00000000-0000-0000-0000-000000000003'";
  const std::string four = "'00000000-0000-0000-0000-000000000004'";
  EXPECT_EQ(
      StateOf("INSERT INTO users (id1, id2, name) VALUES (" + three + ", " + four + ", 'alice')"),
      "");
  EXPECT_EQ(
      StateOf("INSERT INTO users (id1, id2, name) VALUES (" + three + ", " + four + ", 'bob')"),
      "23505");

  Reverse(migration);
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(IndexColumns("id_pkey"), "");
  ExpectCleanedUp("users");
  EXPECT_EQ(Rows("SELECT id1, id2, name FROM users ORDER BY name, id1"),
            "00000000-0000-0000-0000-000000000001,00000000-0000-0000-0000-000000000002,alice; "
            "00000000-0000-0000-0000-000000000003,00000000-0000-0000-0000-000000000004,alice; "
            "00000000-0000-0000-0000-000000000001,00000000-0000-0000-0000-000000000002,bob");

  Apply(spec, "contract");
  ExpectCleanedUp("users");
  EXPECT_EQ(Constraint("users", "id_pkey"), "p true");
  EXPECT_EQ(ScalarInt("SELECT count(DISTINCT (id1, id2)) FROM users"), 3);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM users WHERE id1 = " + one), 0) << "`up` filled them";
}

// Not a pgroll case: pgroll's `up`s above make every value distinct. An `up` that gives two
// rows one value stops validate at the unique index build (exit 1, SQLSTATE 23505), while both
// applications go on writing; once the rows are fixed, apply carries on.
TEST_F(PgrollConstraintOpsTest, DuplicatesFromUpStopValidateAndApplyCarriesOnOnceFixed) {
  Exec(kUsers);
  Exec("INSERT INTO users (name) VALUES ('Alice'), ('alice'), ('bob')");
  const std::string spec = WriteSpec("02_create_constraint", R"(operations:
  - create_constraint:
      name: unique_name
      table: users
      type: unique
      columns: [name]
      up:
        name: lower(name)
      down:
        name: name
)");
  Apply(spec, "backfill");
  RunResult r = Run({"apply", spec, "--through", "validate"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("23505"), std::string::npos) << r;
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "");
  EXPECT_EQ(StateOf("UPDATE users SET name = 'Bob' WHERE name = 'bob'"), "");
  Exec("UPDATE users SET name = 'Alicia' WHERE name = 'Alice'");
  Apply(spec, "contract");
  EXPECT_EQ(Rows("SELECT id, name FROM users ORDER BY id"), "1,alicia; 2,alice; 3,bob; 4,carol");
  EXPECT_EQ(StateOf("INSERT INTO users (name) VALUES ('carol')"), "23505");
  ExpectCleanedUp("users");
}

}  // namespace
}  // namespace pgphase::it
