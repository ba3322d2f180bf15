// pgroll: pkg/migrations/op_drop_table_test.go (TestDropTable,
// TestDropTableInMultiOperationMigrations, TestDropTableValidationInMultiOperationMigrations).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// Tables of public named `names` (a quoted list's inside: "a', 'b").
std::string TableCount(const std::string& names) {
  return "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname "
         "IN ('" +
         names + "') AND relkind = 'r'";
}
// A view named `view` in the version's own schema (0 without version schemas: it has none).
std::string OwnViewCount(const std::string& view) {
  return "SELECT count(*) FROM pg_views WHERE schemaname = current_schema() AND schemaname <> "
         "'public' AND viewname = '" +
         view + "'";
}

}  // namespace

std::vector<PgrollCase> TableCases() {
  const std::string items = "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255));";
  const std::string create_items =
      "  - create_table:\n"
      "      name: items\n"
      "      columns:\n"
      "        - {name: id, type: serial, pk: true}\n"
      "        - {name: name, type: varchar(255)}\n";
  const std::string validation = "TestDropTableValidationInMultiOperationMigrations / ";
  return {
      {"DropTable",
       "TestDropTable / drop table",
       "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) UNIQUE);",
       "02_drop_table",
       "operations:\n"
       "  - drop_table: {name: users}\n",
       {New(OwnViewCount("users"), "0"), Old(TableCount("users"), "1")},
       {Old(TableCount("users"), "1")},
       {New(TableCount("users"), "0")},
       ""},
      {"CreateTableDropTable",
       "TestDropTableInMultiOperationMigrations / create table, drop table",
       "",
       "01_multi_operation",
       "operations:\n" + create_items + "  - drop_table: {name: items}\n",
       {Old(TableCount("items"), "1"), New(OwnViewCount("items"), "0")},
       {Old(TableCount("items"), "0")},
       {New(TableCount("items"), "0"), New(OwnViewCount("items"), "0")},
       ""},
      {"CreateTableRenameTableDropTable",
       "TestDropTableInMultiOperationMigrations / create table, rename table, drop table",
       "",
       "01_multi_operation",
       "operations:\n" + create_items +
           "  - rename_table: {from: items, to: products}\n"
           "  - drop_table: {name: products}\n",
       {Old(TableCount("items', 'products"), "1"), New(OwnViewCount("items"), "0"),
        New(OwnViewCount("products"), "0")},
       {Old(TableCount("items"), "0")},
       {New(TableCount("items"), "0"), New(TableCount("products"), "0"),
        New(OwnViewCount("items"), "0"), New(OwnViewCount("products"), "0")},
       ""},
      Refused("DropTableDropTable", validation + "drop table, drop table fails to validate", items,
              "02_multi_operation",
              "operations:\n"
              "  - drop_table: {name: items}\n"
              "  - drop_table: {name: items}\n",
              "items"),
      Refused("DropTableRenameTable", validation + "drop table, rename table fails to validate",
              items, "02_multi_operation",
              "operations:\n"
              "  - drop_table: {name: items}\n"
              "  - rename_table: {from: items, to: products}\n",
              "items"),
  };
}

}  // namespace pgphase::it
