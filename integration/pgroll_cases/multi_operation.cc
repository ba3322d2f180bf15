// pgroll's multi-operation cases on a table that the same migration creates or renames:
// pkg/migrations/op_add_column_test.go (TestAddColumnInMultiOperationMigrations),
// op_set_notnull_test.go (TestSetNotNullInMultiOperationMigrations), op_set_unique_test.go
// (TestSetUniqueInMultiOperationMigrations), op_change_type_test.go
// (TestChangeTypeInMultiOperationMigrations), op_set_check_test.go
// (TestSetCheckInMultiOperationMigrations), op_set_fk_test.go
// (TestSetForeignKeyInMultiOperationMigrations), op_create_constraint_test.go
// (TestCreateConstraintInMultiOperationMigrations), op_create_index_test.go
// (TestCreateIndexInMultiOperationMigrations) and op_drop_column_test.go
// (TestDropColumnInMultiOperationMigrations).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// 0 when no trigger and no pgphase column of the migration is left on public.`table`
// (pgroll's TableMustBeCleanedUp).
Probe CleanedUp(AppVersion app, const std::string& table) {
  return {app,
          "SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
              "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped) + (SELECT "
              "count(*) FROM pg_trigger WHERE tgrelid = 'public." +
              table + "'::regclass AND NOT tgisinternal)",
          "0"};
}
// "t" when public has no relation `name` (pgroll's TableMustNotExist).
Probe NoTable(AppVersion app, const std::string& name) {
  return {app, "SELECT to_regclass('public." + name + "') IS NULL", "t"};
}
// A view named `view` in the version's own schema (0 without version schemas: it has none).
Probe OwnViewCount(const std::string& view) {
  return New(
      "SELECT count(*) FROM pg_views WHERE schemaname = current_schema() AND schemaname <> "
      "'public' AND viewname = '" +
          view + "'",
      "0");
}
// The type of public.`table`.`column`.
Probe TypeIs(const std::string& table, const std::string& column, const std::string& type) {
  return New(
      "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
      "'public." +
          table + "'::regclass AND attname = '" + column + "'",
      type);
}
// 1 when public.`table` has the index `index`, 0 when not.
Probe IndexCount(AppVersion app, const std::string& table, const std::string& index,
                 const std::string& count) {
  return {app,
          "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename = '" + table +
              "' AND indexname = '" + index + "'",
          count};
}

// Without version schemas the old application writes the constrained column itself from swap
// on: the write pgroll's old version makes, which only the new one rejects, is rejected.
const char* const kOnlyTheNewVersion =
    "the old version writes a value that only the new version's constraint rejects";
const char* const kRenameItems = "  - rename_table: {from: items, to: products}\n";
const char* const kNullableItems = "CREATE TABLE items (id int PRIMARY KEY, name varchar(255));";

}  // namespace

