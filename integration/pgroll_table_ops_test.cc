// pgroll's multi-operation cases on a table that the same migration renames
// (pkg/migrations/op_*_test.go, each named in a comment) as they run without version schemas.
// The cases themselves, with pgroll's probes of both versions, are data in
// integration/pgroll_cases/multi_operation.cc and pass with version schemas; these ones are
// skipped there in _Tables, since pgroll's old version writes what only the new version's
// constraint rejects (or reads `down`'s value of a column changed in place). Here the old
// application writes before swap, where it still runs, and the tests check what holds for
// both from swap on. The last tests check the plan-time refusals of issue 17's rule.
//
// Without version schemas both names of a renamed table reach the same table (the old name is
// the table until contract, the new one a view over it), and a column changed under its own
// name has one value for both applications from swap on.
#include "harness.h"

namespace pgphase::it {
namespace {

class PgrollTableOpsTest : public PgphaseTest {
 protected:
  // No trigger, pgphase function or leftover column of the migration remains on `table`.
  void ExpectCleanedUp(const std::string& table) {
    EXPECT_EQ(UserTriggerCount(table), 0) << table;
    EXPECT_EQ(FunctionCountInSchema("pgphase"), 0);
    EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
                        "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped"),
              0)
        << table;
  }
  void ExpectRefusedAtPlanTime(const std::string& spec, const std::string& says) {
    const std::string before = SchemaDump();
    RunResult r = Run({"apply", spec});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find(says), std::string::npos) << r;
    EXPECT_EQ(SchemaDump(), before) << "nothing changed";
  }
};

constexpr const char* kItemsNullableName =
    "CREATE TABLE items (id int PRIMARY KEY, name varchar(255))";

// pgroll: TestChangeTypeInMultiOperationMigrations "rename table, change type". varchar(3) to
// text needs no rewrite, so pgphase changes the column itself at swap (the view over it is
// re-created around the ALTER TYPE in the same transaction): from swap on both names read
// 'apple', where pgroll's old version schema reads down's 'xxx'.
TEST_F(PgrollTableOpsTest, RenameTableChangeType) {
  Exec("CREATE TABLE items (id int PRIMARY KEY, name varchar(3))");
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - alter_column:
      table: products
      column: name
      type: text
      up: name
      down: CASE WHEN LENGTH(name) > 3 THEN 'xxx' ELSE name END
)");
  Apply(spec, "swap");
  EXPECT_EQ(TypeOf("items", "name"), "text");
  Exec("INSERT INTO products (id, name) VALUES (1, 'apple')");
  Exec("INSERT INTO items (id, name) VALUES (2, 'abc')");
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "apple"}, {"2", "abc"}}));
  EXPECT_EQ(Query("SELECT id, name FROM items ORDER BY id"), (Rows{{"1", "apple"}, {"2", "abc"}}));
  // Reversing narrows the column back to varchar(3), which a longer value would fail.
  Exec("UPDATE items SET name = 'xxx' WHERE id = 1");
  Reverse("02_multi_operation");
  EXPECT_EQ(TypeOf("items", "name"), "character varying(3)");
  EXPECT_FALSE(RelationExists("public.products"));
  ExpectCleanedUp("items");
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("products", "name"), "text");
  Exec("INSERT INTO products (id, name) VALUES (3, 'carrot')");
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "xxx"}, {"2", "abc"}, {"3", "carrot"}}));
  ExpectCleanedUp("products");
}

// pgroll: TestSetNotNullInMultiOperationMigrations "rename table, set not null". The old
// application writes before swap; NOT NULL holds for everyone from swap on.
TEST_F(PgrollTableOpsTest, RenameTableSetNotNull) {
  Exec(kItemsNullableName);
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - alter_column:
      table: products
      column: name
      nullable: false
      up: SELECT CASE WHEN name IS NULL THEN 'unknown' ELSE name END
      down: name
)");
  Apply(spec, "validate");
  Exec("INSERT INTO items (id) VALUES (2)");  // the old app leaves name NULL
  Apply(spec, "swap");
  Exec("INSERT INTO products (id, name) VALUES (1, 'apple')");
  EXPECT_THROW(Exec("INSERT INTO products (id) VALUES (3)"), pqxx::not_null_violation);
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "apple"}, {"2", "unknown"}}));
  Reverse("02_multi_operation");
  EXPECT_FALSE(ColumnNotNull("items", "name"));
  EXPECT_FALSE(RelationExists("public.products"));
  ExpectCleanedUp("items");
  Apply(spec, "contract");
  EXPECT_TRUE(ColumnNotNull("products", "name"));
  Exec("INSERT INTO products (id, name) VALUES (3, 'banana')");
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "apple"}, {"2", "unknown"}, {"3", "banana"}}));
  ExpectCleanedUp("products");
}

