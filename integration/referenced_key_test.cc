// Issue 14: an integer primary key that other tables reference becomes bigint in one
// migration. The referencing columns are found and changed with it; old-app and new-app
// writes (sequence inserts, cascading deletes) work in every phase; reverse refuses keys the
// old type cannot hold and is otherwise exact.
#include <functional>

#include "harness.h"

namespace pgphase::it {
namespace {

class ReferencedKeyTest : public PgphaseTest {
 protected:
  void Seed(const std::string& key_type = "serial", const std::string& ref_type = "integer") {
    Exec("CREATE TABLE orders (id " + key_type +
         " PRIMARY KEY, note text);"
         "CREATE TABLE order_items (id serial PRIMARY KEY, order_id " +
         ref_type +
         " REFERENCES orders(id) ON DELETE CASCADE, qty int);"
         "CREATE INDEX order_items_order_id_idx ON order_items (order_id);"
         "CREATE TABLE payments (id serial PRIMARY KEY, order_id " +
         ref_type +
         " REFERENCES orders(id), amount int);"
         "INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 2000) g;"
         "INSERT INTO order_items (order_id, qty) SELECT g % 2000 + 1, g FROM "
         "generate_series(1, 6000) g;"
         "INSERT INTO payments (order_id, amount) SELECT g, g FROM generate_series(1, 1000) g;"
         "ANALYZE");
  }
  std::string Spec(const std::string& type = "bigint") {
    return WriteSpec("0001_orders_bigint",
                     "settings:\n  batch_size_min: 100\n  batch_size_max: 500\n"
                     "operations:\n  - alter_column:\n      table: orders\n      column: id\n"
                     "      type: " +
                         type + "\n");
  }
  // The application's writes: an order from the sequence with an item and a payment, an
  // item moved to it, and an order (without payments) deleted, its items cascading.
  void AppWrites() {
    const std::string id = Scalar("INSERT INTO orders (note) VALUES ('app') RETURNING id");
    Exec("INSERT INTO order_items (order_id, qty) VALUES (" + id + ", 1)");
    Exec("INSERT INTO payments (order_id, amount) VALUES (" + id + ", 1)");
    Exec("UPDATE order_items SET order_id = " + id +
         " WHERE id = (SELECT min(id) FROM order_items WHERE order_id > 1000)");
    const std::string gone = Scalar(
        "SELECT min(o.id) FROM orders o WHERE o.id > 1000 AND EXISTS (SELECT 1 FROM order_items "
        "i WHERE i.order_id = o.id) AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = "
        "o.id)");
    Exec("DELETE FROM orders WHERE id = " + gone);
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM order_items WHERE order_id = " + gone), 0)
        << "the delete cascades";
    ++writes_;
  }
  std::string TypeOf(const std::string& table, const std::string& column) {
    return Scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                  table + "'::regclass AND attname = '" + column + "'");
  }
  // Every foreign key to orders, validated, by name and definition.
  std::string ForeignKeys() {
    std::string out;
    for (const auto& row :
         Query("SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE confrelid = 'orders'::regclass ORDER BY conname"))
      out += row[0] + " " + row[1] + " " + row[2] + "\n";
    return out;
  }
  // Every phase through swap with `writes` after each, reverse (the schema as before), then
  // through contract.
  void RoundTrip(const std::string& spec, const std::function<void()>& writes) {
    const std::string before = SchemaDump();
    for (const char* phase : {"expand", "sync", "backfill", "validate", "swap"}) {
      Apply(spec, phase);
      writes();
    }
    Reverse(spec.substr(spec.rfind('/') + 1, spec.size() - spec.rfind('/') - 6));
    EXPECT_EQ(SchemaDump(), before);
    writes();
    Apply(spec, "contract");
    writes();
  }
  int writes_ = 0;
};

TEST_F(ReferencedKeyTest, IntToBigintWithReferencingTablesThroughSwapReverseAndContract) {
  Seed();
  const std::string before = SchemaDump();
  const std::string fks_before = ForeignKeys();
  const std::string spec = Spec();
  RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("tables: public.order_items, public.orders, public.payments"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.out.find("order_items.order_id, payments.order_id"), std::string::npos) << plan;
  for (const char* phase : {"expand", "sync", "backfill", "validate"}) {
    Apply(spec, phase);
    AppWrites();
  }
  RunResult swap = Run({"apply", spec, "--through", "swap"});
  ASSERT_EQ(swap.exit_code, 0) << swap;
  for (const char* table : {"orders", "order_items", "payments"})
    EXPECT_NE(swap.out.find(std::string("swap.") + table + ": locks held for"), std::string::npos)
        << swap;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pgphase.events WHERE event = 'lock_hold'"), 3);
  EXPECT_EQ(TypeOf("orders", "id"), "bigint");
  EXPECT_EQ(TypeOf("order_items", "order_id"), "bigint");
  EXPECT_EQ(TypeOf("payments", "order_id"), "bigint");
  EXPECT_EQ(ForeignKeys(), fks_before) << "same names, actions, validated";
  EXPECT_EQ(Scalar("SELECT pg_get_serial_sequence('orders', 'id')"), "public.orders_id_seq");
  EXPECT_EQ(Scalar("SELECT data_type FROM information_schema.sequences WHERE sequence_name = "
                   "'orders_id_seq'"),
            "bigint");
  const long long max_before_new = ScalarInt("SELECT max(id) FROM orders");
  AppWrites();
  EXPECT_GT(ScalarInt("SELECT max(id) FROM orders"), max_before_new) << "nextval goes on";
  // The new app writes a key the old type cannot hold.
  Exec(
      "INSERT INTO orders (id, note) VALUES (3000000000, 'big');"
      "INSERT INTO order_items (order_id, qty) VALUES (3000000000, 1)");
  RunResult refused = Run({"reverse", "0001_orders_bigint"});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_NE(refused.err.find("3000000000"), std::string::npos) << refused;
  EXPECT_EQ(TypeOf("orders", "id"), "bigint") << "nothing reversed";
  Exec("DELETE FROM orders WHERE id = 3000000000");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM order_items WHERE order_id = 3000000000"), 0);
  const std::string data = Scalar(
      "SELECT md5(string_agg(format('%s %s %s', i.id, i.order_id, i.qty), ',' ORDER BY i.id)) "
      "FROM order_items i");
  const long long orders = ScalarInt("SELECT count(*) FROM orders");
  Reverse("0001_orders_bigint");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(ForeignKeys(), fks_before);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM orders"), orders);
  EXPECT_EQ(Scalar("SELECT md5(string_agg(format('%s %s %s', i.id, i.order_id, i.qty), ',' "
                   "ORDER BY i.id)) FROM order_items i"),
            data);
  const long long max_id = ScalarInt("SELECT max(id) FROM orders");
  AppWrites();
  EXPECT_GT(ScalarInt("SELECT max(id) FROM orders"), max_id) << "nextval never repeats";
  // Again, to the end.
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("order_items", "order_id"), "bigint");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attname LIKE '\\_pgphase%' AND "
                      "attrelid IN ('orders'::regclass, 'order_items'::regclass, "
                      "'payments'::regclass) AND NOT attisdropped"),
            0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_pgphase%'"), 0);
  EXPECT_EQ(Scalar("SELECT pg_get_indexdef('order_items_order_id_idx'::regclass)"),
            "CREATE INDEX order_items_order_id_idx ON public.order_items USING btree (order_id)");
  EXPECT_EQ(ForeignKeys(), fks_before);
  AppWrites();
}

