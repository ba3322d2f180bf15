// pgroll: pkg/migrations/op_rename_column_test.go (TestOpRenameColumn,
// TestRenameColumnInMultiOperationMigrations, TestOpRenameColumnValidation) and
// op_rename_constraint_test.go (TestRenameConstraint).
#include "pgroll_cases.h"

namespace pgphase::it {

std::vector<PgrollCase> RenameColumnCases() {
  const std::string users =
      "CREATE TABLE users (id serial PRIMARY KEY, username varchar(255) NOT NULL);";
  const std::string items = "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255));";
  const std::string origin = "TestOpRenameColumnValidation / ";
  auto rename = [](const std::string& table, const std::string& from, const std::string& to) {
    std::string yaml = "operations:\n  - rename_column: {table: " + table;
    if (!from.empty()) yaml += ", from: " + from;
    if (!to.empty()) yaml += ", to: " + to;
    return yaml + "}\n";
  };
  return {
      {"RenameColumn",
       "TestOpRenameColumn / rename column",
       users,
       "02_rename_column",
       rename("users", "username", "name"),
       {New("INSERT INTO users (name) VALUES ('alice')"),
        Old("INSERT INTO users (username) VALUES ('bob')"),
        New("SELECT id, name FROM users ORDER BY id", "1,alice; 2,bob")},
       {},
       {New("SELECT id, name FROM users ORDER BY id", "1,alice; 2,bob")},
       ""},
      {"RenameSerialColumn",
       "TestOpRenameColumn / rename serial column",
       "CREATE TABLE orders (order_id serial PRIMARY KEY, description varchar(255));",
       "02_rename_serial_column",
       rename("orders", "order_id", "id"),
       {New("INSERT INTO orders (id, description) VALUES (1, 'first order')"),
        Old("INSERT INTO orders (order_id, description) VALUES (2, 'second order')"),
        New("SELECT id, description FROM orders ORDER BY id", "1,first order; 2,second order")},
       {},
       {New("SELECT id, description FROM orders ORDER BY id", "1,first order; 2,second order")},
       "a primary key column is renamed at swap, not through a column pair: one table has one "
       "name for it"},
      {"AddColumnRenameColumn",
       "TestRenameColumnInMultiOperationMigrations / add column, rename column",
       items,
       "02_multi_operation",
       "operations:\n"
       "  - add_column: {table: items, column: {name: description, type: text, nullable: "
       "true}}\n"
       "  - rename_column: {table: items, from: description, to: item_description}\n",
       {New("INSERT INTO items (name, item_description) VALUES ('apples', 'amazing')"),
        New("INSERT INTO items (name, description) VALUES ('bananas', 'brilliant')", "ERROR 42703"),
        New("SELECT id, name, item_description FROM items ORDER BY id", "1,apples,amazing")},
       {Old("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.items'::regclass AND "
            "attnum > 0 AND NOT attisdropped",
            "2")},
       {New("INSERT INTO items (name, item_description) VALUES ('bananas', 'brilliant')"),
        New("SELECT id, name, item_description FROM items ORDER BY id",
            "1,apples,NULL; 2,bananas,brilliant")},
       ""},
      {"RenameTableRenameColumn",
       "TestRenameColumnInMultiOperationMigrations / rename table, rename column",
       items,
       "02_multi_operation",
       "operations:\n"
       "  - rename_table: {from: items, to: products}\n"
       "  - rename_column: {table: products, from: name, to: item_name}\n",
       {Old("INSERT INTO items (name) VALUES ('apples')"),
        New("INSERT INTO products (item_name) VALUES ('bananas')"),
        New("SELECT id, item_name FROM products ORDER BY id", "1,apples; 2,bananas")},
       {Old("INSERT INTO items (name) VALUES ('carrots')")},
       {New("INSERT INTO products (item_name) VALUES ('durian')"),
        New("SELECT id, item_name FROM products ORDER BY id",
            "1,apples; 2,bananas; 3,carrots; 4,durian")},
       ""},
      {"RenameColumnDropColumn",
       "TestRenameColumnInMultiOperationMigrations / rename column, drop column",
       items,
       "02_multi_operation",
       "operations:\n"
       "  - rename_column: {table: items, from: name, to: item_name}\n"
       "  - drop_column: {table: items, column: item_name}\n",
       {New("INSERT INTO items (item_name) VALUES ('apples')", "ERROR 42703"),
        Old("INSERT INTO items (name) VALUES ('apples')")},
       {Old("INSERT INTO items (name) VALUES ('bananas')")},
       {New("INSERT INTO items (item_name) VALUES ('apples')", "ERROR 42703")},
       "the renamed column keeps both names until contract, when drop_column drops it: the new "
       "version cannot be without it while the old has it"},
      {"RenameColumnRenameConstraint",
       "TestRenameConstraint / rename constraint",
       "CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL CONSTRAINT "
       "users_text_length_username CHECK (length(username) <= 2048));",
       "02_rename_constraint",
       "operations:\n"
       "  - alter_column: {table: users, column: username, name: name}\n"
       "  - rename_constraint: {table: users, from: users_text_length_username, to: "
       "users_text_length_name}\n",
       {New("INSERT INTO users (name) VALUES ('alice')"),
        Old("INSERT INTO users (username) VALUES ('bob')"),
        New("SELECT id, name FROM users ORDER BY id", "1,alice; 2,bob")},
       {Old("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND "
            "contype = 'c'",
            "users_text_length_username")},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND "
            "contype = 'c'",
            "users_text_length_name"),
        New("SELECT id, name FROM users ORDER BY id", "1,alice; 2,bob")},
       "a column with a check constraint is renamed at swap, not through a column pair (the "
       "check would stay on the old column): one table has one name for it"},
      Refused("FromFieldMustBeSpecified", origin + "from field must be specified", users,
              "02_rename_column", rename("users", "", "name"), "from"),
      Refused("ToFieldMustBeSpecified", origin + "to field must be specified", users,
              "02_rename_column", rename("users", "username", ""), "to"),
      Refused("TableMustExist", origin + "table must exist", users, "02_rename_column",
              rename("doesntexist", "username", "id"), "doesntexist"),
      Refused("SourceColumnMustExist", origin + "source column must exist", users,
              "02_rename_column", rename("users", "doesntexist", "id"), "doesntexist"),
      Refused("TargetColumnMustNotExist", origin + "target column must not exist", users,
              "02_rename_column", rename("users", "username", "id"), "id"),
  };
}

}  // namespace pgphase::it
