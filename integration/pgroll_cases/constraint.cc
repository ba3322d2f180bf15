// pgroll: pkg/migrations/op_create_constraint_test.go (TestCreateConstraint,
// TestCreateConstraintInMultiOperationMigrations, TestCreateConstraintValidation),
// op_drop_constraint_test.go (TestDropConstraint, TestDropConstraintValidation) and
// op_drop_multicolumn_constraint_test.go (TestDropMultiColumnConstraint,
// TestDropMultiColumnConstraintValidation). The create_constraint cases of
// integration/pgroll_constraint_ops_test.cc and pgroll_table_ops_test.cc are not repeated.
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// The number of constraints named `name` of public.`table`.
std::string ConstraintCount(const std::string& table, const std::string& name) {
  return "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public." + table +
         "'::regclass AND conname = '" + name + "'";
}
// What pgphase leaves on public.`table` while a migration runs: columns named _pgphase*, and
// user triggers. "0,0" once cleaned up.
std::string Leftovers(const std::string& table) {
  return "SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped), (SELECT count(*) "
         "FROM pg_trigger WHERE tgrelid = 'public." +
         table + "'::regclass AND NOT tgisinternal)";
}
std::string IndexCount(const std::string& name) {
  return "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname = '" + name +
         "'";
}

// Why a drop_constraint case needs version schemas: the new version must stop enforcing the
// constraint while the old one still does.
const char* const kDroppedAtContract =
    "the new version no longer enforces the constraint while the old one does: without version "
    "schemas it is dropped at contract, so until then both versions are held to it";
const char* const kOldWritesWhatTheNewCheckRejects =
    "the old version writes values the new check rejects, and `up` rewrites them for the new "
    "one: one column cannot hold both";

PgrollCase DroppedAtContract(PgrollCase c) {
  c.needs_version_schemas = kDroppedAtContract;
  return c;
}

const char* const kPostsWithCheck =
    "CREATE TABLE posts (id serial PRIMARY KEY, title text, CONSTRAINT check_title_length "
    "CHECK (length(title) > 3));";
const char* const kPadTitle =
    "(SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') ELSE title END)";

}  // namespace

