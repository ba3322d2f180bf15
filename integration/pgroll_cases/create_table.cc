// pgroll: pkg/migrations/op_create_table_test.go (TestCreateTable, TestCreateTableValidation).
// TestCreateTableColumnDefaultTransformation is left out: it runs pgroll's SQL transformer,
// which pgphase does not have.
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// 1 when public has a table named `name`, else 0.
std::string TableExists(const std::string& name) {
  return "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = "
         "'" +
         name + "' AND relkind = 'r'";
}
// contype of constraint `name` of public.`table`, "" when there is none.
std::string ConstraintType(const std::string& table, const std::string& name) {
  return "SELECT contype FROM pg_constraint WHERE conrelid = 'public." + table +
         "'::regclass AND conname = '" + name + "'";
}
// convalidated and confdeltype of foreign key `name`.
std::string ForeignKey(const std::string& name) {
  return "SELECT convalidated, confdeltype FROM pg_constraint WHERE conname = '" + name +
         "' AND contype = 'f'";
}

const char* const kUsersPkColumns =
    "SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON "
    "a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = "
    "'public.users'::regclass AND i.indisprimary";
const char* const kUsersComments =
    "SELECT obj_description('public.users'::regclass, 'pg_class'), col_description(attrelid, "
    "attnum) FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'name'";

const char* const kUsers =
    "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL UNIQUE);";
// A create_table of `table`: id serial, the primary key, then `columns` (YAML list items, one
// a line) and `rest` (more keys of the operation).
std::string CreateTableOf(const std::string& table, const std::string& columns,
                          const std::string& rest = "") {
  return "operations:\n"
         "  - create_table:\n"
         "      name: " +
         table +
         "\n"
         "      columns:\n"
         "        - {name: id, type: serial, pk: true}\n" +
         columns + rest;
}

// Values a case writes: one the constraint lets through, then one it rejects.
struct Writes {
  std::string ok, rejected;
};

// A users table with one text column `name` (`column`: more of its keys; `constraints`: the
// operation's table constraints), then constraint `constraint` (contype `contype`) enforced
// from start on: what `start` and `complete` write in turn, the rejected one failing with
// `sqlstate`.
PgrollCase ConstraintCase(std::string name, std::string origin, const std::string& column,
                          const std::string& constraints, const std::string& constraint,
                          const std::string& contype, const std::string& sqlstate,
                          const Writes& start, const Writes& complete) {
  auto probes = [&](const Writes& w) {
    return std::vector<Probe>{
        New(ConstraintType("users", constraint), contype),
        New("INSERT INTO users (name) VALUES ('" + w.ok + "')"),
        New("INSERT INTO users (name) VALUES ('" + w.rejected + "')", "ERROR " + sqlstate)};
  };
  return {std::move(name),
          std::move(origin),
          "",
          "01_create_table",
          CreateTableOf("users", "        - {name: name, type: text" + column + "}\n", constraints),
          probes(start),
          {Old(TableExists("users"), "0")},
          probes(complete),
          ""};
}

// A create_table of orders whose user_id has `references` ({name: ..., table: ..., ...}).
std::string CreateOrders(const std::string& references) {
  return "operations:\n"
         "  - create_table:\n"
         "      name: orders\n"
         "      columns:\n"
         "        - {name: id, type: serial, pk: true}\n"
         "        - name: user_id\n"
         "          type: integer\n"
         "          references: " +
         references +
         "\n"
         "        - {name: quantity, type: integer}\n";
}

// orders, created with a foreign key fk_users_id to users (`on_delete`: its ON DELETE, ""
// for the default); `deltype` is its confdeltype. A delete of a referenced user fails, or,
// with `cascade`, deletes the user's orders.
PgrollCase ForeignKeyCase(std::string name, std::string origin, const std::string& on_delete,
                          const std::string& deltype, bool cascade) {
  const std::string fk = ForeignKey("fk_users_id");
  const std::string refused = cascade ? "" : "ERROR 23503";
  std::vector<Probe> start = {
      New(fk, "t," + deltype), Old("INSERT INTO users (name) VALUES ('alice')"),
      New("INSERT INTO orders (user_id, quantity) VALUES (1, 100)"),
      New("INSERT INTO orders (user_id, quantity) VALUES (2, 200)", "ERROR 23503"),
      New("DELETE FROM users WHERE name = 'alice'", refused)};
  std::vector<Probe> complete = {
      New(fk, "t," + deltype), New("INSERT INTO users (name) VALUES ('bob')"),
      New("INSERT INTO orders (user_id, quantity) VALUES (2, 200)"),
      New("INSERT INTO orders (user_id, quantity) VALUES (3, 300)", "ERROR 23503"),
      New("DELETE FROM users WHERE name = 'bob'", refused)};
  if (cascade) {
    start.push_back(New("SELECT count(*) FROM orders", "0"));
    complete.push_back(New("SELECT count(*) FROM orders", "0"));
  }
  return {std::move(name),
          std::move(origin),
          kUsers,
          "02_create_table_with_fk",
          CreateOrders("{name: fk_users_id, table: users, column: id" + on_delete + "}"),
          std::move(start),
          {Old(TableExists("orders"), "0")},
          std::move(complete),
          ""};
}

}  // namespace