// pgroll: TestSetColumnUnique "rename table, set unique"
TEST_F(PgrollTableOpsTest, RenameTableSetUnique) {
  Exec("CREATE TABLE items (id serial PRIMARY KEY, name varchar(255))");
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - alter_column:
      table: products
      column: name
      unique: {name: products_name_unique}
      up: name || '-' || floor(random()*100000)::text
      down: name
)");
  Apply(spec, "validate");
  Exec("INSERT INTO items (name) VALUES ('apple'), ('apple')");  // the old app
  Apply(spec, "swap");
  Exec("INSERT INTO products (name) VALUES ('apple')");
  EXPECT_THROW(Exec("INSERT INTO products (name) VALUES ('apple')"), pqxx::unique_violation);
  EXPECT_EQ(ScalarInt("SELECT count(DISTINCT name) FROM products"), 3);
  Reverse("02_multi_operation");
  EXPECT_FALSE(RelationExists("public.products"));
  ExpectCleanedUp("items");
  Exec("INSERT INTO items (name) VALUES ('banana'), ('banana')");
  Apply(spec, "contract");
  Exec("INSERT INTO products (name) VALUES ('banana')");
  EXPECT_THROW(Exec("INSERT INTO products (name) VALUES ('banana')"), pqxx::unique_violation);
  EXPECT_EQ(Scalar("SELECT contype::text FROM pg_constraint WHERE conname = "
                   "'products_name_unique' AND conrelid = 'products'::regclass"),
            "u");
  ExpectCleanedUp("products");
}

// pgroll: TestSetCheckConstraint "rename table, set check constraint"
TEST_F(PgrollTableOpsTest, RenameTableSetCheckConstraint) {
  Exec(kItemsNullableName);
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - alter_column:
      table: products
      column: name
      check: {name: check_name_length, constraint: LENGTH(name) > 2}
      up: SELECT CASE WHEN length(name) > 2 THEN name ELSE name || '---' END
      down: name
)");
  Apply(spec, "validate");
  Exec("INSERT INTO items (id, name) VALUES (2, 'b')");  // the old app
  Apply(spec, "swap");
  Exec("INSERT INTO products (id, name) VALUES (1, 'abc')");
  EXPECT_THROW(Exec("INSERT INTO products (id, name) VALUES (3, 'a')"), pqxx::check_violation);
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "abc"}, {"2", "b---"}}));
  Reverse("02_multi_operation");
  EXPECT_EQ(CheckConstraintCount("items"), 0);
  ExpectCleanedUp("items");
  Apply(spec, "contract");
  Exec("INSERT INTO products (id, name) VALUES (3, 'def')");
  EXPECT_THROW(Exec("INSERT INTO products (id, name) VALUES (4, 'a')"), pqxx::check_violation);
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "abc"}, {"2", "b---"}, {"3", "def"}}));
  ExpectCleanedUp("products");
}

// pgroll: TestSetForeignKey "rename referencing table, set fk"
TEST_F(PgrollTableOpsTest, RenameReferencingTableSetFk) {
  Exec("CREATE TABLE suppliers (id int PRIMARY KEY, name varchar(255) NOT NULL)");
  Exec("CREATE TABLE items (id int PRIMARY KEY, name varchar(255) NOT NULL, supplier_id int)");
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - alter_column:
      table: products
      column: supplier_id
      references: {name: fk_products_suppliers, table: suppliers, column: id}
      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM suppliers WHERE suppliers.id = supplier_id) THEN supplier_id ELSE NULL END
      down: supplier_id
)");
  Apply(spec, "validate");
  Exec("INSERT INTO items (id, name, supplier_id) VALUES (9, 'plums', 7)");  // no supplier 7
  Apply(spec, "swap");
  Exec("INSERT INTO suppliers (id, name) VALUES (1, 'supplier1')");
  Exec("INSERT INTO products (id, name, supplier_id) VALUES (1, 'apples', 1)");
  EXPECT_THROW(Exec("INSERT INTO products (id, name, supplier_id) VALUES (2, 'bananas', 2)"),
               pqxx::foreign_key_violation);
  EXPECT_EQ(Query("SELECT id, name, supplier_id FROM products ORDER BY id"),
            (Rows{{"1", "apples", "1"}, {"9", "plums", "NULL"}}));
  Reverse("02_multi_operation");
  ExpectCleanedUp("items");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass AND "
                      "contype = 'f'"),
            0);
  Apply(spec, "contract");
  EXPECT_THROW(Exec("INSERT INTO products (id, name, supplier_id) VALUES (3, 'pears', 2)"),
               pqxx::foreign_key_violation);
  EXPECT_EQ(Scalar("SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = "
                   "'fk_products_suppliers'"),
            "suppliers");
  ExpectCleanedUp("products");
}

