// Issue 16: with version schemas each application version reads and writes views of its own
// shape. Two application connections, one pinned to each version schema, use server-side
// prepared statements (as drivers and ORMs do): `SELECT *`, INSERT, UPDATE and DELETE through
// the migrated columns in their own types, in every phase; none may fail, and every value
// written through one view must read right through the other.
#include <unistd.h>

#include <pqxx/pqxx>

#include "harness.h"

namespace pgphase::it {
namespace {

// One application version: its own connection, search_path pinned to its version schema
// (as PGOPTIONS=-c search_path=... does), and statements it prepared once, server-side.
class App {
 public:
  App(std::unique_ptr<pqxx::connection> conn, const std::string& schema,
      const std::vector<std::pair<std::string, std::string>>& statements)
      : conn_(std::move(conn)) {
    pqxx::nontransaction(*conn_).exec("SET search_path = " + conn_->quote_name(schema) +
                                      ", public");
    for (const auto& [name, sql] : statements) conn_->prepare(name, sql);
  }

  // Runs prepared statement `name`; returns its rows as "a|b|c", or "ERROR: ..." (counted).
  std::vector<std::string> Run(const std::string& name, const std::vector<std::string>& params) {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
      tx.commit();
      std::vector<std::string> rows;
      for (const auto& row : r) {
        std::string line;
        for (const auto& f : row) line += (line.empty() ? "" : "|") + std::string(f.c_str());
        rows.push_back(line);
      }
      return rows;
    } catch (const std::exception& e) {
      errors_.push_back(name + ": " + e.what());
      return {"ERROR: " + std::string(e.what())};
    }
  }
  std::string One(const std::string& name, const std::vector<std::string>& params) {
    std::vector<std::string> rows = Run(name, params);
    return rows.empty() ? "no row" : rows[0];
  }
  const std::vector<std::string>& errors() const { return errors_; }
  pqxx::connection& conn() { return *conn_; }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::vector<std::string> errors_;
};

// orders(id, amount text, note text, legacy text, qty int), 200 rows; the migration changes
// amount to numeric under the same name, renames note to remark, adds priority NOT NULL from
// qty, and drops legacy (whose `down` fills it for the old app).
class VersionSchemasTest : public PgphaseTest {
 protected:
  void SetUp() override {
    PgphaseTest::SetUp();
    Exec(
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount text NOT NULL, note text, "
        "legacy text, qty int NOT NULL DEFAULT 1);"
        "INSERT INTO orders SELECT g, (g * 1.5)::text, 'note ' || g, 'legacy ' || g, g % 7 "
        "FROM generate_series(1, 200) g; ANALYZE orders");
  }
  std::string Spec() {
    return WriteSpec(
        "0001_orders",
        "settings: {version_schemas: true}\n"
        "operations:\n"
        "  - alter_column:\n"
        "      table: orders\n      column: amount\n      type: numeric\n"
        "      up: CAST(amount AS numeric)\n      down: CAST(amount AS text)\n"
        "  - rename_column: {table: orders, from: note, to: remark}\n"
        "  - add_column:\n"
        "      table: orders\n      up: qty * 2\n"
        "      column: {name: priority, type: int, nullable: false}\n"
        "  - drop_column: {table: orders, column: legacy, down: \"'legacy ' || id\"}\n");
  }
  std::unique_ptr<App> OldApp() {
    return std::make_unique<App>(
        Connect(), "public_v0",
        std::vector<std::pair<std::string, std::string>>{
            {"sel", "SELECT * FROM orders WHERE id = $1"},
            {"ins",
             "INSERT INTO orders (id, amount, note, legacy, qty) VALUES ($1, $2, $3, $4, $5) "
             "RETURNING *"},
            {"upd", "UPDATE orders SET amount = $2, note = $3 WHERE id = $1"},
            {"del", "DELETE FROM orders WHERE id = $1"}});
  }
  std::unique_ptr<App> NewApp() {
    return std::make_unique<App>(
        Connect(), "public_0001_orders",
        std::vector<std::pair<std::string, std::string>>{
            {"sel", "SELECT * FROM orders WHERE id = $1"},
            {"ins",
             "INSERT INTO orders (id, amount, remark, qty, priority) VALUES ($1, $2, $3, $4, $5) "
             "RETURNING *"},
            {"upd", "UPDATE orders SET amount = amount + $2, remark = $3 WHERE id = $1"},
            {"del", "DELETE FROM orders WHERE id = $1"}});
  }
  // The old app writes rows base.. (insert, update, delete) and reads them back, and reads a
  // row the backfill filled.
  void OldAppWorks(App& old, long long base) {
    const std::string a = std::to_string(base), b = std::to_string(base + 1);
    EXPECT_EQ(old.One("ins", {a, "10.25", "old " + a, "kept " + a, "3"}),
              a + "|10.25|old " + a + "|kept " + a + "|3");
    old.Run("ins", {b, "1", "to delete", "x", "1"});
    old.Run("upd", {"2", "20.5", "old upd " + a});
    old.Run("del", {b});
    EXPECT_EQ(old.One("sel", {a}), a + "|10.25|old " + a + "|kept " + a + "|3");
    EXPECT_EQ(old.One("sel", {"2"}), "2|20.5|old upd " + a + "|legacy 2|2");
    EXPECT_EQ(old.One("sel", {"7"}), "7|10.5|note 7|legacy 7|0");
    EXPECT_EQ(old.Run("sel", {b}).size(), 0u);
  }
};

TEST_F(VersionSchemasTest, BothVersionsUsePreparedStatementsThroughEveryPhase) {
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  std::unique_ptr<App> old = OldApp();
  const std::string spec = Spec();
  long long base = 1000;
  for (const char* phase : {"expand", "sync", "backfill", "validate", "swap"}) {
    SCOPED_TRACE(std::string("old app after ") + phase);
    Apply(spec, phase);
    OldAppWorks(*old, base);
    base += 10;
  }
  // The new version exists from swap on, in its own shape: amount numeric, note as remark,
  // priority filled from qty, legacy gone.
  std::unique_ptr<App> fresh = NewApp();
  EXPECT_EQ(fresh->One("sel", {"7"}), "7|10.5|note 7|0|0");
  EXPECT_EQ(fresh->One("sel", {"1000"}), "1000|10.25|old 1000|3|6") << "the old app's row";
  EXPECT_EQ(fresh->One("ins", {"2000", "99.5", "new 2000", "4", "40"}), "2000|99.5|new 2000|4|40");
  fresh->Run("upd", {"5", "0.5", "new upd 5"});
  EXPECT_EQ(fresh->One("sel", {"5"}), "5|8.0|new upd 5|5|10");
  fresh->Run("ins", {"2001", "1", "to delete", "1", "1"});
  fresh->Run("del", {"2001"});
  EXPECT_EQ(fresh->Run("sel", {"2001"}).size(), 0u);
  // ... and the old one sees each of them in its own: amount as text, legacy from `down`.
  EXPECT_EQ(old->One("sel", {"2000"}), "2000|99.5|new 2000|legacy 2000|4");
  EXPECT_EQ(old->One("sel", {"5"}), "5|8.0|new upd 5|legacy 5|5");
  OldAppWorks(*old, base);
  EXPECT_EQ(fresh->One("sel", {std::to_string(base)}),
            std::to_string(base) + "|10.25|old " + std::to_string(base) + "|3|6");
  EXPECT_EQ(RelationExists("public_0001_orders.orders"), true);
  // The old app goes away; contract drops its schema, and the new app's statements still work.
  old.reset();
  Apply(spec, "contract");
  EXPECT_FALSE(RelationExists("public_v0.orders"));
  EXPECT_EQ(fresh->One("sel", {"2000"}), "2000|99.5|new 2000|4|40");
  EXPECT_EQ(fresh->One("ins", {"2002", "2.5", "after", "1", "2"}), "2002|2.5|after|1|2");
  EXPECT_EQ(TypeOf("orders", "amount"), "numeric");
  EXPECT_FALSE(ColumnExists("orders", "legacy"));
  EXPECT_TRUE(fresh->errors().empty()) << fresh->errors()[0];
}

TEST_F(VersionSchemasTest, OldAppsPreparedStatementsNeverFail) {
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  std::unique_ptr<App> old = OldApp();
  old->One("sel", {"1"});  // prepared and planned before the migration starts
  const std::string spec = Spec();
  for (const char* phase : {"expand", "sync", "backfill", "validate", "swap"}) {
    Apply(spec, phase);
    old->One("sel", {"1"});
    old->Run("upd", {"1", "3.5", "again"});
  }
  EXPECT_TRUE(old->errors().empty()) << old->errors()[0];
}

// Without version schemas, the same prepared SELECT * breaks at expand: what plan warns of.
TEST_F(VersionSchemasTest, WithoutThemPlanWarnsOfPreparedStatements) {
  const std::string spec =
      WriteSpec("0001_plain",
                "operations:\n  - alter_column: {table: orders, column: amount, type: numeric}\n");
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("cached plan must not change result type"), std::string::npos) << plan;
  App app(Connect(), "public", {{"sel", "SELECT * FROM orders WHERE id = $1"}});
  app.One("sel", {"1"});
  Apply(spec, "expand");
  EXPECT_NE(app.One("sel", {"1"}).find("cached plan must not change result type"),
            std::string::npos);
  RunResult with = Run({"plan", spec, "--version-schemas"});
  ASSERT_EQ(with.exit_code, 0) << with;
}