std::vector<PgrollCase> CreateTableCases() {
  const std::string create = "TestCreateTable / ";
  const std::string validation = "TestCreateTableValidation / ";
  const std::string too_long(64, 'x');
  return {
      {"CreateTable",
       create + "create table",
       "",
       "01_create_table",
       CreateTableOf("users", "        - {name: name, type: varchar(255), unique: true}\n"),
       {New("INSERT INTO users (name) VALUES ('Alice')"),
        New("SELECT id, name FROM users ORDER BY id", "1,Alice")},
       {Old(TableExists("users"), "0")},
       {New("INSERT INTO users (name) VALUES ('Alice')"),
        New("SELECT id, name FROM users ORDER BY id", "1,Alice")},
       ""},
      {"CreateTableWithCompositeKey",
       create + "create table with composite key",
       "",
       "01_create_table",
       CreateTableOf("users",
                     "        - {name: rand, type: varchar(255), pk: true}\n"
                     "        - {name: name, type: varchar(255), unique: true}\n"),
       {New("INSERT INTO users (rand, name) VALUES ('123', 'Alice')"),
        New("INSERT INTO users (id, rand, name) VALUES (1, '123', 'Malice')", "ERROR 23505"),
        New("SELECT id, rand, name FROM users ORDER BY id", "1,123,Alice")},
       {Old(TableExists("users"), "0")},
       {New(kUsersPkColumns, "id,rand"),
        New("INSERT INTO users (rand, name) VALUES ('123', 'Alice')"),
        New("INSERT INTO users (id, rand, name) VALUES (1, '123', 'Malice')", "ERROR 23505"),
        New("SELECT id, rand, name FROM users ORDER BY id", "1,123,Alice")},
       ""},
      ForeignKeyCase("CreateTableWithForeignKeyOnDeleteNoAction",
                     create + "create table with foreign key with default ON DELETE NO ACTION", "",
                     "a", false),
      ForeignKeyCase("CreateTableWithForeignKeyOnDeleteCascade",
                     create + "create table with foreign key with ON DELETE CASCADE",
                     ", on_delete: CASCADE", "c", true),
      ConstraintCase("CreateTableWithACheckConstraintOnColumn",
                     create + "create table with a check constraint on column",
                     ", check: {name: check_name_length, constraint: length(name) > 3}", "",
                     "check_name_length", "c", "23514", {"alice", "b"}, {"bobby", "c"}),
      ConstraintCase("CreateTableWithATableCheckConstraint",
                     create + "create table with a table check constraint", "",
                     "      constraints:\n"
                     "        - {name: check_name_length, type: check, check: length(name) > 3}\n",
                     "check_name_length", "c", "23514", {"alice", "b"}, {"bobby", "c"}),
      // pgroll has this case twice, word for word.
      {"CreateTableWithColumnAndTableComments",
       create + "create table with column and table comments",
       "",
       "01_create_table",
       CreateTableOf(
           "users",
           "        - {name: name, type: varchar(255), unique: true, comment: the username}\n",
           "      comment: the users table\n"),
       {New(kUsersComments, "the users table,the username")},
       {},
       {New(kUsersComments, "the users table,the username")},
       ""},
      ConstraintCase("CreateTableWithAUniqueTableConstraint",
                     create + "create table with a unique table constraint", "",
                     "      constraints:\n"
                     "        - {name: unique_name, type: unique, columns: [name]}\n",
                     "unique_name", "u", "23505", {"alice", "alice"}, {"bobby", "bobby"}),
      Refused("CreateTableForeignKeyValidity", validation + "foreign key validity", kUsers,
              "02_create_table_with_fk",
              CreateOrders("{name: fk_users_doesntexist, table: users, column: doesntexist}"),
              "doesntexist"),
      Refused("CreateTableInvalidName", validation + "invalid name", "", "01_create_table",
              CreateTableOf(too_long, "        - {name: name, type: varchar(255), unique: true}\n"),
              "at most 63"),
      Refused("CreateTableInvalidColumnName", validation + "invalid column name", "",
              "01_create_table",
              CreateTableOf("table1", "        - {name: " + too_long +
                                          ", type: varchar(255), unique: true}\n"),
              "at most 63"),
      Refused("CreateTableMissingColumnListInUniqueConstraint",
              validation + "missing column list in unique constraint", "", "01_create_table",
              CreateTableOf("table1", "        - {name: name, type: varchar(255), unique: true}\n",
                            "      constraints:\n"
                            "        - {name: unique_name, type: unique}\n"),
              "columns"),
      Refused("CreateTableCheckConstraintIsNotDeferrable",
              validation + "check constraint is not deferrable", "", "01_create_table",
              CreateTableOf("table1", "        - {name: name, type: varchar(255), unique: true}\n",
                            "      constraints:\n"
                            "        - {name: check_name, type: check, check: length(name) > 0, "
                            "deferrable: true}\n"),
              "deferrable"),
  };
}

}  // namespace pgphase::it