// The spec names a referencing column too: planned once, with the key.
TEST_F(ReferencedKeyTest, ReferencingColumnNamedInTheSpecIsPlannedWithTheKey) {
  Seed();
  const std::string spec = WriteSpec("0001_named",
                                     "operations:\n  - alter_column:\n      table: order_items\n"
                                     "      column: order_id\n      type: bigint\n"
                                     "  - alter_column:\n      table: orders\n      column: id\n"
                                     "      type: bigint\n");
  RoundTrip(spec, [&] { AppWrites(); });
  EXPECT_EQ(TypeOf("order_items", "order_id"), "bigint");
  EXPECT_EQ(TypeOf("payments", "order_id"), "bigint");
}

// An identity moves with its sequence's value, both ways.
TEST_F(ReferencedKeyTest, IdentityKeyMovesWithItsValue) {
  Seed("integer GENERATED BY DEFAULT AS IDENTITY (CACHE 2)");
  RoundTrip(Spec(), [&] {
    const long long max = ScalarInt("SELECT max(id) FROM orders");
    AppWrites();
    EXPECT_GT(ScalarInt("SELECT max(id) FROM orders"), max) << "nextval never repeats";
  });
  EXPECT_EQ(TypeOf("orders", "id"), "bigint");
  EXPECT_EQ(Scalar("SELECT attidentity FROM pg_attribute WHERE attrelid = 'orders'::regclass AND "
                   "attname = 'id'"),
            "d");
  EXPECT_EQ(Scalar("SELECT format('%s %s %s', data_type, max_value, cache_size) FROM pg_sequences "
                   "WHERE sequencename = 'orders_id_seq'"),
            "bigint 9223372036854775807 2");
}