std::vector<PgrollCase> CreateConstraintCases() {
  const std::string create = "TestCreateConstraint / ";
  const std::string multi = "TestCreateConstraintInMultiOperationMigrations / ";
  const std::string validation = "TestCreateConstraintValidation / ";
  const std::string users =
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL);";
  const std::string items = "CREATE TABLE items (id int PRIMARY KEY, name varchar(255));";
  const std::string rename_items =
      "operations:\n"
      "  - rename_table: {from: items, to: products}\n";
  const std::string items_rows = "SELECT id, name FROM items ORDER BY id";
  const std::string products_rows = "SELECT id, item_name FROM products ORDER BY id";
  return {
      {"CreateCheckConstraintOnSingleColumn",
       create + "create check constraint on single column",
       users,
       "02_create_constraint",
       "operations:\n"
       "  - create_constraint:\n"
       "      name: name_letters\n"
       "      table: users\n"
       "      type: check\n"
       "      check: name ~ '^[a-zA-Z]+$'\n"
       "      columns: [name]\n"
       "      up:\n"
       "        name: regexp_replace(name, '\\d+', '', 'g')\n"
       "      down:\n"
       "        name: name\n",
       {New(ConstraintCount("users", "name_letters"), "1"),
        Old("INSERT INTO users (name) VALUES ('alice11')"),
        New("INSERT INTO users (name) VALUES ('bob')"),
        New("INSERT INTO users (name) VALUES ('bob2')", "ERROR 23514")},
       {Old(Leftovers("users"), "0,0"), Old(ConstraintCount("users", "name_letters"), "0")},
       {New(Leftovers("users"), "0,0"),
        New("INSERT INTO users (name) VALUES ('carol0')", "ERROR 23514"),
        New("SELECT id, name FROM users ORDER BY id", "1,alice; 2,bob")},
       kOldWritesWhatTheNewCheckRejects},
      {"CreateCheckConstraintOnMultipleColumns",
       create + "create check constraint on multiple columns",
       "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, email "
       "varchar(255) NOT NULL);",
       "02_create_constraint",
       "operations:\n"
       "  - create_constraint:\n"
       "      name: check_name_email\n"
       "      table: users\n"
       "      type: check\n"
       "      check: name != email\n"
       "      columns: [name, email]\n"
       "      up:\n"
       "        name: name\n"
       "        email: SELECT CASE WHEN email ~ '@' THEN email ELSE email || '@example.com' END\n"
       "      down:\n"
       "        name: name\n"
       "        email: email\n",
       {New(ConstraintCount("users", "check_name_email"), "1"),
        Old("INSERT INTO users (name, email) VALUES ('alice', 'alice')"),
        New("INSERT INTO users (name, email) VALUES ('bob', 'bob@bob.me')"),
        New("INSERT INTO users (name, email) VALUES ('bob', 'bob')", "ERROR 23514")},
       {Old(Leftovers("users"), "0,0"), Old(ConstraintCount("users", "check_name_email"), "0")},
       {New(Leftovers("users"), "0,0"),
        New("INSERT INTO users (name, email) VALUES ('carol', 'carol')", "ERROR 23514"),
        New("SELECT id, name, email FROM users ORDER BY id",
            "1,alice,alice@example.com; 2,bob,bob@bob.me")},
       kOldWritesWhatTheNewCheckRejects},
      {"CreateUniqueConstraintOnSerialColumn",
       validation + "create unique constraint on serial column",
       "CREATE TABLE users (email text PRIMARY KEY, id serial);",
       "02_create_constraint",
       "operations:\n"
       "  - create_constraint:\n"
       "      name: unique_id\n"
       "      table: users\n"
       "      type: unique\n"
       "      columns: [id]\n"
       "      up: {id: id}\n"
       "      down: {id: id}\n",
       {New(IndexCount("unique_id"), "1")},
       {Old(IndexCount("unique_id"), "0")},
       {New(Leftovers("users"), "0,0"),
        New("INSERT INTO users (email, id) VALUES ('alice@xata.io', 1)"),
        New("INSERT INTO users (email, id) VALUES ('bob@xata.io', 1)", "ERROR 23505")},
       ""},
      {"RenameTableRenameColumnCreateCheckConstraint",
       multi + "rename table, rename column, create check constraint",
       items,
       "02_multi_operation",
       rename_items +
           "  - rename_column: {table: products, from: name, to: item_name}\n"
           "  - create_constraint:\n"
           "      table: products\n"
           "      type: check\n"
           "      name: check_item_name\n"
           "      check: length(item_name) > 3\n"
           "      columns: [item_name]\n"
           "      up:\n"
           "        item_name: CASE WHEN length(item_name) <= 3 THEN item_name || '-xxx' ELSE "
           "item_name END\n"
           "      down:\n"
           "        item_name: item_name\n",
       {New("INSERT INTO products (id, item_name) VALUES (1, 'apple')"),
        New("INSERT INTO products (id, item_name) VALUES (2, 'abc')", "ERROR 23514"),
        Old("INSERT INTO items (id, name) VALUES (2, 'abc')"),
        New(products_rows, "1,apple; 2,abc-xxx"), Old(items_rows, "1,apple; 2,abc")},
       {Old(Leftovers("items"), "0,0")},
       {New("INSERT INTO products (id, item_name) VALUES (3, 'banana')"),
        New("INSERT INTO products (id, item_name) VALUES (3, 'abc')", "ERROR 23514"),
        New(products_rows, "1,apple; 2,abc-xxx; 3,banana"), New(Leftovers("products"), "0,0")},
       ""},
      {"RenameTableRenameColumnCreateUniqueConstraint",
       multi + "rename table, rename column, create unique constraint",
       items,
       "02_multi_operation",
       rename_items + "  - rename_column: {table: products, from: name, to: item_name}\n"
                      "  - create_constraint:\n"
                      "      table: products\n"
                      "      type: unique\n"
                      "      name: unique_item_name\n"
                      "      columns: [item_name]\n"
                      "      up: {item_name: item_name}\n"
                      "      down: {item_name: item_name}\n",
       {New("INSERT INTO products (id, item_name) VALUES (1, 'apple')"),
        New("INSERT INTO products (id, item_name) VALUES (2, 'banana')"),
        New("INSERT INTO products (id, item_name) VALUES (3, 'apple')", "ERROR 23505"),
        New(products_rows, "1,apple; 2,banana"), Old(items_rows, "1,apple; 2,banana")},
       {Old(Leftovers("items"), "0,0")},
       {New("INSERT INTO products (id, item_name) VALUES (3, 'carrot')"),
        New("INSERT INTO products (id, item_name) VALUES (4, 'carrot')", "ERROR 23505"),
        New(products_rows, "1,apple; 2,banana; 3,carrot"), New(Leftovers("products"), "0,0")},
       ""},
      {"RenameTableRenameColumnCreateForeignKeyConstraint",
       multi + "rename table, rename column, create foreign key constraint",
       "CREATE TABLE users (id int PRIMARY KEY, name varchar(255));"
       "CREATE TABLE items (id int PRIMARY KEY, name varchar(255), owner int);",
       "02_multi_operation",
       rename_items +
           "  - rename_column: {table: products, from: owner, to: owner_id}\n"
           "  - create_constraint:\n"
           "      table: products\n"
           "      type: foreign_key\n"
           "      name: fk_item_owner\n"
           "      columns: [owner_id]\n"
           "      references: {table: users, columns: [id]}\n"
           "      up:\n"
           "        owner_id: SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = "
           "owner_id) THEN owner_id ELSE NULL END\n"
           "      down:\n"
           "        owner_id: owner_id\n",
       {New("INSERT INTO users (id, name) VALUES (1, 'alice')"),
        New("INSERT INTO products (id, name, owner_id) VALUES (1, 'apple', 1)"),
        New("INSERT INTO products (id, name, owner_id) VALUES (2, 'banana', 2)", "ERROR 23503"),
        Old("INSERT INTO items (id, name, owner) VALUES (2, 'banana', 2)"),
        New("SELECT id, name, owner_id FROM products ORDER BY id", "1,apple,1; 2,banana,NULL"),
        Old("SELECT id, name, owner FROM items ORDER BY id", "1,apple,1; 2,banana,2")},
       {Old(Leftovers("items"), "0,0")},
       {New("INSERT INTO products (id, name, owner_id) VALUES (3, 'carrot', 1)"),
        New("INSERT INTO products (id, name, owner_id) VALUES (4, 'durian', 2)", "ERROR 23503"),
        New("SELECT id, name, owner_id FROM products ORDER BY id",
            "1,apple,1; 2,banana,NULL; 3,carrot,1"),
        New(Leftovers("products"), "0,0")},
       ""},
      {"CreateTableWithCommentAndDefaultOnColumnAddUniqueConstraint",
       multi + "create table with comment and default on column, add unique constraint",
       "",
       "01_create_table",
       "operations:\n"
       "  - create_table:\n"
       "      name: items\n"
       "      columns:\n"
       "        - {name: id, type: int, pk: true}\n"
       "        - {name: name, type: text, default: \"'Pixel'\", comment: my important comment}\n"
       "  - create_constraint:\n"
       "      table: items\n"
       "      type: unique\n"
       "      name: unique_item_name\n"
       "      columns: [name]\n"
       "      up: {name: name}\n"
       "      down: {name: name}\n",
       {New("SELECT col_description(attrelid, attnum), pg_get_expr(d.adbin, d.adrelid) FROM "
            "pg_attribute JOIN pg_attrdef d ON d.adrelid = attrelid AND d.adnum = attnum WHERE "
            "attrelid = 'public.items'::regclass AND attname = 'name'",
            "my important comment,'Pixel'::text"),
        New("INSERT INTO items (id, name) VALUES (1, 'apple')"),
        New("INSERT INTO items (id, name) VALUES (2, 'banana')"),
        New("INSERT INTO items (id, name) VALUES (3, 'apple')", "ERROR 23505"),
        New("SELECT id, name FROM items ORDER BY id", "1,apple; 2,banana")},
       {},
       {New("SELECT col_description(attrelid, attnum), pg_get_expr(d.adbin, d.adrelid) FROM "
            "pg_attribute JOIN pg_attrdef d ON d.adrelid = attrelid AND d.adnum = attnum WHERE "
            "attrelid = 'public.items'::regclass AND attname = 'name'",
            "my important comment,'Pixel'::text"),
        New("INSERT INTO items (id, name) VALUES (3, 'carrot')"),
        New("INSERT INTO items (id, name) VALUES (4, 'carrot')", "ERROR 23505"),
        New("SELECT id, name FROM items ORDER BY id", "3,carrot")},
       ""},
      Refused("CreateConstraintInvalidName", validation + "invalid constraint name",
              "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, "
              "registered_at_year integer NOT NULL);",
              "02_create_constraint_with_invalid_name",
              "operations:\n"
              "  - create_constraint:\n"
              "      name: " +
                  std::string(64, 'x') +
                  "\n"
                  "      table: users\n"
                  "      columns: [registered_at_year]\n"
                  "      type: unique\n",
              "at most 63"),
      Refused("CreateConstraintMissingMigration",
              validation + "missing migration for constraint creation", users,
              "02_create_constraint_with_missing_migration",
              "operations:\n"
              "  - create_constraint:\n"
              "      name: unique_name\n"
              "      table: users\n"
              "      columns: [name]\n"
              "      type: unique\n"
              "      up: {}\n"
              "      down: {name: name}\n",
              "name"),
      Refused("CreateConstraintCheckExpressionMissing",
              validation + "expression of check constraint is missing", users,
              "02_create_constraint_with_missing_migration",
              "operations:\n"
              "  - create_constraint:\n"
              "      name: check_name\n"
              "      table: users\n"
              "      columns: [name]\n"
              "      type: check\n"
              "      up: {name: name}\n"
              "      down: {name: name}\n",
              "check"),
      Refused("CreateConstraintMissingReferencedTable",
              validation + "missing referenced table for foreign key constraint creation", users,
              "02_create_constraint_with_missing_referenced_table",
              "operations:\n"
              "  - create_constraint:\n"
              "      name: fk_missing_table\n"
              "      table: users\n"
              "      columns: [name]\n"
              "      type: foreign_key\n"
              "      references: {table: missing_table, columns: [id]}\n"
              "      up: {name: name}\n"
              "      down: {name: name}\n",
              "missing_table"),
  };
}

