// pgroll: pkg/migrations/op_add_column_test.go (TestAddColumn, TestAddForeignKeyColumn,
// TestAddColumnWithUpSql, TestAddNotNullColumnWithNoDefault, TestAddColumnValidation).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

const char* const kUserTriggers =
    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.products'::regclass AND NOT "
    "tgisinternal";

PgrollCase ForeignKeyColumn(std::string name, std::string origin, const std::string& column) {
  return {std::move(name),
          std::move(origin),
          "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) UNIQUE);"
          "CREATE TABLE orders (id serial PRIMARY KEY, quantity integer);",
          "02_add_column",
          "operations:\n"
          "  - add_column:\n"
          "      table: orders\n" +
              column,
          {Old("INSERT INTO users (name) VALUES ('alice')"),
           New("INSERT INTO orders (user_id, quantity) VALUES (1, 100)"),
           New("INSERT INTO orders (user_id, quantity) VALUES (2, 200)", "ERROR 23503")},
          {Old("SELECT count(*) FROM pg_constraint WHERE conname = 'fk_users_id'", "0")},
          {New("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = "
               "'public.orders'::regclass AND contype = 'f'",
               "fk_users_id,t"),
           New("INSERT INTO users (name) VALUES ('bob')"),
           New("INSERT INTO orders (user_id, quantity) VALUES (2, 200)"),
           New("INSERT INTO orders (user_id, quantity) VALUES (3, 300)", "ERROR 23503")},
          ""};
}

}  // namespace

std::vector<PgrollCase> AddColumnCases() {
  const std::string users = "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) UNIQUE);";
  const std::string products =
      "CREATE TABLE products (id serial PRIMARY KEY, name varchar(255) UNIQUE);";
  const std::string validation = "TestAddColumnValidation / ";
  return {
      {"AddColumn",
       "TestAddColumn / add column",
       users,
       "02_add_column",
       "operations:\n"
       "  - add_column:\n"
       "      table: users\n"
       "      column: {name: age, type: integer, nullable: false, default: \"0\"}\n",
       {Old("INSERT INTO users (name) VALUES ('Alice')"),
        New("INSERT INTO users (name, age) VALUES ('Bob', 21)"),
        Old("SELECT id, name FROM users ORDER BY id", "1,Alice; 2,Bob"),
        New("SELECT id, name, age FROM users ORDER BY id", "1,Alice,0; 2,Bob,21")},
       {Old("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND "
            "attnum > 0 AND NOT attisdropped",
            "2")},
       {New("INSERT INTO users (name, age) VALUES ('Carl', 31)"),
        New("SELECT id, name, age FROM users ORDER BY id", "1,Alice,0; 2,Bob,0; 3,Carl,31")},
       ""},
      ForeignKeyColumn("AddNullableForeignKeyColumn",
                       "TestAddForeignKeyColumn / add nullable foreign key column",
                       "      column:\n"
                       "        name: user_id\n"
                       "        type: integer\n"
                       "        nullable: true\n"
                       "        references: {name: fk_users_id, table: users, column: id}\n"),
      ForeignKeyColumn("AddNonNullableForeignKeyColumn",
                       "TestAddForeignKeyColumn / add non-nullable foreign key column",
                       "      up: \"1\"\n"
                       "      column:\n"
                       "        name: user_id\n"
                       "        type: integer\n"
                       "        nullable: false\n"
                       "        references: {name: fk_users_id, table: users, column: id}\n"),
      {"AddColumnWithUpSql",
       "TestAddColumnWithUpSql / add column with up sql",
       products,
       "02_add_column",
       "operations:\n"
       "  - add_column:\n"
       "      table: products\n"
       "      up: UPPER(name)\n"
       "      column: {name: description, type: varchar(255), nullable: true}\n",
       {Old("INSERT INTO products (name) VALUES ('apple')"),
        New("INSERT INTO products (name, description) VALUES ('banana', 'a yellow banana')"),
        New("SELECT id, name, description FROM products ORDER BY id",
            "1,apple,APPLE; 2,banana,a yellow banana")},
       {Old(kUserTriggers, "0")},
       {New("SELECT id, name, description FROM products ORDER BY id",
            "1,apple,APPLE; 2,banana,BANANA"),
        New(kUserTriggers, "0")},
       ""},
      // pgroll's refusal of a new-app INSERT that leaves out a NOT NULL column `up` fills:
      // with writer_by_search_path, pgphase's trigger fills only the old app's rows.
      BySearchPath(
          {"AddNotNullColumnWithNoDefault",
           "TestAddNotNullColumnWithNoDefault / add not null column with no default",
           products,
           "02_add_column",
           "operations:\n"
           "  - add_column:\n"
           "      table: products\n"
           "      up: UPPER(name)\n"
           "      column: {name: description, type: varchar(255), nullable: false}\n",
           {Old("INSERT INTO products (name) VALUES ('apple')"),
            New("INSERT INTO products (name) VALUES ('banana')", "ERROR 23502"),
            New("SELECT id, name, description FROM products ORDER BY id", "1,apple,APPLE")},
           {Old("SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.products'::regclass "
                "AND contype = 'c'",
                "0")},
           {New("INSERT INTO products (name) VALUES ('orange')", "ERROR 23502"),
            New("SELECT id, name, description FROM products ORDER BY id", "1,apple,APPLE")},
           "the new app's INSERT that leaves the column out is told from the old app's only by "
           "the session (writer_by_search_path needs version schemas)"}),
      Refused("TableMustExist", validation + "table must exist", users, "02_add_column",
              "operations:\n"
              "  - add_column:\n"
              "      table: doesntexist\n"
              "      column: {name: age, type: integer, nullable: false, default: \"0\"}\n",
              "doesntexist"),
      Refused("ColumnMustNotExist", validation + "column must not exist", users, "02_add_column",
              "operations:\n"
              "  - add_column:\n"
              "      table: users\n"
              "      column: {name: name, type: varchar(255)}\n",
              "name"),
      Refused("UpIsMandatoryForANotNullColumnWithNoDefault",
              validation + "up SQL is mandatory when adding a NOT NULL column with no DEFAULT",
              users, "02_add_column",
              "operations:\n"
              "  - add_column:\n"
              "      table: users\n"
              "      column: {name: age, type: integer, nullable: false}\n",
              "up"),
  };
}

}  // namespace pgphase::it
