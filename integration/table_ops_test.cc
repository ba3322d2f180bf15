// create_table, drop_table, rename_table, set_replica_identity and sql against a real
// PostgreSQL: the old app and the new app at work in each phase, reverse from each phase
// before contract restoring the schema exactly, and contract leaving only the new shape.
#include "harness.h"

namespace pgphase::it {
namespace {

const std::vector<std::string> kReversiblePhases = {"expand", "sync", "backfill", "validate",
                                                    "swap"};

class TableOpsTest : public PgphaseTest {
 protected:
  // For each phase before contract: apply through it, check `during`, reverse, and expect
  // the schema dump to be what it was before.
  void ExpectReversibleFromEveryPhase(const std::string& migration, const std::string& spec,
                                      const std::function<void(const std::string&)>& during) {
    const std::string before = SchemaDump();
    for (const std::string& phase : kReversiblePhases) {
      SCOPED_TRACE("through " + phase);
      RunResult r = Run({"apply", spec, "--through", phase});
      ASSERT_EQ(r.exit_code, 0) << r;
      during(phase);
      r = Run({"reverse", migration});
      ASSERT_EQ(r.exit_code, 0) << r;
      EXPECT_EQ(SchemaDump(), before) << "reverse from " << phase << " must restore the schema";
    }
  }
  bool Exists(const std::string& relation) { return RelationExists("public." + relation); }
  std::string RelKind(const std::string& relation) {
    return ScalarOpt("SELECT relkind::text FROM pg_class WHERE oid = to_regclass('public." +
                     relation + "')")
        .value_or("");
  }
};

TEST_F(TableOpsTest, CreateTableExistsForTheNewAppFromExpandAndReverseDropsIt) {
  Exec("CREATE TABLE users (id int PRIMARY KEY, name text)");
  Exec("INSERT INTO users VALUES (1, 'ann')");
  const std::string spec = WriteSpec("0001_orders", R"(operations:
  - create_table:
      name: orders
      comment: what users buy
      columns:
        - {name: id, type: serial, pk: true}
        - {name: user_id, type: int, references: {name: orders_user_fk, table: users, column: id, on_delete: CASCADE}}
        - {name: qty, type: int, default: "1", check: {name: qty_positive, constraint: qty > 0}}
        - {name: note, type: text, nullable: true, comment: free text}
        - {name: doubled, type: int, nullable: true, generated: {expression: qty * 2}}
      constraints:
        - {name: orders_user_note_key, type: unique, columns: [user_id, note]}
)");
  ExpectReversibleFromEveryPhase("0001_orders", spec, [&](const std::string&) {
    EXPECT_EQ(RelKind("orders"), "r");
    // The new app uses the table; the old app keeps using users untouched.
    Exec("INSERT INTO orders (user_id, note) VALUES (1, 'first')");
    EXPECT_EQ(Scalar("SELECT qty || ',' || doubled FROM orders"), "1,2");
    Exec("INSERT INTO users VALUES (2, 'bob')");
    Exec("DELETE FROM users WHERE id = 2");
    EXPECT_EQ(Scalar("SELECT obj_description('orders'::regclass, 'pg_class')"), "what users buy");
  });
  EXPECT_FALSE(Exists("orders"));
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(RelKind("orders"), "r");
  EXPECT_THROW(Exec("INSERT INTO orders (user_id, qty) VALUES (1, 0)"), pqxx::check_violation);
  EXPECT_THROW(Exec("INSERT INTO orders (user_id) VALUES (99)"), pqxx::foreign_key_violation);
  EXPECT_THROW(Exec("INSERT INTO orders (user_id, qty) VALUES (NULL, 1)"), pqxx::not_null_violation)
      << "columns are NOT NULL unless nullable: true";
  Exec("INSERT INTO orders (user_id) VALUES (1)");
  Exec("DELETE FROM users WHERE id = 1");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders"), 0) << "ON DELETE CASCADE";
}

TEST_F(TableOpsTest, CreateTableThenConstraintsOnItInOneMigration) {
  const std::string spec = WriteSpec("0001_pair", R"(operations:
  - create_table:
      name: a
      columns: [{name: x, type: int, pk: true}, {name: y, type: int, pk: true}]
  - create_table:
      name: b
      columns: [{name: x, type: int}, {name: y, type: int}]
      constraints:
        - {name: b_a_fk, type: foreign_key, columns: [x, y], references: {table: a, columns: [x, y]}}
  - set_replica_identity: {table: a, identity: {type: index, index: a_pkey}}
)");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'a_pkey'"),
            "PRIMARY KEY (x, y)");
  EXPECT_EQ(Scalar("SELECT relreplident::text FROM pg_class WHERE relname = 'a'"), "i");
  EXPECT_THROW(Exec("INSERT INTO b VALUES (1, 1)"), pqxx::foreign_key_violation);
}