TEST_F(ReferencedKeyTest, SmallintToIntegerMovesTheSequenceAndItsBounds) {
  Seed("smallserial", "smallint");
  RoundTrip(Spec("integer"), [&] { AppWrites(); });
  EXPECT_EQ(TypeOf("orders", "id"), "integer");
  EXPECT_EQ(TypeOf("payments", "order_id"), "integer");
  EXPECT_EQ(Scalar("SELECT max_value FROM pg_sequences WHERE sequencename = 'orders_id_seq'"),
            "2147483647");
}

// A composite key where one column changes: the referencing key changes that column only.
TEST_F(ReferencedKeyTest, CompositeKeyOneColumnChanges) {
  Exec(
      "CREATE TABLE accounts (tenant int, id int, PRIMARY KEY (tenant, id));"
      "CREATE TABLE entries (id serial PRIMARY KEY, tenant int, account int, FOREIGN KEY "
      "(tenant, account) REFERENCES accounts ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);"
      "INSERT INTO accounts SELECT g % 3, g FROM generate_series(1, 900) g;"
      "INSERT INTO entries (tenant, account) SELECT g % 3, g FROM generate_series(1, 900) g;");
  // (Column lists: from swap on, the new column is the table's last.)
  const std::string fk = Scalar(
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
      "'entries_tenant_account_fkey'");
  const std::string spec = WriteSpec("0001_accounts",
                                     "operations:\n  - alter_column:\n      table: accounts\n"
                                     "      column: id\n      type: bigint\n");
  int next = 1000;
  RoundTrip(spec, [&] {
    const std::string n = std::to_string(next), gone = std::to_string(next - 500);
    Exec("INSERT INTO accounts (tenant, id) VALUES (1, " + n +
         "); INSERT INTO entries (tenant, account) VALUES (1, " + n +
         "); DELETE FROM accounts WHERE id = " + gone);
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM entries WHERE account = " + gone), 0);
    ++next;
  });
  EXPECT_EQ(TypeOf("entries", "account"), "bigint");
  EXPECT_EQ(TypeOf("entries", "tenant"), "integer");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                   "'entries_tenant_account_fkey'"),
            fk);
}

// Foreign keys to a unique constraint instead of the primary key; the table refers to itself.
TEST_F(ReferencedKeyTest, UniqueKeyReferencedBySelfAndOthers) {
  Exec(
      "CREATE TABLE nodes (id bigserial PRIMARY KEY, code int NOT NULL CONSTRAINT nodes_code_key "
      "UNIQUE, parent int REFERENCES nodes (code) ON DELETE SET NULL);"
      "CREATE TABLE tags (id serial PRIMARY KEY, node int REFERENCES nodes (code) ON UPDATE "
      "CASCADE);"
      "INSERT INTO nodes (code, parent) SELECT g, NULLIF(g - 1, 0) FROM generate_series(1, 500) "
      "g;"
      "INSERT INTO tags (node) SELECT g FROM generate_series(1, 400) g");
  const std::string spec = WriteSpec("0001_codes",
                                     "operations:\n  - alter_column:\n      table: nodes\n"
                                     "      column: code\n      type: bigint\n");
  int next = 1000;
  RoundTrip(spec, [&] {
    const std::string n = std::to_string(next++);
    Exec("INSERT INTO nodes (code, parent) VALUES (" + n +
         ", 10); INSERT INTO tags (node) "
         "VALUES (" +
         n + "); UPDATE nodes SET code = code + 100000 WHERE code = " + n);
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM tags WHERE node = " + n + " + 100000"), 1)
        << "ON UPDATE CASCADE";
    Exec("INSERT INTO nodes (code, parent) VALUES (" + n +
         " + 200000, 450);"
         "DELETE FROM nodes WHERE code = 450");
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM nodes WHERE parent = 450"), 0) << "SET NULL";
    Exec("INSERT INTO nodes (code) VALUES (450)");
  });
  EXPECT_EQ(TypeOf("nodes", "code"), "bigint");
  EXPECT_EQ(TypeOf("nodes", "parent"), "bigint");
  EXPECT_EQ(TypeOf("tags", "node"), "bigint");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_constraint WHERE confrelid = 'nodes'::regclass AND "
                      "convalidated"),
            2);
}

}  // namespace
}  // namespace pgphase::it