TEST_F(VersionSchemasTest, ContractRefusesWhileASessionUsesTheOldSchema) {
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  const std::string spec = Spec();
  Apply(spec, "swap");
  std::unique_ptr<App> old = OldApp();
  pqxx::work busy(old->conn());  // an open transaction that has read through the old view
  busy.exec("SELECT count(*) FROM orders");
  RunResult refused = Run({"apply", spec, "--through", "contract"});
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_NE(refused.err.find("version schema public_v0 is still in use"), std::string::npos)
      << refused;
  EXPECT_NE(refused.err.find("pid " + std::to_string(old->conn().backendpid())), std::string::npos)
      << refused;
  EXPECT_TRUE(RelationExists("public_v0.orders")) << "nothing dropped";
  EXPECT_TRUE(ColumnExists("orders", "legacy"));
  busy.commit();
  // A role whose configured search_path names it is refused too, and the flag goes ahead.
  const std::string role = "pgphase_it_app_" + std::to_string(getpid());
  Exec("CREATE ROLE " + role + "; ALTER ROLE " + role + " IN DATABASE " + db_name() +
       " SET search_path = public_v0, public");
  RunResult by_role = Run({"apply", spec, "--through", "contract"});
  EXPECT_NE(by_role.err.find("role " + role), std::string::npos) << by_role;
  RunResult forced = Run({"apply", spec, "--through", "contract", "--ignore-version-sessions"});
  Exec("DROP ROLE " + role);
  ASSERT_EQ(forced.exit_code, 0) << forced;
  EXPECT_NE(forced.out.find("WARNING:  version schema public_v0 is still in use"),
            std::string::npos)
      << forced;
  EXPECT_FALSE(RelationExists("public_v0.orders"));
}