TEST_F(TableOpsTest, DropTableStaysUsableUntilContract) {
  Exec("CREATE TABLE items (id int PRIMARY KEY, name text)");
  Exec("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 100) g");
  const std::string spec =
      WriteSpec("0001_drop_items", "operations:\n  - drop_table: {name: items}\n");
  ExpectReversibleFromEveryPhase("0001_drop_items", spec, [&](const std::string&) {
    // The old app still reads and writes it.
    Exec("INSERT INTO items VALUES (1000, 'late')");
    Exec("UPDATE items SET name = 'changed' WHERE id = 1");
    Exec("DELETE FROM items WHERE id = 1000");
  });
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM items"), 100) << "reverse keeps every row";
  EXPECT_EQ(Scalar("SELECT name FROM items WHERE id = 1"), "changed");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(Exists("items"));
  r = Run({"apply", WriteSpec("0002_drop_again", "operations:\n  - drop_table: {name: items}\n")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("0002_drop_again.yaml:2:5"), std::string::npos) << r;
}

TEST_F(TableOpsTest, RenameTableBothNamesReadAndWriteUntilContract) {
  Exec("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'anon')");
  Exec("INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 50) g");
  const std::string spec =
      WriteSpec("0001_rename", "operations:\n  - rename_table: {from: customers, to: clients}\n");
  int next = 1000;
  auto both_apps_work = [&](const std::string&) {
    // The table keeps its name until contract renames it; the new name is a view until then.
    EXPECT_EQ(RelKind("customers"), "r");
    EXPECT_EQ(RelKind("clients"), "v");
    for (const std::string app : {"customers", "clients"}) {
      SCOPED_TRACE(app);
      const std::string id = std::to_string(++next);
      const std::string other = app == "customers" ? "clients" : "customers";
      Exec("INSERT INTO " + app + " (id, name) VALUES (" + id + ", 'w')");
      Exec("INSERT INTO " + app + " DEFAULT VALUES");  // serial id and default name
      EXPECT_EQ(Scalar("SELECT name FROM " + other + " WHERE id = " + id), "w");
      Exec("UPDATE " + app + " SET name = 'u' WHERE id = " + id);
      EXPECT_EQ(Scalar("SELECT name FROM " + other + " WHERE id = " + id), "u");
      Exec("DELETE FROM " + app + " WHERE id = " + id);
      EXPECT_EQ(ScalarInt("SELECT count(*) FROM " + other + " WHERE id = " + id), 0);
    }
  };
  ExpectReversibleFromEveryPhase("0001_rename", spec, both_apps_work);
  EXPECT_EQ(RelKind("customers"), "r");
  EXPECT_FALSE(Exists("clients"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM customers WHERE name = 'anon'"), 10)
      << "rows written through either name during each phase survive reverse";

  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(Exists("customers")) << "contract renames the table";
  EXPECT_EQ(RelKind("clients"), "r");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM clients"), 60);
  Exec("INSERT INTO clients DEFAULT VALUES");
}

TEST_F(TableOpsTest, RenameTableOntoAnExistingNameIsRefusedAndChangesNothing) {
  Exec("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
  const std::string before = SchemaDump();
  RunResult r =
      Run({"apply", WriteSpec("0001_clash", "operations:\n  - rename_table: {from: a, to: b}\n")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
}

TEST_F(TableOpsTest, ReplicaIdentityIsSetAtExpandAndReverseRestoresThePreviousOne) {
  Exec("CREATE TABLE t (id int PRIMARY KEY, code text NOT NULL UNIQUE)");
  Exec("ALTER TABLE t REPLICA IDENTITY USING INDEX t_code_key");
  const std::string spec =
      WriteSpec("0001_replica",
                "operations:\n  - set_replica_identity: {table: t, identity: {type: full}}\n");
  ExpectReversibleFromEveryPhase("0001_replica", spec, [&](const std::string&) {
    EXPECT_EQ(Scalar("SELECT relreplident::text FROM pg_class WHERE relname = 't'"), "f");
    Exec("INSERT INTO t VALUES (1, 'a'); DELETE FROM t");
  });
  EXPECT_EQ(Scalar("SELECT relreplident::text FROM pg_class WHERE relname = 't'"), "i");
  EXPECT_EQ(
      Scalar("SELECT indisreplident::text FROM pg_index WHERE indexrelid = 't_code_key'::regclass"),
      "true");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT relreplident::text FROM pg_class WHERE relname = 't'"), "f");
}

TEST_F(TableOpsTest, SqlRunsUpAtExpandAndDownOnReverse) {
  const std::string spec = WriteSpec("0001_sql", R"(operations:
  - sql:
      up: CREATE TYPE mood AS ENUM ('ok', 'meh'); CREATE TABLE diary (id int PRIMARY KEY, m mood);
      down: DROP TABLE diary; DROP TYPE mood
)");
  ExpectReversibleFromEveryPhase(
      "0001_sql", spec, [&](const std::string&) { Exec("INSERT INTO diary VALUES (1, 'ok')"); });
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(Exists("diary"));
}

TEST_F(TableOpsTest, SqlWithoutDownThatOnlyCreatesIsReversedByDroppingWhatItCreated) {
  const std::string spec = WriteSpec("0001_enum", R"(operations:
  - sql:
      up: CREATE TYPE fruit_size AS ENUM ('small', 'large'); CREATE TABLE baskets (id int PRIMARY KEY, s fruit_size);
)");
  ExpectReversibleFromEveryPhase("0001_enum", spec, [&](const std::string&) {
    Exec("INSERT INTO baskets VALUES (1, 'small')");
  });
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_type WHERE typname = 'fruit_size'"), "1");
}

TEST_F(TableOpsTest, SqlStatementsRunInOneTransaction) {
  const std::string before = SchemaDump();
  RunResult r = Run({"apply", WriteSpec("0001_half",
                                        "operations:\n  - sql:\n"
                                        "      up: CREATE TABLE half (id int); SELECT 1/0\n")});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_NE(r.err.find("22012"), std::string::npos) << "division by zero is reported" << r;
  EXPECT_FALSE(Exists("half")) << "the first statement is rolled back with the second";
  EXPECT_EQ(SchemaDump(), before);
}

TEST_F(TableOpsTest, SqlOnCompleteRunsOnlyAtContract) {
  Exec("CREATE TABLE people (id int PRIMARY KEY)");
  const std::string spec = WriteSpec("0001_later", R"(operations:
  - sql:
      up: ALTER TABLE people ADD COLUMN birth_date timestamp
      onComplete: true
)");
  ExpectReversibleFromEveryPhase("0001_later", spec, [&](const std::string&) {
    EXPECT_FALSE(ColumnExists("people", "birth_date"));
  });
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnExists("people", "birth_date"));
}

TEST_F(TableOpsTest, PlanShowsTheUserSqlAndThatReverseCannotUndoIt) {
  RunResult r = Run({"plan", WriteSpec("0001_nodown",
                                       "operations:\n  - sql:\n"
                                       "      up: COMMENT ON SCHEMA public IS 'x'\n")});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("COMMENT ON SCHEMA public IS 'x'"), std::string::npos) << r;
  EXPECT_NE(r.out.find("cannot undo"), std::string::npos) << r;
}

}  // namespace
}  // namespace pgphase::it
