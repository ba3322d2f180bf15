// add_column through all six phases: what each phase leaves in the schema and in
// pgphase's state, what the old and the new app may do in between, and how status,
// plan and lint report it.
#include <nlohmann/json.hpp>
#include <set>

#include "harness.h"

namespace pgphase::it {
namespace {

using LifecycleTest = OrdersTest;

TEST_F(LifecycleTest, EachPhaseLeavesTheSchemaItPromises) {
  SeedOrders(20000);
  const std::string spec = WriteOrdersSpec();

  RunResult r = Run({"apply", spec, "--through", "expand"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "expand");
  EXPECT_EQ(MigrationStatus(kMigration), "in_progress");
  EXPECT_TRUE(ColumnExists("orders", "total"));
  EXPECT_FALSE(ColumnNotNull("orders", "total")) << "expand adds the column nullable";
  EXPECT_EQ(UserTriggerCount("orders"), 0) << "dual-write triggers belong to sync";
  // No assertion on the helper NOT NULL check here: added before the trigger it would
  // reject the old app's inserts (see OldAppCanStillInsertRightAfterExpand).

  r = Run({"apply", spec, "--through", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "sync");
  EXPECT_GE(UserTriggerCount("orders"), 1) << "sync installs the dual-write trigger";
  EXPECT_EQ(NotValidConstraintCount("orders"), 0)
      << "the helper CHECK (total IS NOT NULL) comes only in validate: until then a value the "
         "trigger cannot compute must not make a write fail (AppSafetyTest)";
  EXPECT_FALSE(ColumnNotNull("orders", "total"));

  r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "backfill");
  EXPECT_EQ(BadTotals(), 0) << "backfill fills every existing row with up(row)";
  EXPECT_EQ(BackfillRowsDone(kMigration), 20000);
  EXPECT_FALSE(ColumnNotNull("orders", "total")) << "SET NOT NULL belongs to validate";

  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "validate");
  EXPECT_TRUE(ColumnNotNull("orders", "total"));
  EXPECT_EQ(NotValidConstraintCount("orders"), 0) << "validate validates every constraint";

  r = Run({"apply", spec, "--through", "swap"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "swap");
  EXPECT_EQ(MigrationStatus(kMigration), "in_progress") << "not completed before contract";
  EXPECT_TRUE(ColumnNotNull("orders", "total"));

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "contract");
  EXPECT_EQ(MigrationStatus(kMigration), "completed");
  EXPECT_EQ(UserTriggerCount("orders"), 0) << "contract drops the dual-write triggers";
  EXPECT_EQ(FunctionCountInSchema("pgphase"), 0) << "contract drops the trigger functions";
  EXPECT_EQ(FunctionCountInSchema("public"), 0);
  EXPECT_EQ(CheckConstraintCount("orders"), 0) << "the helper NOT NULL check is dropped";
  EXPECT_TRUE(ColumnNotNull("orders", "total"));
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_EQ(OrdersCount(), 20000);
}

TEST_F(LifecycleTest, ApplyWithoutThroughStopsAtSwap) {
  SeedOrders(2000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "swap");
  EXPECT_EQ(MigrationStatus(kMigration), "in_progress");
  EXPECT_EQ(BadTotals(), 0);

  // Applying again is a resume with nothing left to do: still no contract.
  r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  ExpectPhasesDoneThrough(kMigration, "swap");
}

// Checks the DESIGN "status --json" shape for one migration applied through swap.
void ExpectStatusShape(const nlohmann::json& m, const RunResult& r) {
  static const std::set<std::string> kPhaseStatuses = {"pending", "running", "done", "failed",
                                                       "reversed"};
  EXPECT_EQ(m.value("status", ""), "in_progress") << r;
  ASSERT_TRUE(m.contains("phases") && m["phases"].is_array()) << r;
  std::set<std::string> seen;
  for (const auto& p : m["phases"]) {
    ASSERT_TRUE(p.contains("name") && p["name"].is_string()) << p.dump() << r;
    ASSERT_TRUE(p.contains("status") && p["status"].is_string()) << p.dump() << r;
    const std::string name = p["name"], status = p["status"];
    EXPECT_GE(PhaseIndexOf(name), 0) << "unknown phase name " << name << r;
    EXPECT_TRUE(kPhaseStatuses.count(status)) << "unknown phase status " << status << r;
    seen.insert(name);
    if (PhaseIndexOf(name) >= 0 && PhaseIndexOf(name) <= PhaseIndexOf("swap")) {
      EXPECT_EQ(status, "done") << name << r;
      EXPECT_TRUE(p.contains("started_at") && p["started_at"].is_string()) << p.dump();
      EXPECT_TRUE(p.contains("finished_at") && p["finished_at"].is_string()) << p.dump();
    }
    if (name == "contract") {
      EXPECT_EQ(status, "pending") << r;
    }
  }
  for (const char* phase : {"expand", "sync", "backfill", "validate", "swap"}) {
    EXPECT_TRUE(seen.count(phase)) << "phase " << phase << " missing from status --json" << r;
  }
}

TEST_F(LifecycleTest, StatusJsonHasTheDocumentedShape) {
  SeedOrders(1000);
  RunResult r = Run({"apply", WriteOrdersSpec()});
  ASSERT_EQ(r.exit_code, 0) << r;

  for (bool named : {false, true}) {
    SCOPED_TRACE(named ? "status NAME --json" : "status --json");
    r = named ? Run({"status", kMigration, "--json"}) : Run({"status", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << "stdout is not JSON" << r;
    ASSERT_TRUE(j.contains("migrations") && j["migrations"].is_array()) << r;
    const nlohmann::json* found = nullptr;
    for (const auto& m : j["migrations"]) {
      if (m.value("name", "") == kMigration) found = &m;
    }
    ASSERT_NE(found, nullptr) << "no migration named " << kMigration << r;
    if (named) {
      EXPECT_EQ(j["migrations"].size(), 1u) << r;
    }
    ExpectStatusShape(*found, r);
  }

  r = Run({"status"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find(kMigration), std::string::npos) << r;
}

// pgphase.steps says when each step ran: every done step has a start and an end, in the
// order the steps ran, and a batched step's span holds its batches'.
TEST_F(LifecycleTest, EveryDoneStepRecordsWhenItStartedAndFinished) {
  SeedOrders(20000);
  Apply(WriteOrdersSpec(), "swap");
  ASSERT_GE(ScalarInt("SELECT count(*) FROM pgphase.steps WHERE status = 'done'"), 5);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.steps WHERE status = 'done' AND "
                      "(started_at IS NULL OR finished_at IS NULL OR finished_at <= started_at)"),
            0)
      << Scalar(
             "SELECT string_agg(step_id || ' ' || coalesce(started_at::text, '-') || ' ' || "
             "coalesce(finished_at::text, '-'), E'\\n') FROM pgphase.steps");
  EXPECT_EQ(ScalarInt(R"(
SELECT count(*) FROM (
  SELECT s.started_at, lag(s.finished_at) OVER (ORDER BY p.ordinal, s.ordinal) AS previous_end
    FROM pgphase.steps s JOIN pgphase.phases p USING (migration, phase)
   WHERE s.status = 'done') o
 WHERE started_at < previous_end)"),
            0)
      << "a step started before the one before it finished";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.steps s JOIN pgphase.backfill b "
                      "USING (migration, step_id) WHERE b.started_at < s.started_at "
                      "OR b.updated_at > s.finished_at"),
            0)
      << "a batched step's span must hold its batches";
}

TEST_F(LifecycleTest, StatusOnAFreshDatabaseIsEmptyAndCreatesNothing) {
  RunResult r = Run({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r;
  EXPECT_EQ(j["migrations"], nlohmann::json::array()) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgphase'"), 0)
      << "status is read-only";
}

TEST_F(LifecycleTest, PlanPrintsEveryPhaseWithLocksAndChangesNothing) {
  SeedOrders(1000);
  const std::string spec = WriteOrdersSpec();
  const std::string before = SchemaDump();

  RunResult r = Run({"plan", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string text = Lower(r.out);
  for (const auto& phase : AllPhases()) {
    EXPECT_NE(text.find(phase), std::string::npos) << "phase " << phase << " not shown" << r;
  }
  EXPECT_NE(text.find("alter table"), std::string::npos) << r;
  EXPECT_NE(text.find("irreversible"), std::string::npos) << "contract must be marked" << r;
  std::string squashed;
  for (char c : text) {
    if (c != ' ' && c != '_' && c != '-') squashed += c;
  }
  EXPECT_TRUE(squashed.find("accessexclusive") != std::string::npos ||
              squashed.find("shareupdateexclusive") != std::string::npos)
      << "no lock names in the plan" << r;

  r = Run({"plan", spec, "--format", "sql"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(Lower(r.out).find("alter table"), std::string::npos) << r;

  r = Run({"plan", spec, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(nlohmann::json::parse(r.out, nullptr, false).is_discarded()) << r;

  r = Run({"plan", spec, "--format", "yaml"});
  EXPECT_EQ(r.exit_code, 2) << r;

  EXPECT_EQ(SchemaDump(), before) << "plan is read-only";
  EXPECT_EQ(MigrationStatus(kMigration), "") << "plan records nothing";
}

TEST_F(LifecycleTest, LintAcceptsAGoodSpecWithoutADatabase) {
  RunResult r = RunNoDb({"lint", WriteOrdersSpec()});
  EXPECT_EQ(r.exit_code, 0) << r;
}

// --- the old app (knows id, amount, note) and the new app (also writes total) ---

TEST_F(LifecycleTest, OldAppWritesGetUpValueFromSyncUntilContract) {
  SeedOrders(20000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec, "--through", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;

  OldAppWrites(100001, 10);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE (id > 100000 OR id <= 10) "
                      "AND total IS DISTINCT FROM amount::bigint * 2"),
            0)
      << "after sync the trigger computes total for old-app inserts and updates of amount";

  long long id = 100101;
  for (const char* phase : {"backfill", "validate", "swap"}) {
    SCOPED_TRACE(std::string("after ") + phase);
    r = Run({"apply", spec, "--through", phase});
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(BadTotals(), 0);
    OldAppWrites(id, 10);
    id += 100;
    EXPECT_EQ(BadTotals(), 0) << "old-app writes must keep total = up(row)";
    // An old-app write that does not touch `amount` leaves total alone and correct.
    Exec("UPDATE orders SET note = 'touched' WHERE id BETWEEN 11 AND 20");
    EXPECT_EQ(BadTotals(), 0);
  }

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0);
  EXPECT_EQ(OrdersCount(), 20040);
}

// Each backfill batch marks its writes as pgphase's and commits without waiting for its WAL
// (ddl::BatchSettings): a trigger of the user's sees both while the batch writes.
TEST_F(LifecycleTest, BackfillBatchesMarkTheirWritesAndDoNotWaitForTheirCommits) {
  SeedOrders(500);
  const std::string spec = WriteOrdersSpec();
  ASSERT_EQ(Run({"apply", spec, "--through", "sync"}).exit_code, 0);
  // The test server commits asynchronously everywhere: this database, as in production, not.
  Exec(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', "
      "current_database()); END $$");
  Exec(R"(CREATE TABLE seen (filling text, sync_commit text);
CREATE FUNCTION note_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO seen VALUES (current_setting('pgphase.filling', true),
                           current_setting('synchronous_commit'));
  RETURN NEW;
END $$;
CREATE TRIGGER note_settings BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION note_settings();)");
  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Query("SELECT DISTINCT filling, sync_commit FROM seen"), (Rows{{"on", "off"}}));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM seen"), 500);
}

TEST_F(LifecycleTest, OldAppCanStillInsertRightAfterExpand) {
  // DESIGN, "The six phases": the old app works during expand. The NOT VALID helper
  // check is enforced for new rows, so this fails if it is added before the trigger.
  SeedOrders(1000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec, "--through", "expand"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NO_THROW(Exec("INSERT INTO orders (id, amount, note) VALUES (5001, 21, 'old app')"));
  EXPECT_NO_THROW(Exec("UPDATE orders SET amount = amount + 1 WHERE id <= 5"));

  r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0) << "rows written between expand and sync are backfilled too";
}

// A NOT NULL column filled from a volatile default (no `up`): the default fills inserted
// rows, but the helper check (added at sync) also applies to an old-app UPDATE of a row the
// backfill has not reached, which must find the column filled rather than fail.
TEST_F(LifecycleTest, OldAppUpdateBeforeBackfillOfNotNullVolatileDefaultSucceeds) {
  SeedOrders(1000);
  const std::string spec = WriteSpec("0001_orders_token",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: orders\n"
                                     "      column:\n"
                                     "        name: token\n"
                                     "        type: integer\n"
                                     "        nullable: false\n"
                                     "        default: (random() * 0 + 9)::int\n");
  RunResult r = Run({"apply", spec, "--through", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NO_THROW(Exec("UPDATE orders SET note = 'old app' WHERE id <= 5"));
  EXPECT_NO_THROW(Exec("INSERT INTO orders (id, amount, note) VALUES (5001, 21, 'old app')"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE (id <= 5 OR id = 5001) "
                      "AND token IS DISTINCT FROM 9"),
            0);

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE token IS DISTINCT FROM 9"), 0);
  EXPECT_EQ(UserTriggerCount("orders"), 0);
}

// Two columns filled by one function: an old-app UPDATE of one column's source calls it,
// and it must recompute that column only, keeping the other's new-app value.
TEST_F(LifecycleTest, OldAppUpdateOfOneFillsSourceKeepsTheOtherFillsNewAppValue) {
  SeedOrders(100);
  const std::string spec = WriteSpec("0001_orders_two",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: orders\n"
                                     "      up: amount * 2\n"
                                     "      column:\n"
                                     "        name: total\n"
                                     "        type: bigint\n"
                                     "  - add_column:\n"
                                     "      table: orders\n"
                                     "      up: length(note)\n"
                                     "      column:\n"
                                     "        name: note_len\n"
                                     "        type: integer\n");
  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  Exec("UPDATE orders SET note_len = 777, total = 555 WHERE id IN (1, 2)");  // the new app
  Exec("UPDATE orders SET amount = amount + 1 WHERE id = 1");                // the old app
  Exec("UPDATE orders SET note = 'changed' WHERE id = 2");
  EXPECT_EQ(Scalar("SELECT note_len || ' ' || (total = amount::bigint * 2) FROM orders "
                   "WHERE id = 1"),
            "777 true");
  EXPECT_EQ(Scalar("SELECT total || ' ' || note_len FROM orders WHERE id = 2"), "555 7");
}

TEST_F(LifecycleTest, NewAppExplicitValueIsKeptThroughEveryPhase) {
  SeedOrders(2000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec, "--through", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  // The new app sets total itself; the trigger must not override it, nor the backfill.
  Exec("INSERT INTO orders (id, amount, note, total) VALUES (900001, 5, 'new app', 777)");

  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT total FROM orders WHERE id = 900001"), "777");

  r = Run({"apply", spec, "--through", "swap"});
  ASSERT_EQ(r.exit_code, 0) << r;
  Exec(
      "INSERT INTO orders (id, amount, note, total) VALUES (900002, 5, 'new app', 888);"
      "UPDATE orders SET total = 5 WHERE id = 1");

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Scalar("SELECT total FROM orders WHERE id = 900001"), "777");
  EXPECT_EQ(Scalar("SELECT total FROM orders WHERE id = 900002"), "888");
  EXPECT_EQ(Scalar("SELECT total FROM orders WHERE id = 1"), "5");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE id BETWEEN 2 AND 2000 AND "
                      "total IS DISTINCT FROM amount::bigint * 2"),
            0);
}

// --- constraints and keys ---

TEST_F(LifecycleTest, UniqueColumnGetsIndexAtValidateAndConstraintAtSwap) {
  SeedOrders(20000);
  const std::string spec = WriteSpec("0001_orders_code",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: orders\n"
                                     "      up: \"'ord-' || id\"\n"
                                     "      column:\n"
                                     "        name: code\n"
                                     "        type: text\n"
                                     "        unique: true\n");
  const std::string unique_index_on_code =
      "SELECT count(*) FROM pg_index i WHERE i.indrelid = 'orders'::regclass "
      "AND i.indisunique AND i.indisvalid AND i.indnatts = 1 AND i.indkey[0] = "
      "(SELECT attnum FROM pg_attribute WHERE attrelid = 'orders'::regclass "
      "AND attname = 'code')";
  RunResult r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt(unique_index_on_code), 1) << "validate builds the unique index";
  EXPECT_TRUE(ColumnNotNull("orders", "code"));

  r = Run({"apply", spec, "--through", "swap"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = "
                      "'orders'::regclass AND contype = 'u'"),
            1)
      << "swap attaches the index as a UNIQUE constraint";
  EXPECT_EQ(ScalarInt(unique_index_on_code), 1) << "and builds no second index";
  EXPECT_THROW(Exec("INSERT INTO orders (id, amount, code) VALUES (999999, 1, 'ord-1')"),
               pqxx::unique_violation);

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE code IS DISTINCT FROM 'ord-' || id"), 0);
}

TEST_F(LifecycleTest, CheckAndForeignKeyStayNotValidUntilValidate) {
  SeedOrders(5000);
  Exec(
      "CREATE TABLE customers (id bigint PRIMARY KEY);"
      "INSERT INTO customers SELECT generate_series(1, 100);");
  const std::string spec = WriteSpec("0001_orders_customer",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: orders\n"
                                     "      up: (id % 100) + 1\n"
                                     "      column:\n"
                                     "        name: customer_id\n"
                                     "        type: bigint\n"
                                     "        nullable: true\n"
                                     "        check:\n"
                                     "          name: customer_id_positive\n"
                                     "          constraint: customer_id > 0\n"
                                     "        references:\n"
                                     "          name: orders_customer_fk\n"
                                     "          table: customers\n"
                                     "          column: id\n");
  auto validated = [&](const std::string& name) {
    return ScalarOptP(
               "SELECT convalidated::text FROM pg_constraint WHERE conrelid = "
               "'orders'::regclass AND conname = $1",
               name)
        .value_or("missing");
  };
  RunResult r = Run({"apply", spec, "--through", "expand"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(validated("customer_id_positive"), "false");
  EXPECT_EQ(validated("orders_customer_fk"), "false");

  r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(validated("customer_id_positive"), "true");
  EXPECT_EQ(validated("orders_customer_fk"), "true");

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(validated("customer_id_positive"), "true") << "user constraints survive contract";
  EXPECT_EQ(validated("orders_customer_fk"), "true");
  EXPECT_FALSE(ColumnNotNull("orders", "customer_id")) << "nullable: true";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders WHERE customer_id IS DISTINCT FROM "
                      "(id % 100) + 1"),
            0);
}

TEST_F(LifecycleTest, CompositePrimaryKeyTableBackfillsEveryRow) {
  // 7 lines per order, inserted in random physical order: a keyset that compares only
  // the first key column, or walks ctid, skips or repeats rows at batch edges.
  Exec(
      "CREATE TABLE line_items (order_id int, line_no int, qty int NOT NULL, "
      "PRIMARY KEY (order_id, line_no));"
      "INSERT INTO line_items SELECT g / 7, g % 7, g % 13 FROM generate_series(0, 20999) g "
      "ORDER BY random(); ANALYZE line_items;");
  const std::string spec = WriteSpec("0001_line_items_qty10",
                                     "settings:\n"
                                     "  batch_size_max: 500\n"
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: line_items\n"
                                     "      up: qty * 10\n"
                                     "      column:\n"
                                     "        name: qty10\n"
                                     "        type: integer\n");
  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM line_items WHERE qty10 IS DISTINCT FROM qty * 10"), 0);
  EXPECT_EQ(BackfillRowsDone("0001_line_items_qty10"), 21000) << "each row exactly once";

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnNotNull("line_items", "qty10"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM line_items WHERE qty10 IS DISTINCT FROM qty * 10"), 0);
}

// A batch's bound is max(key) for the key types whose max() follows the index order and
// a top-1 sort otherwise (uuid has no max()); text keys order by the column's collation in
// both the index and max(). Each walk must visit every row exactly once.
TEST_F(LifecycleTest, UuidAndTextKeysBackfillEveryRowOnce) {
  Exec(
      "CREATE TABLE tokens (id uuid PRIMARY KEY, n int NOT NULL);"
      "INSERT INTO tokens SELECT md5(g::text)::uuid, g FROM generate_series(1, 5000) g;"
      "CREATE TABLE words (w text COLLATE \"C\" PRIMARY KEY, n int NOT NULL);"
      "INSERT INTO words SELECT 'w' || g || CASE WHEN g % 2 = 0 THEN 'Z' ELSE 'a' END, g "
      "FROM generate_series(1, 5000) g ORDER BY random();"
      "ANALYZE tokens; ANALYZE words;");
  for (const char* table : {"tokens", "words"}) {
    SCOPED_TRACE(table);
    const std::string migration = std::string("0001_") + table + "_n2";
    const std::string spec = WriteSpec(migration,
                                       "settings:\n"
                                       "  batch_size_max: 300\n"
                                       "operations:\n"
                                       "  - add_column:\n"
                                       "      table: " +
                                           std::string(table) +
                                           "\n"
                                           "      up: n * 2\n"
                                           "      column:\n"
                                           "        name: n2\n"
                                           "        type: integer\n");
    RunResult r = Run({"apply", spec, "--through", "backfill"});
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(ScalarInt(std::string("SELECT count(*) FROM ") + table +
                        " WHERE n2 IS DISTINCT FROM n * 2"),
              0);
    EXPECT_EQ(BackfillRowsDone(migration), 5000) << "each row exactly once";
    r = Run({"apply", spec, "--through", "contract"});
    ASSERT_EQ(r.exit_code, 0) << r;
  }
}

// DESIGN "Backfill": no primary key and no unique NOT NULL key -> ctid ranges (more in
// ctid_backfill_test.cc).
TEST_F(LifecycleTest, TableWithoutAnyKeyIsBackfilledInCtidRanges) {
  Exec(
      "CREATE TABLE event_log (kind text NOT NULL, n int NOT NULL);"
      "INSERT INTO event_log SELECT 'k' || (g % 5), g % 17 FROM generate_series(1, 2000) g;");
  const std::string spec =
      WriteAddColumnSpec("0001_event_log_n2", "event_log", "n * 2", "n2", "integer");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnNotNull("event_log", "n2"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM event_log WHERE n2 IS DISTINCT FROM n * 2"), 0);
  EXPECT_EQ(UserTriggerCount("event_log"), 0);
}

// A partitioned table has no pages of its own to walk: without a key it is refused at plan
// time, before anything changes.
TEST_F(LifecycleTest, PartitionedTableWithoutAnyKeyIsRefusedBeforeAnythingChanges) {
  Exec(
      "CREATE TABLE event_log (kind text NOT NULL, n int NOT NULL) PARTITION BY LIST (kind);"
      "CREATE TABLE event_log_k0 PARTITION OF event_log FOR VALUES IN ('k0');"
      "CREATE TABLE event_log_rest PARTITION OF event_log DEFAULT;"
      "INSERT INTO event_log SELECT 'k' || (g % 5), g % 17 FROM generate_series(1, 2000) g;");
  const std::string before = SchemaDump();
  const std::string spec =
      WriteAddColumnSpec("0001_event_log_n2", "event_log", "n * 2", "n2", "integer");
  RunResult r = Run({"apply", spec, "--through", "validate"});
  ASSERT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("partitioned table cannot be batched by ctid ranges"), std::string::npos)
      << r;
  EXPECT_EQ(SchemaDump(), before);
}

}  // namespace
}  // namespace pgphase::it