std::vector<PgrollCase> MultiOperationCases() {
  const std::string create_items =
      "operations:\n"
      "  - create_table:\n"
      "      name: items\n"
      "      columns:\n";
  const std::string items_select = "SELECT id, name FROM items ORDER BY id";
  const std::string products_select = "SELECT id, name FROM products ORDER BY id";
  const std::string suppliers =
      "CREATE TABLE items (id int PRIMARY KEY, name varchar(255) NOT NULL, supplier_id int);"
      "CREATE TABLE suppliers (id int PRIMARY KEY, name varchar(255) NOT NULL);";
  const std::string fk_up =
      "      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM suppliers WHERE suppliers.id = "
      "supplier_id) THEN supplier_id ELSE NULL END\n"
      "      down: supplier_id\n";
  return {
      {"CreateTableAddColumn",
       "TestAddColumnInMultiOperationMigrations / create table, add column",
       "",
       "01_multi_operation",
       create_items + "        - {name: id, type: serial, pk: true}\n"
                      "        - {name: name, type: varchar(255)}\n"
                      "  - add_column:\n"
                      "      table: items\n"
                      "      column: {name: description, type: text}\n"
                      "      up: UPPER(name)\n",
       {New("INSERT INTO items (name, description) VALUES ('apples', 'green')"),
        New("SELECT id, name, description FROM items", "1,apples,green")},
       {NoTable(AppVersion::kOld, "items")},
       {New("INSERT INTO items (name, description) VALUES ('bananas', 'yellow')"),
        New("SELECT id, name, description FROM items", "1,bananas,yellow")},
       ""},
      {"RenameTableAddColumn",
       "TestAddColumnInMultiOperationMigrations / rename table, add column",
       "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255) NOT NULL);",
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - add_column:\n"
           "      table: products\n"
           "      column: {name: description, type: text}\n"
           "      up: UPPER(name)\n",
       {New("INSERT INTO products (name, description) VALUES ('apples', 'green')"),
        // pgroll: the new version's INSERT INTO items fails with 42P01. Without version
        // schemas the old name is still the table, so the case checks what both modes share:
        // the new version has no view of that name.
        OwnViewCount("items"), Old(items_select, "1,apples"),
        New("SELECT id, name, description FROM products ORDER BY id", "1,apples,green")},
       {Old("INSERT INTO items (name) VALUES ('bananas')"), CleanedUp(AppVersion::kOld, "items"),
        Old("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.items'::regclass AND "
            "attname = 'description' AND NOT attisdropped",
            "0")},
       {New("INSERT INTO products (name, description) VALUES ('carrots', 'crunchy')"),
        New("SELECT id, name, description FROM products ORDER BY id",
            "1,apples,APPLES; 2,bananas,BANANAS; 3,carrots,crunchy"),
        NoTable(AppVersion::kNew, "items"), CleanedUp(AppVersion::kNew, "products")},
       ""},
      {"CreateTableSetNotNull",
       "TestSetNotNullInMultiOperationMigrations / create table, set not null",
       "",
       "01_multi_operation",
       create_items + "        - {name: id, type: int, pk: true}\n"
                      "        - {name: name, type: varchar(255), nullable: true}\n"
                      "  - alter_column:\n"
                      "      table: items\n"
                      "      column: name\n"
                      "      nullable: false\n"
                      "      up: SELECT CASE WHEN name IS NULL THEN 'unknown' ELSE name END\n"
                      "      down: name\n",
       // pgroll: 23514, its NOT NULL is a NOT VALID check until complete; a table the
       // migration creates gets the NOT NULL itself here.
       {New("INSERT INTO items (id, name) VALUES (1, 'apple')"),
        New("INSERT INTO items (id) VALUES (2)", "ERROR 23502"), New(items_select, "1,apple")},
       {NoTable(AppVersion::kOld, "items")},
       {New("INSERT INTO items (id, name) VALUES (1, 'banana')"), New(items_select, "1,banana")},
       ""},
      BySearchPath(
          {"RenameTableSetNotNull",
           "TestSetNotNullInMultiOperationMigrations / rename table, set not null",
           kNullableItems,
           "02_multi_operation",
           std::string("operations:\n") + kRenameItems +
               "  - alter_column:\n"
               "      table: products\n"
               "      column: name\n"
               "      nullable: false\n"
               "      up: SELECT CASE WHEN name IS NULL THEN 'unknown' ELSE name END\n"
               "      down: name\n",
           {New("INSERT INTO products (id, name) VALUES (1, 'apple')"),
            New("INSERT INTO products (id) VALUES (2)", "ERROR 23502"),
            Old("INSERT INTO items (id) VALUES (2)"), New(products_select, "1,apple; 2,unknown"),
            Old(items_select, "1,apple; 2,NULL")},
           {CleanedUp(AppVersion::kOld, "items")},
           {New("INSERT INTO products (id, name) VALUES (3, 'carrot')"),
            New("INSERT INTO products (id) VALUES (3)", "ERROR 23502"),
            New(products_select, "1,apple; 2,unknown; 3,carrot"),
            CleanedUp(AppVersion::kNew, "products")},
           // With version schemas the new app's INSERT that leaves name out is told from the old
           // app's by the session (writer_by_search_path), as pgroll's triggers tell them apart.
           kOnlyTheNewVersion}),
      {"CreateTableSetUnique",
       "TestSetUniqueInMultiOperationMigrations / create table, set unique",
       "",
       "01_multi_operation",
       create_items + "        - {name: id, type: serial, pk: true}\n"
                      "        - {name: name, type: varchar(255), nullable: true}\n"
                      "  - alter_column:\n"
                      "      table: items\n"
                      "      column: name\n"
                      "      unique: {name: items_name_unique}\n"
                      "      up: name || '-' || floor(random()*100000)::text\n"
                      "      down: name\n",
       {New("INSERT INTO items (name) VALUES ('apple')"),
        New("INSERT INTO items (name) VALUES ('apple')", "ERROR 23505")},
       {NoTable(AppVersion::kOld, "items")},
       {New("INSERT INTO items (name) VALUES ('apple')"),
        New("INSERT INTO items (name) VALUES ('apple')", "ERROR 23505")},
       ""},
      {"RenameTableSetUnique",
       "TestSetUniqueInMultiOperationMigrations / rename table, set unique",
       "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255));",
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - alter_column:\n"
           "      table: products\n"
           "      column: name\n"
           "      unique: {name: products_name_unique}\n"
           "      up: name || '-' || floor(random()*100000)::text\n"
           "      down: name\n",
       {New("INSERT INTO products (name) VALUES ('apple')"),
        New("INSERT INTO products (name) VALUES ('apple')", "ERROR 23505"),
        Old("INSERT INTO items (name) VALUES ('apple')")},
       {CleanedUp(AppVersion::kOld, "items")},
       {New("INSERT INTO products (name) VALUES ('banana')"),
        New("INSERT INTO products (name) VALUES ('banana')", "ERROR 23505"),
        CleanedUp(AppVersion::kNew, "products")},
       kOnlyTheNewVersion},
      {"RenameTableChangeType",
       "TestChangeTypeInMultiOperationMigrations / rename table, change type",
       "CREATE TABLE items (id int PRIMARY KEY, name varchar(3));",
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - alter_column:\n"
           "      table: products\n"
           "      column: name\n"
           "      type: text\n"
           "      up: name\n"
           "      down: CASE WHEN LENGTH(name) > 3 THEN 'xxx' ELSE name END\n",
       {New("INSERT INTO products (id, name) VALUES (1, 'apple')"),
        Old("INSERT INTO items (id, name) VALUES (2, 'abc')"),
        New(products_select, "1,apple; 2,abc"), Old(items_select, "1,xxx; 2,abc")},
       {CleanedUp(AppVersion::kOld, "items")},
       {TypeIs("products", "name", "text"),
        New("INSERT INTO products (id, name) VALUES (3, 'carrot')"),
        New(products_select, "1,xxx; 2,abc; 3,carrot"), CleanedUp(AppVersion::kNew, "products")},
       "the old version reads down's value of what the new one wrote: without version "
       "schemas the column is widened in place at swap, and both read the new app's value"},
      {"RenameTableRenameColumnChangeType",
       "TestChangeTypeInMultiOperationMigrations / rename table, rename column, change type",
       "CREATE TABLE items (id int PRIMARY KEY, name varchar(3));",
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - rename_column: {table: products, from: name, to: item_name}\n"
           "  - alter_column:\n"
           "      table: products\n"
           "      column: item_name\n"
           "      type: text\n"
           "      up: item_name\n"
           "      down: CASE WHEN LENGTH(item_name) > 3 THEN 'xxx' ELSE item_name END\n",
       {New("INSERT INTO products (id, item_name) VALUES (1, 'apple')"),
        Old("INSERT INTO items (id, name) VALUES (2, 'abc')"),
        New("SELECT id, item_name FROM products ORDER BY id", "1,apple; 2,abc"),
        Old(items_select, "1,xxx; 2,abc")},
       {CleanedUp(AppVersion::kOld, "items"),
        Old("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.items'::regclass AND "
            "attname = 'item_name' AND NOT attisdropped",
            "0")},
       {TypeIs("products", "item_name", "text"),
        New("INSERT INTO products (id, item_name) VALUES (3, 'carrot')"),
        New("SELECT id, item_name FROM products ORDER BY id", "1,xxx; 2,abc; 3,carrot"),
        New("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.products'::regclass AND "
            "attname = 'name' AND NOT attisdropped",
            "0"),
        CleanedUp(AppVersion::kNew, "products")},
       ""},
      {"RenameTableSetCheck",
       "TestSetCheckInMultiOperationMigrations / rename table, set check constraint",
       kNullableItems,
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - alter_column:\n"
           "      table: products\n"
           "      column: name\n"
           "      check: {name: check_name_length, constraint: LENGTH(name) > 2}\n"
           "      up: SELECT CASE WHEN length(name) > 2 THEN name ELSE name || '---' END\n"
           "      down: name\n",
       {New("INSERT INTO products (id, name) VALUES (1, 'abc')"),
        New("INSERT INTO products (id, name) VALUES (2, 'x')", "ERROR 23514"),
        Old("INSERT INTO items (id, name) VALUES (3, 'x')"), New(products_select, "1,abc; 3,x---"),
        Old(items_select, "1,abc; 3,x")},
       {CleanedUp(AppVersion::kOld, "items")},
       {New("INSERT INTO products (id, name) VALUES (4, 'def')"),
        New("INSERT INTO products (id, name) VALUES (5, 'x')", "ERROR 23514"),
        New(products_select, "1,abc; 3,x---; 4,def")},
       kOnlyTheNewVersion},
      {"RenameReferencingTableSetFk",
       "TestSetForeignKeyInMultiOperationMigrations / rename referencing table, set fk",
       suppliers,
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - alter_column:\n"
           "      table: products\n"
           "      column: supplier_id\n"
           "      references: {name: fk_products_suppliers, table: suppliers, column: id}\n" +
           fk_up,
       {New("INSERT INTO suppliers (id, name) VALUES (1, 'supplier1')"),
        New("INSERT INTO products (id, name, supplier_id) VALUES (1, 'apples', 1)"),
        New("INSERT INTO products (id, name, supplier_id) VALUES (2, 'bananas', 999)",
            "ERROR 23503"),
        Old("INSERT INTO items (id, name, supplier_id) VALUES (2, 'bananas', 999)"),
        New("SELECT id, name, supplier_id FROM products ORDER BY id", "1,apples,1; 2,bananas,NULL"),
        Old("SELECT id, name, supplier_id FROM items ORDER BY id", "1,apples,1; 2,bananas,999")},
       {CleanedUp(AppVersion::kOld, "items")},
       {New("INSERT INTO products (id, name, supplier_id) VALUES (3, 'carrots', 1)"),
        New("INSERT INTO products (id, name, supplier_id) VALUES (4, 'durian', 999)",
            "ERROR 23503"),
        New("SELECT id, name, supplier_id FROM products ORDER BY id",
            "1,apples,1; 2,bananas,NULL; 3,carrots,1")},
       kOnlyTheNewVersion},
      {"RenameReferencedTableSetFk",
       "TestSetForeignKeyInMultiOperationMigrations / rename referenced table, set fk",
       suppliers,
       "02_multi_operation",
       "operations:\n"
       "  - rename_table: {from: suppliers, to: producers}\n"
       "  - alter_column:\n"
       "      table: items\n"
       "      column: supplier_id\n"
       "      references: {name: fk_items_producers, table: producers, column: id}\n" +
           fk_up,
       {New("INSERT INTO producers (id, name) VALUES (1, 'producer1')"),
        New("INSERT INTO items (id, name, supplier_id) VALUES (1, 'apples', 1)"),
        New("INSERT INTO items (id, name, supplier_id) VALUES (2, 'bananas', 999)", "ERROR 23503"),
        Old("INSERT INTO items (id, name, supplier_id) VALUES (2, 'bananas', 999)"),
        New("SELECT id, name, supplier_id FROM items ORDER BY id", "1,apples,1; 2,bananas,NULL"),
        Old("SELECT id, name, supplier_id FROM items ORDER BY id", "1,apples,1; 2,bananas,999")},
       {CleanedUp(AppVersion::kOld, "items")},
       {New("INSERT INTO items (id, name, supplier_id) VALUES (3, 'carrots', 1)"),
        New("INSERT INTO items (id, name, supplier_id) VALUES (4, 'durian', 999)", "ERROR 23503"),
        New("SELECT id, name, supplier_id FROM items ORDER BY id",
            "1,apples,1; 2,bananas,NULL; 3,carrots,1")},
       kOnlyTheNewVersion},
      {"RenameTableCreateCheckConstraint",
       "TestCreateConstraintInMultiOperationMigrations / rename table, create check constraint",
       kNullableItems,
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - create_constraint:\n"
           "      table: products\n"
           "      name: check_name\n"
           "      type: check\n"
           "      check: length(name) > 3\n"
           "      columns: [name]\n"
           "      up:\n"
           "        name: CASE WHEN length(name) <= 3 THEN name || '-xxx' ELSE name END\n"
           "      down:\n"
           "        name: name\n",
       {New("INSERT INTO products (id, name) VALUES (1, 'apple')"),
        New("INSERT INTO products (id, name) VALUES (2, 'abc')", "ERROR 23514"),
        Old("INSERT INTO items (id, name) VALUES (2, 'abc')"),
        New(products_select, "1,apple; 2,abc-xxx"), Old(items_select, "1,apple; 2,abc")},
       {CleanedUp(AppVersion::kOld, "items")},
       {New("INSERT INTO products (id, name) VALUES (3, 'banana')"),
        New("INSERT INTO products (id, name) VALUES (3, 'abc')", "ERROR 23514"),
        New(products_select, "1,apple; 2,abc-xxx; 3,banana"),
        CleanedUp(AppVersion::kNew, "products")},
       kOnlyTheNewVersion},
      {"RenameTableCreateIndex",
       "TestCreateIndexInMultiOperationMigrations / rename table, create index",
       kNullableItems,
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - create_index: {table: products, name: idx_products_name, columns: [name]}\n",
       {IndexCount(AppVersion::kOld, "items", "idx_products_name", "1")},
       {IndexCount(AppVersion::kOld, "items", "idx_products_name", "0")},
       {IndexCount(AppVersion::kNew, "products", "idx_products_name", "1")},
       ""},
      {"RenameTableDropColumn",
       "TestDropColumnInMultiOperationMigrations / rename table, drop column",
       "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255) NOT NULL, description "
       "varchar(255) NOT NULL);",
       "02_multi_operation",
       std::string("operations:\n") + kRenameItems +
           "  - drop_column: {table: products, column: description, down: \"'foo'\"}\n",
       {New("INSERT INTO products (name) VALUES ('apples')"),
        New("INSERT INTO products (name, description) VALUES ('apples', 'green')", "ERROR 42703"),
        New("INSERT INTO products (name, description) VALUES ('bananas', 'yellow')", "ERROR 42703"),
        // pgroll: the new version's INSERT INTO items fails with 42P01 (see
        // RenameTableAddColumn).
        OwnViewCount("items"),
        Old("SELECT id, name, description FROM items ORDER BY id", "1,apples,foo"),
        New(products_select, "1,apples")},
       {Old("INSERT INTO items (name, description) VALUES ('bananas', 'yellow')"),
        CleanedUp(AppVersion::kOld, "items")},
       {New("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = "
            "'products'",
            "1"),
        New("INSERT INTO products (name) VALUES ('carrots')"),
        New(products_select, "1,apples; 2,bananas; 3,carrots"),
        CleanedUp(AppVersion::kNew, "products")},
       ""},
  };
}

}  // namespace pgphase::it