TEST_F(VersionSchemasTest, ReverseDropsTheNewSchemaAndKeepsTheOld) {
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  const std::string before = SchemaDump();
  const std::string spec = Spec();
  Apply(spec, "swap");
  std::unique_ptr<App> fresh = NewApp();
  fresh->Run("ins", {"2000", "99.5", "new", "4", "40"});
  Reverse("0001_orders");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_FALSE(RelationExists("public_0001_orders.orders"));
  EXPECT_EQ(Scalar("SELECT amount || '|' || note || '|' || legacy FROM public_v0.orders "
                   "WHERE id = 2000"),
            "99.5|new|legacy 2000");
  Apply(spec, "swap");  // and again
  EXPECT_TRUE(RelationExists("public_0001_orders.orders"));
}

// A new default is the new version's alone: an old-app INSERT that leaves the column out keeps
// getting the old one until contract; reversing swap gives the table its old default back.
TEST_F(VersionSchemasTest, ANewDefaultIsTheNewVersionsOnly) {
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  const std::string spec =
      WriteSpec("0001_qty",
                "settings: {version_schemas: true}\n"
                "operations:\n  - alter_column: {table: orders, column: qty, default: '5'}\n");
  Apply(spec, "swap");
  Exec("INSERT INTO public_v0.orders (id, amount) VALUES (3000, '1')");
  Exec("INSERT INTO public_0001_qty.orders (id, amount) VALUES (3001, '1')");
  EXPECT_EQ(Scalar("SELECT qty FROM orders WHERE id = 3000"), "1");
  EXPECT_EQ(Scalar("SELECT qty FROM orders WHERE id = 3001"), "5");
  Reverse("0001_qty");
  Exec("INSERT INTO public_v0.orders (id, amount) VALUES (3002, '1')");
  EXPECT_EQ(Scalar("SELECT qty FROM orders WHERE id = 3002"), "1");
  EXPECT_EQ(Scalar("SELECT column_default FROM information_schema.columns WHERE table_schema = "
                   "'public_v0' AND column_name = 'qty'"),
            "NULL")
      << "the view's own default is gone with the reverse";
}

TEST_F(VersionSchemasTest, BaselineLatestAndStatus) {
  RunResult none = Run({"latest"});
  EXPECT_EQ(none.exit_code, 1) << none;
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  EXPECT_EQ(Run({"latest"}).out, "public_v0\n");
  EXPECT_EQ(Run({"baseline", "v0"}).exit_code, 2) << "the schema exists";
  Apply(Spec(), "swap");
  EXPECT_EQ(Run({"latest"}).out, "public_0001_orders\n");
  RunResult status = Run({"status"});
  EXPECT_NE(status.out.find("version schema public_0001_orders"), std::string::npos) << status;
  EXPECT_NE(Run({"status", "--json"}).out.find("\"version_schema\": \"public_0001_orders\""),
            std::string::npos);
}