std::vector<PgrollCase> DropConstraintCases() {
  const std::string drop = "TestDropConstraint / ";
  const std::string validation = "TestDropConstraintValidation / ";
  const std::string pad_down = std::string("      down: \"") + kPadTitle + "\"\n";
  const std::string posts_rows = "SELECT id, title FROM posts ORDER BY id";
  // The ones that pass: what the dropped unique constraint leaves on its column stays.
  auto keeps = [&](std::string name, std::string origin, std::string setup, std::string table,
                   std::string constraint, std::string column, std::vector<Probe> start,
                   std::vector<Probe> complete) {
    return PgrollCase{std::move(name),
                      drop + origin,
                      std::move(setup),
                      "02_drop_unique_constraint",
                      "operations:\n"
                      "  - drop_constraint: {table: " +
                          table + ", name: " + constraint + ", up: " + column +
                          ", down: " + column + "}\n",
                      std::move(start),
                      {},
                      std::move(complete),
                      ""};
  };
  const std::string title_comment =
      "SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = "
      "'public.posts'::regclass AND attname = 'title'";
  return {
      DroppedAtContract({"DropCheckConstraintWithDefaultUpSql",
                         drop + "drop check constraint with default up sql",
                         kPostsWithCheck,
                         "03_drop_check_constraint",
                         "operations:\n"
                         "  - drop_constraint:\n"
                         "      table: posts\n"
                         "      name: check_title_length\n" +
                             pad_down,
                         {Old("INSERT INTO posts (title) VALUES ('post by alice')"),
                          Old("INSERT INTO posts (title) VALUES ('b')", "ERROR 23514"),
                          New(posts_rows, "1,post by alice"),
                          New("INSERT INTO posts (title) VALUES ('post by carl')"),
                          New("INSERT INTO posts (title) VALUES ('d')"),
                          Old(posts_rows, "1,post by alice; 3,post by carl; 4,---d")},
                         {Old(Leftovers("posts"), "0,0")},
                         {New("INSERT INTO posts (title) VALUES ('e')"),
                          New(posts_rows, "1,post by alice; 3,post by carl; 4,---d; 5,e"),
                          New(Leftovers("posts"), "0,0")},
                         ""}),
      DroppedAtContract({"DropCheckConstraintWithUserSuppliedUpSql",
                         drop + "drop check constraint with user-supplied up sql",
                         kPostsWithCheck,
                         "03_drop_check_constraint",
                         "operations:\n"
                         "  - drop_constraint:\n"
                         "      table: posts\n"
                         "      name: check_title_length\n"
                         "      up: title || '!'\n" +
                             pad_down,
                         {Old("INSERT INTO posts (title) VALUES ('post by alice')"),
                          New(posts_rows, "1,post by alice!")},
                         {},
                         {},
                         ""}),
      DroppedAtContract(
          {"DropForeignKeyConstraint",
           drop + "drop foreign key constraint",
           "CREATE TABLE users (id serial PRIMARY KEY, name text);"
           "CREATE TABLE posts (id serial PRIMARY KEY, title text, user_id integer CONSTRAINT "
           "fk_users_id REFERENCES users (id));",
           "03_drop_fk_constraint",
           "operations:\n"
           "  - drop_constraint:\n"
           "      table: posts\n"
           "      name: fk_users_id\n"
           "      up: user_id\n"
           "      down: (SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = user_id) "
           "THEN user_id ELSE NULL END)\n",
           {New("INSERT INTO users (name) VALUES ('alice')"),
            New("INSERT INTO users (name) VALUES ('bob')"),
            New("INSERT INTO posts (title, user_id) VALUES ('post by alice', 1)"),
            New("INSERT INTO posts (title, user_id) VALUES ('post by unknown user', 3)"),
            Old("SELECT id, title, user_id FROM posts ORDER BY id",
                "1,post by alice,1; 2,post by unknown user,NULL"),
            Old("INSERT INTO posts (title, user_id) VALUES ('post by bob', 2)"),
            Old("INSERT INTO posts (title, user_id) VALUES ('post by unknown user', 3)",
                "ERROR 23503"),
            New("SELECT id, title, user_id FROM posts ORDER BY id",
                "1,post by alice,1; 2,post by unknown user,3; 3,post by bob,2")},
           {Old(Leftovers("posts"), "0,0")},
           {New("INSERT INTO posts (title, user_id) VALUES ('another post by an unknown user', "
                "4)"),
            New("SELECT id, title, user_id FROM posts ORDER BY id",
                "1,post by alice,1; 2,post by unknown user,NULL; 3,post by bob,2; 5,another post "
                "by an unknown user,4"),
            New(Leftovers("posts"), "0,0")},
           ""}),
      // pgroll names its create_table's unique constraints _pgroll_new_<table>_<column>_key;
      // here they are PostgreSQL's <table>_<column>_key.
      DroppedAtContract(
          {"DropUniqueConstraint",
           drop + "drop unique constraint",
           "CREATE TABLE users (id serial PRIMARY KEY, name text UNIQUE);",
           "02_drop_unique_constraint",
           "operations:\n"
           "  - drop_constraint:\n"
           "      table: users\n"
           "      name: users_name_key\n"
           "      up: name\n"
           "      down: name || '-' || (random()*1000000)::integer\n",
           {Old("INSERT INTO users (name) VALUES ('alice')"),
            Old("INSERT INTO users (name) VALUES ('alice')", "ERROR 23505"),
            New("INSERT INTO users (name) VALUES ('alice')")},
           {Old(Leftovers("users"), "0,0")},
           {New(Leftovers("users"), "0,0"), New("INSERT INTO users (name) VALUES ('alice')")},
           ""}),
      keeps("DropUniqueConstraintPreservesDefault",
            "dropping a unique constraint preserves the column's default value",
            "CREATE TABLE users (id serial PRIMARY KEY, name text UNIQUE DEFAULT 'anonymous');",
            "users", "users_name_key", "name",
            {New("INSERT INTO users (id) VALUES (1)"),
             New("SELECT id, name FROM users ORDER BY id", "1,anonymous")},
            {New("DELETE FROM users WHERE id = 1"), New("INSERT INTO users (id) VALUES (2)"),
             New("SELECT id, name FROM users ORDER BY id", "2,anonymous")}),
      keeps("DropUniqueConstraintPreservesForeignKey",
            "dropping a unique constraint preserves a foreign key constraint on the column",
            "CREATE TABLE departments (id serial PRIMARY KEY, name text NOT NULL);"
            "CREATE TABLE employees (id serial PRIMARY KEY, name text NOT NULL, department_id "
            "integer UNIQUE CONSTRAINT fk_employee_department REFERENCES departments (id));",
            "employees", "employees_department_id_key", "department_id",
            {New("SELECT convalidated FROM pg_constraint WHERE conname = "
                 "'fk_employee_department'",
                 "t")},
            {New("SELECT convalidated FROM pg_constraint WHERE conname = "
                 "'fk_employee_department'",
                 "t")}),
      keeps("DropUniqueConstraintPreservesCheck",
            "dropping a unique constraint preserves a check constraint on the column",
            "CREATE TABLE posts (id serial PRIMARY KEY, title text UNIQUE CONSTRAINT "
            "check_title_length CHECK (length(title) > 3));",
            "posts", "posts_title_key", "title",
            {New("INSERT INTO posts (id, title) VALUES (1, 'a')", "ERROR 23514")},
            {New("INSERT INTO posts (id, title) VALUES (2, 'b')", "ERROR 23514")}),
      {"DropCheckConstraintPreservesUnique",
       drop + "dropping a check constraint preserves a unique constraint on the column",
       "CREATE TABLE posts (id serial PRIMARY KEY, title text CONSTRAINT unique_title UNIQUE "
       "CONSTRAINT check_title_length CHECK (length(title) > 3));",
       "04_drop_check_constraint",
       "operations:\n"
       "  - drop_constraint: {table: posts, name: check_title_length, up: title, down: title}\n",
       {New("INSERT INTO posts (title) VALUES ('post by alice')"),
        New("INSERT INTO posts (title) VALUES ('post by alice')", "ERROR 23505")},
       {},
       {New(ConstraintCount("posts", "unique_title"), "1"),
        New("INSERT INTO posts (title) VALUES ('post by alice')", "ERROR 23505"),
        New("INSERT INTO posts (title) VALUES ('post by bob')")},
       ""},
      keeps("DropUniqueConstraintPreservesNotNull",
            "dropping a unique constraint preserves column not null",
            "CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL UNIQUE);", "posts",
            "posts_title_key", "title", {New("INSERT INTO posts (id) VALUES (1)", "ERROR 23502")},
            {New("INSERT INTO posts (id) VALUES (2)", "ERROR 23502")}),
      // pgroll looks for the comment on its copy of the column; pgphase makes none.
      keeps("DropUniqueConstraintPreservesComment",
            "dropping a unique constraint preserves any comment on the column",
            "CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL UNIQUE);"
            "COMMENT ON COLUMN posts.title IS 'the title of the post';",
            "posts", "posts_title_key", "title", {New(title_comment, "the title of the post")},
            {New(title_comment, "the title of the post")}),
      Refused("DropConstraintTableMustExist", validation + "table must exist", kPostsWithCheck,
              "03_drop_check_constraint",
              "operations:\n"
              "  - drop_constraint:\n"
              "      table: doesntexist\n"
              "      name: check_title_length\n"
              "      up: title\n" +
                  pad_down,
              "doesntexist"),
      Refused("DropConstraintConstraintMustExist", validation + "constraint must exist",
              kPostsWithCheck, "03_drop_check_constraint",
              "operations:\n"
              "  - drop_constraint:\n"
              "      table: posts\n"
              "      name: doesntexist\n"
              "      up: title\n" +
                  pad_down,
              "doesntexist"),
      Refused("DropConstraintNameIsMandatory", validation + "name is mandatory", kPostsWithCheck,
              "03_drop_check_constraint",
              "operations:\n"
              "  - drop_constraint:\n"
              "      table: posts\n"
              "      up: title\n" +
                  pad_down,
              "name"),
  };
}