// pgroll: TestSetForeignKey "rename referenced table, set fk"
TEST_F(PgrollTableOpsTest, RenameReferencedTableSetFk) {
  Exec("CREATE TABLE suppliers (id int PRIMARY KEY, name varchar(255) NOT NULL)");
  Exec("CREATE TABLE items (id int PRIMARY KEY, name varchar(255) NOT NULL, supplier_id int)");
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: suppliers, to: producers}
  - alter_column:
      table: items
      column: supplier_id
      references: {name: fk_items_producers, table: producers, column: id}
      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM suppliers WHERE suppliers.id = supplier_id) THEN supplier_id ELSE NULL END
      down: supplier_id
)");
  Apply(spec, "swap");
  Exec("INSERT INTO producers (id, name) VALUES (1, 'producer1')");
  Exec("INSERT INTO items (id, name, supplier_id) VALUES (1, 'apples', 1)");
  EXPECT_THROW(Exec("INSERT INTO items (id, name, supplier_id) VALUES (2, 'bananas', 2)"),
               pqxx::foreign_key_violation);
  Reverse("02_multi_operation");
  ExpectCleanedUp("items");
  Apply(spec, "contract");
  EXPECT_EQ(Scalar("SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = "
                   "'fk_items_producers'"),
            "producers");
  EXPECT_THROW(Exec("INSERT INTO items (id, name, supplier_id) VALUES (3, 'pears', 2)"),
               pqxx::foreign_key_violation);
}

// pgroll: TestCreateConstraint "rename table, create check constraint"
TEST_F(PgrollTableOpsTest, RenameTableCreateCheckConstraint) {
  Exec(kItemsNullableName);
  const std::string spec = WriteSpec("02_multi_operation", R"(operations:
  - rename_table: {from: items, to: products}
  - create_constraint:
      table: products
      name: check_name_length
      type: check
      check: length(name) > 3
      columns: [name]
      up:
        name: SELECT CASE WHEN length(name) <= 3 THEN LPAD(name, 4, '-') ELSE name END
      down:
        name: name
)");
  Exec("INSERT INTO items (id, name) VALUES (2, 'abc')");
  Apply(spec, "swap");
  Exec("INSERT INTO products (id, name) VALUES (1, 'apple')");
  EXPECT_THROW(Exec("INSERT INTO products (id, name) VALUES (3, 'a')"), pqxx::check_violation);
  EXPECT_EQ(Query("SELECT id, name FROM products ORDER BY id"),
            (Rows{{"1", "apple"}, {"2", "-abc"}}));
  Reverse("02_multi_operation");
  EXPECT_EQ(CheckConstraintCount("items"), 0);
  Apply(spec, "contract");
  EXPECT_THROW(Exec("INSERT INTO products (id, name) VALUES (3, 'a')"), pqxx::check_violation);
  EXPECT_EQ(Scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = "
                   "'check_name_length' AND conrelid = 'products'::regclass"),
            "true");
}

// The rule of issue 17: what the planner can know refuses the plan, before anything changes.
TEST_F(PgrollTableOpsTest, DropColumnAViewUsesIsRefusedAtPlanTime) {
  Exec(kItemsNullableName);
  Exec("CREATE VIEW item_names AS SELECT id, name FROM items");
  ExpectRefusedAtPlanTime(
      WriteSpec("01_drop", "operations:\n  - drop_column: {table: items, column: name}\n"),
      "view item_names depends on column \"name\"");
}

TEST_F(PgrollTableOpsTest, DropTableAViewUsesIsRefusedAtPlanTime) {
  Exec(kItemsNullableName);
  Exec("CREATE VIEW item_names AS SELECT id, name FROM items");
  ExpectRefusedAtPlanTime(WriteSpec("01_drop", "operations:\n  - drop_table: {name: items}\n"),
                          "view item_names");
}

TEST_F(PgrollTableOpsTest, WideningAColumnAViewUsesIsRefusedAtPlanTime) {
  Exec("CREATE TABLE items (id int PRIMARY KEY, name varchar(3))");
  Exec("CREATE VIEW item_names AS SELECT id, name FROM items");
  ExpectRefusedAtPlanTime(WriteSpec("01_widen", R"(operations:
  - alter_column: {table: items, column: name, type: text}
)"),
                          "view item_names uses column \"name\"");
}

}  // namespace
}  // namespace pgphase::it
