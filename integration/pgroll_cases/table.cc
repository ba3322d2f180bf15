// pgroll: pkg/migrations/op_drop_table_test.go (TestDropTable,
// TestDropTableInMultiOperationMigrations, TestDropTableValidationInMultiOperationMigrations)
// op_rename_table_test.go (TestRenameTable) and op_set_replica_identity_test.go
// (TestSetReplicaIdentity, TestSetReplicaIdentityValidation), and op_raw_sql_test.go
// (TestRawSQL).
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

const char* const kReplicaIdentity =
    "SELECT relreplident FROM pg_class WHERE oid = 'public.users'::regclass";
const char* const kUsers =
    "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL);";

// set_replica_identity to `identity` ({type: ..., index: ...}): `letter` from start on, back
// to the default ('d') after rollback.
PgrollCase ReplicaIdentityCase(std::string name, const std::string& type,
                               const std::string& identity, const std::string& letter) {
  return {std::move(name),
          "TestSetReplicaIdentity / set replica identity to " + type,
          kUsers,
          "02_set_replica_identity",
          "operations:\n  - set_replica_identity: {table: users, identity: " + identity + "}\n",
          {Old(kReplicaIdentity, letter)},
          {Old(kReplicaIdentity, "d")},
          {New(kReplicaIdentity, letter)},
          ""};
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
      {"RenameTable",
       "TestRenameTable / rename table",
       "CREATE TABLE test_table (id serial, name text);",
       "02_rename_table",
       "operations:\n  - rename_table: {from: test_table, to: renamed_table}\n",
       {Old("INSERT INTO test_table (name) VALUES ('foo')"),
        New("INSERT INTO renamed_table (name) VALUES ('bar')"),
        New("SELECT id, name FROM renamed_table ORDER BY id", "1,foo; 2,bar")},
       {Old("SELECT id, name FROM test_table ORDER BY id", "1,foo; 2,bar")},
       {New(TableCount("test_table"), "0"), New(TableCount("renamed_table"), "1"),
        New("INSERT INTO renamed_table (name) VALUES ('baz')"),
        New("SELECT id, name FROM renamed_table ORDER BY id", "1,foo; 2,bar; 3,baz")},
       ""},
      {"RawSql",
       "TestRawSQL / raw SQL",
       "",
       "01_create_table",
       "operations:\n"
       "  - sql:\n"
       "      up: CREATE TABLE test_table (id serial, name text)\n"
       "      down: DROP TABLE test_table\n",
       {New("INSERT INTO test_table (name) VALUES ('foo')")},
       {Old(TableCount("test_table"), "0")},
       {New("INSERT INTO test_table (name) VALUES ('foo')")},
       ""},
      {"RawSqlOnComplete",
       "TestRawSQL / raw SQL with onComplete",
       "",
       "01_create_table",
       "operations:\n"
       "  - sql:\n"
       "      onComplete: true\n"
       "      up: CREATE TABLE test_table (id serial, name text)\n",
       {Old(TableCount("test_table"), "0")},
       {},
       {New(TableCount("test_table"), "1"), New("INSERT INTO test_table (name) VALUES ('foo')")},
       ""},
      {"RawSqlAfterAMigrationWithOnComplete",
       "TestRawSQL / raw SQL after a migration with onComplete",
       "",
       "01_create_table",
       "operations:\n"
       "  - create_table:\n"
       "      name: test_table\n"
       "      columns: [{name: id, type: serial}, {name: name, type: text}]\n"
       "  - sql:\n"
       "      onComplete: true\n"
       "      up: ALTER TABLE test_table ADD COLUMN age int\n",
       {Old(TableCount("test_table"), "1"),
        Old("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.test_table'::regclass "
            "AND attname = 'age'",
            "0")},
       {Old(TableCount("test_table"), "0")},
       {New(TableCount("test_table"), "1"),
        New("INSERT INTO test_table (name, age) VALUES ('foo', 42)")},
       ""},
      {"MigrationOnTopOfRawSql",
       "TestRawSQL / migration on top of raw SQL",
       "CREATE TABLE test_table (id serial, name text);",
       "02_rename_table",
       "operations:\n  - rename_table: {from: test_table, to: test_table_renamed}\n",
       {Old("INSERT INTO test_table (name) VALUES ('foo')"),
        New("INSERT INTO test_table_renamed (name) VALUES ('foo')")},
       {},
       {New("INSERT INTO test_table_renamed (name) VALUES ('foo')")},
       ""},
      ReplicaIdentityCase("ReplicaIdentityFull", "FULL", "{type: full}", "f"),
      ReplicaIdentityCase("ReplicaIdentityNothing", "NOTHING", "{type: nothing}", "n"),
      ReplicaIdentityCase("ReplicaIdentityDefault", "DEFAULT", "{type: default}", "d"),
      // pgroll names its own create_table's key index (_pgroll_new_users_pkey); here the
      // table's key index is PostgreSQL's users_pkey.
      ReplicaIdentityCase("ReplicaIdentityUsingIndex", "USING INDEX",
                          "{type: index, index: users_pkey}", "i"),
      Refused("ReplicaIdentityTableMustExist",
              "TestSetReplicaIdentityValidation / table must exist", kUsers, "02_add_column",
              "operations:\n  - set_replica_identity: {table: doesntexist, identity: {type: "
              "default}}\n",
              "doesntexist"),
      Refused("ReplicaIdentityMustBeValid",
              "TestSetReplicaIdentityValidation / identity must be valid", kUsers, "02_add_column",
              "operations:\n  - set_replica_identity: {table: users, identity: {type: "
              "invalid_identity}}\n",
              "invalid_identity"),
      Refused("ReplicaIdentityIndexNameMustBeValid",
              "TestSetReplicaIdentityValidation / index name must be valid", kUsers,
              "02_add_column",
              "operations:\n  - set_replica_identity: {table: users, identity: {type: index, "
              "index: invalid_index}}\n",
              "invalid_index"),
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