// The views keep the tables' privileges: a role may do through the view what it may do on
// the table, and no more (security_invoker: the table's own checks apply too).
TEST_F(VersionSchemasTest, ViewsKeepTheTablesPrivileges) {
  const std::string role = "pgphase_it_reader_" + std::to_string(getpid());
  Exec("CREATE ROLE " + role + "; GRANT SELECT ON orders TO " + role);
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  auto c = Connect();
  pqxx::nontransaction tx(*c);
  tx.exec("SET ROLE " + role);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM public_v0.orders")[0][0].as<long long>(), 200);
  EXPECT_THROW(tx.exec("DELETE FROM public_v0.orders"), pqxx::insufficient_privilege);
  tx.exec("RESET ROLE");
  c.reset();
  Exec("DROP SCHEMA public_v0 CASCADE; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

// A change that cannot go through a column pair (the check on the column stays on the old one)
// goes through a shadow column renamed at swap. From swap on, the old version writes the old
// column through its view: the trigger fills the new column from those writes, as it fills
// the old column from the new version's, so neither version's writes are lost, through a
// reverse and a start again too; each version keeps its own default until contract.
TEST_F(VersionSchemasTest, AChangeWithoutAPairKeepsBothVersionsWritesFromSwapOn) {
  Exec(
      "CREATE TABLE people (id bigint PRIMARY KEY, age integer DEFAULT 1 CHECK (age > 0));"
      "INSERT INTO people VALUES (1, 30), (2, 31)");
  ASSERT_EQ(Run({"baseline", "v0"}).exit_code, 0);
  const std::string spec =
      WriteSpec("0001_age",
                "settings: {version_schemas: true}\n"
                "operations:\n"
                "  - alter_column: {table: people, column: age, type: bigint, default: '70',\n"
                "                   up: age * 10, down: age / 10}\n");
  const std::string plan = Run({"plan", spec}).out;
  EXPECT_EQ(plan.find("overwritten"), std::string::npos) << plan;
  auto both_ways = [&](int base) {
    const std::string a = std::to_string(base), b = std::to_string(base + 1),
                      c = std::to_string(base + 2), d = std::to_string(base + 3);
    Exec("INSERT INTO public_v0.people (id, age) VALUES (" + a + ", 4)");
    Exec("INSERT INTO public_v0.people (id) VALUES (" + b + ")");
    Exec("INSERT INTO public_0001_age.people (id, age) VALUES (" + c + ", 600)");
    Exec("INSERT INTO public_0001_age.people (id) VALUES (" + d + ")");
    Exec("UPDATE public_v0.people SET age = 5 WHERE id = 1");
    Exec("UPDATE public_0001_age.people SET age = 900 WHERE id = 2");
    auto read = [&](const std::string& schema) {
      return Scalar(
          "SELECT string_agg(id || ':' || coalesce(age::text, 'NULL'), ' ' ORDER BY id) "
          "FROM " +
          schema + ".people WHERE id IN (1, 2, " + a + ", " + b + ", " + c + ", " + d + ")");
    };
    EXPECT_EQ(read("public_v0"), "1:5 2:90 " + a + ":4 " + b + ":1 " + c + ":60 " + d + ":7");
    EXPECT_EQ(read("public_0001_age"),
              "1:50 2:900 " + a + ":40 " + b + ":10 " + c + ":600 " + d + ":70");
  };
  Apply(spec, "swap");
  both_ways(100);
  Reverse("0001_age");
  EXPECT_EQ(Scalar("SELECT string_agg(id || ':' || age, ' ' ORDER BY id) FROM people "
                   "WHERE id IN (1, 2, 100, 101, 102, 103)"),
            "1:5 2:90 100:4 101:1 102:60 103:7");
  Apply(spec, "swap");
  both_ways(200);
  Apply(spec, "contract");
  EXPECT_EQ(Scalar("SELECT string_agg(id || ':' || age, ' ' ORDER BY id) FROM people "
                   "WHERE id IN (1, 2, 200, 201, 202, 203)"),
            "1:50 2:900 200:40 201:10 202:600 203:70");
  Exec("INSERT INTO people (id) VALUES (300)");
  EXPECT_EQ(Scalar("SELECT age FROM people WHERE id = 300"), "70") << "the default, from contract";
}

}  // namespace
}  // namespace pgphase::it
