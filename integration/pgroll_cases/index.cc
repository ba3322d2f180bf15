// pgroll: pkg/migrations/op_create_index_test.go (TestCreateIndex,
// TestCreateIndexOnMultipleColumns, TestCreateIndexInMultiOperationMigrations) and
// op_drop_index_test.go (TestDropIndex).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

std::string IndexCount(const std::string& index) {
  return "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname = '" + index +
         "'";
}
std::string QuoteName(const std::string& name) { return "\"" + name + "\""; }
std::string IndexDef(const std::string& index) {
  return "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = '" + index +
         "'";
}

// A create_index case whose checks are pgroll's: the index exists after start, is gone
// after rollback, and exists after complete, with `definition` when it is given.
PgrollCase IndexCase(std::string name, std::string origin, std::string setup, std::string migration,
                     std::string operations, const std::string& index,
                     const std::string& definition) {
  std::vector<Probe> exists = {Old(IndexCount(index), "1")};
  if (!definition.empty()) exists.push_back(Old(IndexDef(index), definition));
  return {std::move(name),
          std::move(origin),
          std::move(setup),
          std::move(migration),
          std::move(operations),
          exists,
          {Old(IndexCount(index), "0")},
          exists,
          ""};
}

// A drop_index case: the index stays until contract, and reverse keeps it.
PgrollCase DropIndexCase(std::string name, std::string origin, const std::string& index) {
  return {std::move(name),
          std::move(origin),
          "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL);"
          "CREATE INDEX " +
              QuoteName(index) + " ON users (name);",
          "03_drop_index",
          "operations:\n  - drop_index: {name: " + index + "}\n",
          {Old(IndexCount(index), "1")},
          {Old(IndexCount(index), "1")},
          {New(IndexCount(index), "0")},
          ""};
}

}  // namespace

std::vector<PgrollCase> IndexCases() {
  const std::string users =
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL);";
  const std::string users_year =
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, "
      "registered_at_year integer NOT NULL);";
  const std::string items = "CREATE TABLE items (id int PRIMARY KEY, name varchar(255));";
  const std::string origin = "TestCreateIndex / ";
  const std::string multi = "TestCreateIndexInMultiOperationMigrations / ";
  return {
      IndexCase("CreateIndex", origin + "create index", users, "02_create_index",
                "operations:\n"
                "  - create_index: {name: idx_users_name, table: users, columns: [name]}\n",
                "idx_users_name", ""),
      IndexCase("MixedCaseName", origin + "create index with a mixed case name", users,
                "02_create_index",
                "operations:\n"
                "  - create_index: {name: idx_USERS_name, table: users, columns: [name]}\n",
                "idx_USERS_name", ""),
      IndexCase("PartialIndex", origin + "create partial index", users_year,
                "02_create_index_for_new_users_after_2019",
                "operations:\n"
                "  - create_index:\n"
                "      name: idx_users_name_after_2019\n"
                "      table: users\n"
                "      columns: [registered_at_year]\n"
                "      predicate: registered_at_year > 2019\n",
                "idx_users_name_after_2019",
                "CREATE INDEX idx_users_name_after_2019 ON public.users USING btree "
                "(registered_at_year) WHERE (registered_at_year > 2019)"),
      IndexCase("DescendingOrder", origin + "create index with descending order", users,
                "02_create_index",
                "operations:\n"
                "  - create_index:\n"
                "      name: idx_users_name\n"
                "      table: users\n"
                "      columns: [{column: name, sort: DESC}]\n",
                "idx_users_name",
                "CREATE INDEX idx_users_name ON public.users USING btree (name DESC)"),
      Refused("InvalidName", origin + "invalid name", users_year,
              "02_create_index_with_invalid_name",
              "operations:\n"
              "  - create_index: {name: " +
                  std::string(64, 'x') + ", table: users, columns: [registered_at_year]}\n",
              "63"),
      IndexCase("HashIndexWithOption", origin + "create hash index with option", users,
                "02_create_hash_index",
                "operations:\n"
                "  - create_index:\n"
                "      name: idx_users_name_hash\n"
                "      table: users\n"
                "      columns: [name]\n"
                "      method: hash\n"
                "      storage_parameters: fillfactor = 70\n",
                "idx_users_name_hash",
                "CREATE INDEX idx_users_name_hash ON public.users USING hash (name) WITH "
                "(fillfactor='70')"),
      IndexCase("OnMultipleColumns",
                "TestCreateIndexOnMultipleColumns / create index on "
                "multiple columns",
                "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, email "
                "varchar(255) NOT NULL);",
                "02_create_index",
                "operations:\n"
                "  - create_index: {name: idx_users_name_email, table: users, columns: [name, "
                "email]}\n",
                "idx_users_name_email",
                "CREATE INDEX idx_users_name_email ON public.users USING btree (name, email)"),
      DropIndexCase("DropIndex", "TestDropIndex / drop index", "idx_users_name"),
      DropIndexCase("DropIndexWithAMixedCaseName",
                    "TestDropIndex / drop index with a mixed case name", "idx_USERS_name"),
      {"RenameTableRenameColumnCreateIndex",
       multi + "rename table, rename column, create index",
       items,
       "02_multi_operation",
       "operations:\n"
       "  - rename_table: {from: items, to: products}\n"
       "  - rename_column: {table: products, from: name, to: item_name}\n"
       "  - create_index: {table: products, columns: [item_name], name: "
       "idx_products_item_name}\n",
       {Old("SELECT tablename FROM pg_indexes WHERE indexname = 'idx_products_item_name'",
            "items")},
       {Old(IndexCount("idx_products_item_name"), "0")},
       {New("SELECT tablename FROM pg_indexes WHERE indexname = 'idx_products_item_name'",
            "products")},
       ""},
      {"OnANewlyCreatedTable",
       multi + "create index on newly created table",
       "",
       "01_add_table",
       "operations:\n"
       "  - create_table:\n"
       "      name: users\n"
       "      columns:\n"
       "        - {name: id, type: serial, pk: true}\n"
       "        - {name: name, type: varchar(255), nullable: false}\n"
       "  - create_index: {name: idx_users_name, table: users, columns: [name]}\n",
       {New(IndexCount("idx_users_name"), "1")},
       {Old(IndexCount("idx_users_name"), "0")},
       {New(IndexCount("idx_users_name"), "1")},
       ""},
  };
}

}  // namespace pgphase::it