std::vector<PgrollCase> DropMulticolumnConstraintCases() {
  const std::string drop = "TestDropMultiColumnConstraint / ";
  const std::string validation = "TestDropMultiColumnConstraintValidation / ";
  const std::string pad =
      "\"SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') ELSE title END\"";
  // A validation case: drop_multicolumn_constraint of posts with `fields` (table, name, up,
  // down), refused with `message`.
  auto refused = [&](std::string name, std::string origin, const std::string& fields,
                     std::string message) {
    return Refused(std::move(name), validation + origin, kPostsWithCheck,
                   "03_drop_check_constraint",
                   "operations:\n  - drop_multicolumn_constraint:\n" + fields, std::move(message));
  };
  const std::string products = "SELECT id, name, price, discount FROM products ORDER BY id";
  const std::string described = "SELECT id, name, description FROM products ORDER BY id";
  const std::string reports = "SELECT id, description, user_id, user_zip FROM reports ORDER BY id";
  return {
      DroppedAtContract(
          {"DropMultiColumnCheckConstraint",
           drop + "can drop a multi-column check constraint",
           "CREATE TABLE products (id integer PRIMARY KEY, name text, price integer, discount "
           "integer, CONSTRAINT products_check_price_discount CHECK ((discount = 0) OR (price > "
           "0)));",
           "03_drop_check_constraint",
           "operations:\n"
           "  - drop_multicolumn_constraint:\n"
           "      table: products\n"
           "      name: products_check_price_discount\n"
           "      up: {price: price, discount: discount}\n"
           "      down:\n"
           "        price: SELECT CASE price WHEN 0 THEN 100 ELSE 0 END\n"
           "        discount: discount\n",
           {Old("INSERT INTO products VALUES (1, 'apple', 0, 1)", "ERROR 23514"),
            Old("INSERT INTO products VALUES (1, 'apple', 1, 1)"),
            New("INSERT INTO products VALUES (2, 'banana', 0, 1)"),
            New(products, "1,apple,1,1; 2,banana,0,1"),
            Old(products, "1,apple,1,1; 2,banana,100,1")},
           {Old(Leftovers("products"), "0,0")},
           {New("INSERT INTO products VALUES (3, 'carrot', 0, 1)"),
            New(products, "1,apple,1,1; 2,banana,100,1; 3,carrot,0,1")},
           ""}),
      DroppedAtContract(
          {"DropMultiColumnUniqueConstraint",
           drop + "can drop a multi-column unique constraint",
           "CREATE TABLE products (id integer PRIMARY KEY, name text, description text, "
           "CONSTRAINT products_unique_name_description UNIQUE (name, description));",
           "03_drop_unique_constraint",
           "operations:\n"
           "  - drop_multicolumn_constraint:\n"
           "      table: products\n"
           "      name: products_unique_name_description\n"
           "      up: {name: name, description: description}\n"
           "      down: {name: name || '-foo', description: description}\n",
           {Old("INSERT INTO products VALUES (1, 'apple', 'red')"),
            Old("INSERT INTO products VALUES (2, 'apple', 'red')", "ERROR 23505"),
            New("INSERT INTO products VALUES (2, 'apple', 'red')"),
            New(described, "1,apple,red; 2,apple,red"),
            Old(described, "1,apple,red; 2,apple-foo,red")},
           {Old(Leftovers("products"), "0,0")},
           {New("INSERT INTO products VALUES (3, 'apple', 'red')"),
            New(described, "1,apple,red; 2,apple-foo,red; 3,apple,red")},
           ""}),
      DroppedAtContract(
          {"DropMultiColumnForeignKeyConstraint",
           drop + "can drop a multi-column foreign key constraint",
           "CREATE TABLE users (id serial, name varchar(255) NOT NULL, zip integer, PRIMARY KEY "
           "(id, zip));"
           "CREATE TABLE reports (id integer PRIMARY KEY, description varchar(255) NOT NULL, "
           "user_id integer, user_zip integer, CONSTRAINT fk_users_reports FOREIGN KEY (user_id, "
           "user_zip) REFERENCES users (id, zip));",
           "03_drop_fk_constraint",
           "operations:\n"
           "  - drop_multicolumn_constraint:\n"
           "      table: reports\n"
           "      name: fk_users_reports\n"
           "      up: {user_id: user_id, user_zip: user_zip}\n"
           "      down: {user_id: \"1\", user_zip: user_zip}\n",
           {New("INSERT INTO users (id, name, zip) VALUES (1, 'alice', 12345)"),
            Old("INSERT INTO reports VALUES (1, 'awesome', 1, 12345)"),
            Old("INSERT INTO reports VALUES (2, 'awesome', 2, 12345)", "ERROR 23503"),
            New("INSERT INTO reports VALUES (2, 'better', 2, 12345)"),
            New(reports, "1,awesome,1,12345; 2,better,2,12345"),
            Old(reports, "1,awesome,1,12345; 2,better,1,12345")},
           {Old(Leftovers("reports"), "0,0")},
           {New("INSERT INTO reports VALUES (3, 'consistent', 2, 12345)"),
            New(reports, "1,awesome,1,12345; 2,better,1,12345; 3,consistent,2,12345")},
           ""}),
      refused("DropMultiColumnTableMustExist", "table must exist",
              "      table: doesntexist\n"
              "      name: check_title_length\n"
              "      up: {title: title}\n"
              "      down: {title: " +
                  pad + "}\n",
              "doesntexist"),
      refused("DropMultiColumnConstraintMustExist", "constraint must exist",
              "      table: posts\n"
              "      name: doesntexist\n"
              "      up: {title: title}\n"
              "      down: {title: " +
                  pad + "}\n",
              "doesntexist"),
      refused("DropMultiColumnNameIsMandatory", "name is mandatory",
              "      table: posts\n"
              "      up: {title: title}\n"
              "      down: {title: " +
                  pad + "}\n",
              "name"),
      refused("DropMultiColumnNoDownForOtherColumns",
              "down SQL for columns not covered by the constraint is not allowed",
              "      table: posts\n"
              "      name: check_title_length\n"
              "      down: {title: " +
                  pad + ", not_covered: not_covered}\n",
              "not_covered"),
      refused("DropMultiColumnNoUpForOtherColumns",
              "up SQL for columns not covered by the constraint is not allowed",
              "      table: posts\n"
              "      name: check_title_length\n"
              "      up: {not_covered: not_covered}\n"
              "      down: {title: " +
                  pad + "}\n",
              "not_covered"),
  };
}

}  // namespace pgphase::it
