// pgroll: pkg/migrations/op_set_fk_test.go (TestSetForeignKey,
// TestSetForeignKeyInMultiOperationMigrations, TestSetForeignKeyValidation),
// op_change_type_test.go (TestChangeColumnType, TestChangeColumnTypeValidation) and
// op_alter_column_test.go (TestAlterColumnMultipleSubOperations, TestAlterColumnValidation).
// The cases of those files already in pgroll_column_ops_test.cc and pgroll_table_ops_test.cc
// (checks through a type change, a primary key column, a table renamed in the migration) are
// not repeated here.
//
// pgroll makes a new NOT NULL a `CHECK (col IS NOT NULL) NOT VALID` at start, so its new
// version's NULL fails with 23514 until complete; pgphase's new column is NOT NULL from
// validate, so the same write fails with 23502 (the comments say where).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// What a migration leaves behind on `table` once it is rolled back or completed: no column
// or trigger of pgphase's.
std::string Leftovers(const std::string& table) {
  return "SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped) + (SELECT count(*) "
         "FROM pg_trigger WHERE tgrelid = 'public." +
         table + "'::regclass AND NOT tgisinternal)";
}

// The foreign keys on posts' user_id column, as "<name>,<on delete>,<on update>,<validated>".
const char* const kPostsForeignKeys =
    "SELECT c.conname, c.confdeltype, c.confupdtype, c.convalidated FROM pg_constraint c JOIN "
    "pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = "
    "'public.posts'::regclass AND c.contype = 'f' AND a.attname = 'user_id' ORDER BY 1";
// The actions of all foreign keys of posts (between start and complete, the columns they are
// on and their names are pgphase's own).
const char* const kPostsForeignKeyActions =
    "SELECT confdeltype, confupdtype FROM pg_constraint WHERE conrelid = 'public.posts'::regclass "
    "AND contype = 'f' ORDER BY 1, 2";

// How many of the table's columns named `column` or `_pgphase_..._<column>` (both columns of a
// pair: the new one is `_pgphase_new_<column>` with version schemas until contract, the old
// one `_pgphase_old_<column>` without them from swap) have the comment `comment`.
std::string CommentCount(const std::string& table, const std::string& column,
                         const std::string& comment) {
  return "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND NOT attisdropped AND (attname = '" + column +
         "' OR attname LIKE '\\_pgphase\\_%\\_" + column +
         "') AND col_description(attrelid, attnum) = '" + comment + "'";
}
// The column's type as the version's schema has it.
std::string ColumnType(const std::string& table, const std::string& column) {
  return "SELECT data_type FROM information_schema.columns WHERE table_schema = "
         "current_schema() AND table_name = '" +
         table + "' AND column_name = '" + column + "'";
}

// pgroll's first migration of the set_fk cases: users, and posts whose user_id is `user_id`.
std::string UsersPosts(const std::string& title, const std::string& user_id) {
  return "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);"
         "CREATE TABLE posts (id serial PRIMARY KEY, title text" +
         title + ", user_id integer" + user_id + ");";
}

// alter_column posts.user_id: references users(id) as `fk_users_id` with `reference_extra`
// (", on_delete: CASCADE"), with pgroll's up and down.
std::string SetFk(const std::string& reference_extra, const std::string& name = "fk_users_id") {
  return "operations:\n"
         "  - alter_column:\n"
         "      table: posts\n"
         "      column: user_id\n"
         "      references: {name: " +
         name + ", table: users, column: id" + reference_extra +
         "}\n"
         "      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = user_id) THEN "
         "user_id ELSE NULL END\n"
         "      down: user_id\n";
}

const char* const kPosts = "SELECT id, title, user_id FROM posts ORDER BY id";

// The new version makes users alice and bob and a post by alice, then runs `then`.
std::vector<Probe> AlicesPostThen(const std::vector<Probe>& then) {
  std::vector<Probe> out = {New("INSERT INTO users (name) VALUES ('alice')"),
                            New("INSERT INTO users (name) VALUES ('bob')"),
                            New("INSERT INTO posts (title, user_id) VALUES ('post by alice', 1)")};
  out.insert(out.end(), then.begin(), then.end());
  return out;
}

// An on_delete case: alice's post, alice deleted, then the posts are `after_delete`; after
// complete the same with bob, and the posts are `after_complete`. `users` are the users made
// first.
PgrollCase OnDeleteCase(std::string name, std::string origin, const std::string& user_id,
                        const std::string& on_delete, const std::vector<std::string>& users,
                        const std::string& after_delete, const std::string& after_complete) {
  std::vector<Probe> after_start;
  for (const std::string& user : users) {
    after_start.push_back(New("INSERT INTO users (name) VALUES ('" + user + "')"));
  }
  after_start.push_back(New("INSERT INTO posts (title, user_id) VALUES ('post by alice', 1)"));
  after_start.push_back(New("DELETE FROM users WHERE name = 'alice'"));
  after_start.push_back(New(kPosts, after_delete));
  return {std::move(name),
          std::move(origin),
          UsersPosts(" NOT NULL", user_id),
          "02_add_fk_constraint",
          SetFk(", on_delete: " + on_delete),
          after_start,
          {},
          {New("INSERT INTO posts (title, user_id) VALUES ('post by bob', 2)"),
           New("DELETE FROM users WHERE name = 'bob'"), New(kPosts, after_complete)},
          ""};
}

// A set_fk validation case on pgroll's users and posts.
PgrollCase RefusedFk(std::string name, const std::string& origin, const std::string& reference,
                     std::string message) {
  return Refused(std::move(name), "TestSetForeignKeyValidation / " + origin,
                 UsersPosts(" NOT NULL", " NOT NULL"), "02_add_fk_constraint",
                 "operations:\n"
                 "  - alter_column:\n"
                 "      table: posts\n"
                 "      column: user_id\n"
                 "      references: " +
                     reference +
                     "\n"
                     "      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = "
                     "user_id) THEN user_id ELSE NULL END\n"
                     "      down: user_id\n",
                 std::move(message));
}

// A set_fk validation case that pgroll accepts: the foreign key's on delete is `letter`.
PgrollCase AcceptedOnDelete(std::string name, const std::string& origin,
                            const std::string& on_delete, const std::string& letter) {
  return {std::move(name),
          "TestSetForeignKeyValidation / " + origin,
          UsersPosts(" NOT NULL", " NOT NULL"),
          "02_add_fk_constraint",
          SetFk(", on_delete: " + on_delete, "fk_users_doesntexist"),
          {New(kPostsForeignKeyActions, letter + ",a")},
          {New(kPostsForeignKeyActions, "")},
          {New(kPostsForeignKeys, "fk_users_doesntexist," + letter + ",a,t")},
          ""};
}

// pgroll's validation cases of a type change without `up` or `down`, which pgphase takes as
// the cast: a review written before and one by each version after start read back as
// integers.
PgrollCase DefaultCastCase(std::string name, std::string origin, std::string operations) {
  const std::string reviews = "SELECT id, rating FROM reviews ORDER BY id";
  return {std::move(name),
          std::move(origin),
          "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text NOT "
          "NULL, rating text NOT NULL);"
          "INSERT INTO reviews (username, product, rating) VALUES ('alice', 'apple', '5');",
          "02_change_type",
          std::move(operations),
          {New("INSERT INTO reviews (username, product, rating) VALUES ('bob', 'banana', 8)"),
           Old(reviews, "1,5; 2,8"), New(reviews, "1,5; 2,8")},
          {Old(reviews, "1,5; 2,8")},
          {New(ColumnType("reviews", "rating"), "integer"), New(reviews, "1,5; 2,8")},
          ""};
}

// items and suppliers of pgroll's multi-operation set_fk cases.
const char* const kItemsSuppliers =
    "CREATE TABLE items (id int PRIMARY KEY, name varchar(255) NOT NULL, supplier_id int);"
    "CREATE TABLE suppliers (id int PRIMARY KEY, name varchar(255) NOT NULL);";

// A multi-operation set_fk case on items and suppliers: the new version's `table`.`column`
// references the supplier `supplier` makes, the old version's items.supplier_id takes an
// unknown supplier that the new version reads as NULL.
PgrollCase SupplierFkCase(std::string name, std::string origin, const std::string& operations,
                          const std::string& table, const std::string& column,
                          const std::string& supplier, std::string needs_version_schemas) {
  const std::string insert = "INSERT INTO " + table + " (id, name, " + column + ") VALUES ";
  const std::string select = "SELECT id, name, " + column + " FROM " + table + " ORDER BY id";
  return {std::move(name),
          std::move(origin),
          kItemsSuppliers,
          "02_multi_operation",
          "operations:\n" + operations,
          {New(supplier), New(insert + "(1, 'apples', 1)"),
           New(insert + "(2, 'bananas', 999)", "ERROR 23503"),
           Old("INSERT INTO items (id, name, supplier_id) VALUES (2, 'bananas', 999)"),
           New(select, "1,apples,1; 2,bananas,NULL"),
           Old("SELECT id, name, supplier_id FROM items ORDER BY id", "1,apples,1; 2,bananas,999")},
          {Old(Leftovers("items"), "0")},
          {New(insert + "(3, 'carrots', 1)"), New(insert + "(4, 'durian', 999)", "ERROR 23503"),
           New(select, "1,apples,1; 2,bananas,NULL; 3,carrots,1")},
          std::move(needs_version_schemas)};
}

}  // namespace

std::vector<PgrollCase> SetForeignKeyCases() {
  const std::string fk = "TestSetForeignKey / ";
  const std::string multi = "TestSetForeignKeyInMultiOperationMigrations / ";
  const std::string nullable_posts = UsersPosts(" NOT NULL", "");
  return {
      {"AddForeignKeyConstraint",
       fk + "add foreign key constraint",
       nullable_posts,
       "02_add_fk_constraint",
       SetFk(""),
       AlicesPostThen(
           {New("INSERT INTO posts (title, user_id) VALUES ('post by unknown user', 3)",
                "ERROR 23503"),
            Old(kPosts, "1,post by alice,1"),
            Old("INSERT INTO posts (title, user_id) VALUES ('post by bob', 2)"),
            Old("INSERT INTO posts (title, user_id) VALUES ('post by unknown user', 3)"),
            New(kPosts, "1,post by alice,1; 3,post by bob,2; 4,post by unknown user,NULL")}),
       {Old(Leftovers("posts"), "0"), Old(kPostsForeignKeys, "")},
       {New(Leftovers("posts"), "0"), New(kPostsForeignKeys, "fk_users_id,a,a,t"),
        New("INSERT INTO posts (title, user_id) VALUES ('another post by alice', 1)"),
        New("INSERT INTO posts (title, user_id) VALUES ('post by unknown user', 3)", "ERROR 23503"),
        New(kPosts,
            "1,post by alice,1; 3,post by bob,2; 4,post by unknown user,NULL; 5,another post by "
            "alice,1")},
       "the old version writes a user_id that only the new version's foreign key refuses"},
      {"OnDeleteNoActionIsTheDefault",
       fk + "on delete NO ACTION is the default behavior when removing referenced rows",
       nullable_posts,
       "02_add_fk_constraint",
       SetFk(""),
       AlicesPostThen({New("DELETE FROM users WHERE name = 'alice'", "ERROR 23503")}),
       {},
       {New("DELETE FROM users WHERE name = 'alice'", "ERROR 23503")},
       ""},
      OnDeleteCase("OnDeleteCascade", fk + "on delete CASCADE allows referenced rows to be removed",
                   "", "CASCADE", {"alice", "bob"}, "", ""),
      OnDeleteCase("OnDeleteSetNull",
                   fk + "on delete SET NULL allows referenced rows to be removed", "", "SET NULL",
                   {"alice", "bob"}, "1,post by alice,NULL",
                   "1,post by alice,NULL; 2,post by bob,NULL"),
      BySearchPath(OnDeleteCase("OnDeleteSetDefault",
                                fk + "on delete SET DEFAULT allows referenced rows to be removed",
                                " DEFAULT 3", "SET DEFAULT", {"alice", "bob", "carl"},
                                "1,post by alice,3", "1,post by alice,3; 2,post by bob,3")),
      {"ColumnDefaultsArePreserved",
       fk + "column defaults are preserved when adding a foreign key constraint",
       UsersPosts(" NOT NULL", " NOT NULL DEFAULT 1"),
       "02_add_fk_constraint",
       SetFk(""),
       {New("INSERT INTO users (name) VALUES ('alice')"),
        New("INSERT INTO posts (title) VALUES ('post by alice')"),
        New(kPosts, "1,post by alice,1")},
       {},
       {New("INSERT INTO posts (title) VALUES ('another post by alice')"),
        New(kPosts, "1,post by alice,1; 2,another post by alice,1")},
       ""},
      {"ExistingForeignKeysArePreserved",
       fk + "existing FK constraints on a column are preserved when adding a foreign key "
            "constraint",
       UsersPosts(" NOT NULL",
                  " NOT NULL DEFAULT 1 CONSTRAINT fk_users_id_1 REFERENCES users (id) ON DELETE "
                  "CASCADE"),
       "03_add_fk_constraint",
       SetFk("", "fk_users_id_2"),
       {New(kPostsForeignKeyActions, "a,a; c,a; c,a")},
       {Old(kPostsForeignKeys, "fk_users_id_1,c,a,t")},
       {New(kPostsForeignKeys, "fk_users_id_1,c,a,t; fk_users_id_2,a,a,t")},
       ""},
      {"CheckConstraintsArePreserved",
       fk + "check constraints on a column are preserved when adding a foreign key constraint",
       UsersPosts(" NOT NULL CONSTRAINT title_length CHECK (length(title) > 3)", " NOT NULL"),
       "02_add_fk_constraint",
       SetFk(""),
       {New("INSERT INTO users (name) VALUES ('alice')"),
        New("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'a')", "ERROR 23514")},
       {},
       {New("INSERT INTO posts (id, user_id, title) VALUES (2, 1, 'b')", "ERROR 23514")},
       ""},
      {"NotNullIsPreserved",
       fk + "not null is preserved when adding a foreign key constraint",
       UsersPosts("", " NOT NULL"),
       "02_add_fk_constraint",
       SetFk(""),
       {New("INSERT INTO posts (id, title) VALUES (1, 'post by alice')", "ERROR 23502")},
       {},
       {New("INSERT INTO posts (id, title) VALUES (1, 'post by alice')", "ERROR 23502")},
       ""},
      {"UniqueConstraintsArePreserved",
       fk + "unique constraints are preserved when adding a foreign key constraint",
       UsersPosts(" NOT NULL", " NOT NULL CONSTRAINT unique_user_id UNIQUE"),
       "03_add_fk_constraint",
       SetFk(""),
       {New("INSERT INTO users (name, id) VALUES ('alice', 1)"),
        New("INSERT INTO posts (title, user_id) VALUES ('post by alice', 1)"),
        New("INSERT INTO posts (title, user_id) VALUES ('post by alice 2', 1)", "ERROR 23505")},
       {},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.posts'::regclass AND "
            "contype = 'u'",
            "unique_user_id"),
        New("INSERT INTO posts (title, user_id) VALUES ('post by alice 3', 1)", "ERROR 23505"),
        New("INSERT INTO users (name, id) VALUES ('bob', 2)"),
        New("INSERT INTO posts (title, user_id) VALUES ('post by bob', 2)")},
       ""},
      {"CommentsArePreserved",
       fk + "comments are preserved when adding a foreign key constraint",
       UsersPosts(" NOT NULL", " NOT NULL") +
           "COMMENT ON COLUMN posts.user_id IS 'the id of the author';",
       "02_add_fk_constraint",
       SetFk(""),
       {New(CommentCount("posts", "user_id", "the id of the author"), "2")},
       {Old(CommentCount("posts", "user_id", "the id of the author"), "1")},
       {New(CommentCount("posts", "user_id", "the id of the author"), "1")},
       ""},
      Refused("ForeignKeyNameMustBeUnique", fk + "validate that foreign key name is unique",
              UsersPosts(" NOT NULL", " CONSTRAINT fk_users_id REFERENCES users (id)"),
              "03_add_fk_constraint_again", SetFk(""), "fk_users_id"),
      SupplierFkCase("RenameReferencingTableRenameReferencingColumnSetFk",
                     multi + "rename referencing table, rename referencing column, set fk",
                     "  - rename_table: {from: items, to: products}\n"
                     "  - rename_column: {table: products, from: supplier_id, to: sup_id}\n"
                     "  - alter_column:\n"
                     "      table: products\n"
                     "      column: sup_id\n"
                     "      references: {name: fk_products_suppliers, table: suppliers, column: "
                     "id}\n"
                     "      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM suppliers WHERE "
                     "suppliers.id = sup_id) THEN sup_id ELSE NULL END\n"
                     "      down: sup_id\n",
                     "products", "sup_id",
                     "INSERT INTO suppliers (id, name) VALUES (1, 'supplier1')", ""),
      SupplierFkCase("RenameReferencedColumnSetFk", multi + "rename referenced column, set fk",
                     "  - rename_column: {table: suppliers, from: id, to: supplier_id}\n"
                     "  - alter_column:\n"
                     "      table: items\n"
                     "      column: supplier_id\n"
                     "      references: {name: fk_items_suppliers, table: suppliers, column: "
                     "supplier_id}\n"
                     "      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM suppliers WHERE "
                     "suppliers.id = supplier_id) THEN supplier_id ELSE NULL END\n"
                     "      down: supplier_id\n",
                     "items", "supplier_id",
                     "INSERT INTO suppliers (supplier_id, name) VALUES (1, 'producer1')",
                     "the old version writes a supplier_id that only the new version's foreign "
                     "key refuses"),
      RefusedFk("ForeignKeyMustHaveAName", "foreign key must have a name",
                "{table: users, column: id}", "name"),
      RefusedFk("ReferencedTableMustExist", "referenced table must exist",
                "{name: fk_doesntexist_id, table: doesntexist, column: id}", "doesntexist"),
      RefusedFk("ReferencedColumnMustExist", "referenced column must exist",
                "{name: fk_users_doesntexist, table: users, column: doesntexist}", "doesntexist"),
      RefusedFk("OnDeleteMustBeValid", "on_delete must be a valid value",
                "{name: fk_users_doesntexist, table: users, column: id, on_delete: invalid}",
                "invalid"),
      AcceptedOnDelete("OnDeleteLowercase", "on_delete can be specified as lowercase", "no action",
                       "a"),
      AcceptedOnDelete("OnDeleteUppercase", "on_delete can be specified as uppercase", "SET NULL",
                       "n"),
  };
}

std::vector<PgrollCase> ChangeTypeCases() {
  const std::string type = "TestChangeColumnType / ";
  const std::string reviews = "SELECT id, username, product, rating FROM reviews ORDER BY id";
  const std::string change_username =
      "operations:\n"
      "  - alter_column: {table: users, column: username, type: varchar(255), up: username, "
      "down: username}\n";
  const std::string change_rating =
      "  - alter_column:\n"
      "      table: reviews\n"
      "      column: rating\n"
      "      type: integer\n";
  return {
      {"ChangeColumnType",
       type + "change column type",
       "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text NOT "
       "NULL, rating text NOT NULL DEFAULT 0);",
       "02_change_type",
       "operations:\n" + change_rating +
           "      up: CAST (rating AS integer)\n"
           "      down: CAST (rating AS text)\n",
       {New(ColumnType("reviews", "rating"), "integer"),
        New("INSERT INTO reviews (username, product, rating) VALUES ('alice', 'apple', '5')"),
        Old(reviews, "1,alice,apple,5"),
        Old("INSERT INTO reviews (username, product, rating) VALUES ('bob', 'banana', '8')"),
        New(reviews, "1,alice,apple,5; 2,bob,banana,8")},
       {Old(Leftovers("reviews"), "0"), Old(ColumnType("reviews", "rating"), "text")},
       {New(Leftovers("reviews"), "0"), New(ColumnType("reviews", "rating"), "integer"),
        New("INSERT INTO reviews (username, product, rating) VALUES ('carl', 'carrot', '3')"),
        New(reviews, "1,alice,apple,5; 2,bob,banana,8; 3,carl,carrot,3")},
       ""},
      // The foreign key goes to the new column when the new type can have it (a plan-time
      // probe asks the server), as pgroll copies it.
      {"PreservesForeignKeys",
       type + "changing column type preserves any foreign key constraints on the column",
       "CREATE TABLE departments (id serial PRIMARY KEY, name text NOT NULL);"
       "CREATE TABLE employees (id serial PRIMARY KEY, name text NOT NULL, department_id "
       "integer NOT NULL CONSTRAINT fk_employee_department REFERENCES departments (id) ON "
       "DELETE CASCADE);",
       "03_change_type",
       "operations:\n"
       "  - alter_column: {table: employees, column: department_id, type: bigint, up: "
       "department_id, down: department_id}\n",
       {New("INSERT INTO departments (name) VALUES ('eng')"),
        New("INSERT INTO employees (name, department_id) VALUES ('alice', 1)"),
        New("INSERT INTO employees (name, department_id) VALUES ('bob', 7)", "ERROR 23503")},
       {Old("INSERT INTO employees (name, department_id) VALUES ('dana', 7)", "ERROR 23503")},
       {New("SELECT conname, confdeltype, convalidated FROM pg_constraint WHERE conrelid = "
            "'public.employees'::regclass AND contype = 'f'",
            "fk_employee_department,c,t"),
        New(ColumnType("employees", "department_id"), "bigint"),
        New("INSERT INTO employees (name, department_id) VALUES ('erin', 7)", "ERROR 23503"),
        New("DELETE FROM departments WHERE id = 1"), New("SELECT count(*) FROM employees", "0")},
       ""},
      BySearchPath(
          {"RemovesIncompatibleDefaults",
           type + "changing column type removes any incompatible defaults on the column",
           "CREATE TABLE users (id integer PRIMARY KEY, age text DEFAULT '0');",
           "02_change_type",
           "operations:\n"
           "  - alter_column: {table: users, column: age, type: integer, up: CAST(age AS integer), "
           "down: CAST(age AS text)}\n",
           {New("INSERT INTO users (id) VALUES (1)"),
            New("SELECT id, age FROM users ORDER BY id", "1,NULL")},
           {},
           {New("INSERT INTO users (id) VALUES (2)"),
            New("SELECT id, age FROM users ORDER BY id", "1,NULL; 2,NULL")},
           ""}),
      {"PreservesCompatibleDefaults",
       type + "changing column type preserves any compatible defaults on the column",
       "CREATE TABLE users (id integer PRIMARY KEY, username text DEFAULT 'alice');",
       "02_change_type",
       change_username,
       {New("INSERT INTO users (id) VALUES (1)"),
        New("SELECT id, username FROM users ORDER BY id", "1,alice")},
       {},
       {New("INSERT INTO users (id) VALUES (2)"),
        New("SELECT id, username FROM users ORDER BY id", "1,alice; 2,alice")},
       ""},
      {"PreservesNotNull",
       type + "changing column type preserves column not null",
       "CREATE TABLE users (id integer PRIMARY KEY, username text NOT NULL);",
       "02_change_type",
       change_username,
       {New("INSERT INTO users (id) VALUES (1)", "ERROR 23502")},
       {},
       {New("INSERT INTO users (id) VALUES (2)", "ERROR 23502")},
       ""},
      {"PreservesUniqueConstraints",
       type + "changing column type preserves any unique constraints on the column",
       "CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL CONSTRAINT "
       "unique_username UNIQUE);",
       "03_change_type",
       change_username,
       {New("INSERT INTO users (username) VALUES ('alice')"),
        New("INSERT INTO users (username) VALUES ('alice')", "ERROR 23505")},
       {},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND "
            "contype = 'u'",
            "unique_username"),
        New("INSERT INTO users (username) VALUES ('alice')", "ERROR 23505"),
        New("INSERT INTO users (username) VALUES ('bob')")},
       ""},
      {"PreservesComments",
       type + "changing column type preserves any comments on the column",
       "CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL);"
       "COMMENT ON COLUMN users.username IS 'the name of the user';",
       "02_change_type",
       change_username,
       {New(CommentCount("users", "username", "the name of the user"), "2")},
       {Old(CommentCount("users", "username", "the name of the user"), "1")},
       {New(CommentCount("users", "username", "the name of the user"), "1")},
       ""},
      {"CaseSensitiveTableName",
       type + "can change the type of a column on a table with a case-sensitive name",
       "CREATE TABLE \"Users\" (id serial PRIMARY KEY, name varchar(255) NOT NULL);",
       "02_change_type",
       "operations:\n"
       "  - alter_column: {table: Users, column: name, type: text, up: name, down: name}\n",
       {New(ColumnType("Users", "name"), "text")},
       {Old(ColumnType("Users", "name"), "character varying")},
       {New(ColumnType("Users", "name"), "text")},
       ""},
      // pgroll refuses a type change without `up` or without `down`; pgphase takes the cast
      // (how-it-works.md, "Differences from pgroll").
      DefaultCastCase("UpSqlDefaultsToACast",
                      "TestChangeColumnTypeValidation / up SQL is mandatory",
                      "operations:\n" + change_rating + "      down: CAST (rating AS text)\n"),
      DefaultCastCase("DownSqlDefaultsToACast",
                      "TestChangeColumnTypeValidation / down SQL is mandatory",
                      "operations:\n" + change_rating + "      up: CAST (rating AS integer)\n"),
  };
}

std::vector<PgrollCase> AlterColumnCases() {
  const std::string multi = "TestAlterColumnMultipleSubOperations / ";
  const std::string validation = "TestAlterColumnValidation / ";
  const std::string events = "CREATE TABLE events (id serial PRIMARY KEY, name varchar(255));";
  const std::string select_events = "SELECT id, name FROM events ORDER BY id";
  const std::string select_people = "SELECT id, name, manages FROM people ORDER BY id";
  const std::string users_posts = UsersPosts(" NOT NULL", " NOT NULL");
  return {
      BySearchPath(
          {"SetNotNullChangeTypeChangeCommentAddCheck",
           multi + "can alter a column: set not null, change type, change comment, and add check "
                   "constraint",
           events,
           "02_alter_column",
           "operations:\n"
           "  - alter_column:\n"
           "      table: events\n"
           "      column: name\n"
           "      up: SELECT CASE WHEN name IS NULL OR LENGTH(name) <= 3 THEN 'placeholder' ELSE "
           "name END\n"
           "      down: name\n"
           "      type: text\n"
           "      comment: the name of the event\n"
           "      nullable: false\n"
           "      check: {name: name_length, constraint: length(name) > 3}\n",
           {// pgroll: 23514 (its NOT NULL is a check until complete).
            New("INSERT INTO events (id) VALUES (1)", "ERROR 23502"),
            New("INSERT INTO events (id, name) VALUES (2, 'apples')"),
            Old(select_events, "2,apples"), Old("INSERT INTO events (id) VALUES (3)"),
            New(select_events, "2,apples; 3,placeholder"),
            Old("INSERT INTO events (id, name) VALUES (4, 'bananas')"),
            New(select_events, "2,apples; 3,placeholder; 4,bananas"),
            New("INSERT INTO events (id, name) VALUES (5, 'x')", "ERROR 23514"),
            Old("INSERT INTO events (id, name) VALUES (5, 'x')"),
            New(select_events, "2,apples; 3,placeholder; 4,bananas; 5,placeholder"),
            New(ColumnType("events", "name"), "text"),
            New(CommentCount("events", "name", "the name of the event"), "1")},
           {Old(Leftovers("events"), "0")},
           {New("INSERT INTO events (id) VALUES (6)", "ERROR 23502"),
            New("INSERT INTO events (id, name) VALUES (6, 'x')", "ERROR 23514"),
            New(ColumnType("events", "name"), "text"),
            New(CommentCount("events", "name", "the name of the event"), "1"),
            New(select_events, "2,apples; 3,placeholder; 4,bananas; 5,placeholder")},
           "the old version writes a NULL and a short name, which only the new version's NOT NULL "
           "and check refuse"}),
      BySearchPath(
          {"SetNotNullAndAddADefault",
           multi + "can alter a column: set not null, and add a default",
           events,
           "02_alter_column",
           "operations:\n"
           "  - alter_column:\n"
           "      table: events\n"
           "      column: name\n"
           "      nullable: false\n"
           "      default: \"'default'\"\n"
           "      up: SELECT CASE WHEN name IS NULL THEN 'rewritten by up SQL' ELSE name END\n",
           {New("INSERT INTO events (id) VALUES (1)"),
            New("UPDATE events SET name = DEFAULT WHERE id = 1"),
            // pgroll: 23514 (its NOT NULL is a check until complete).
            New("INSERT INTO events (id, name) VALUES (100, NULL)", "ERROR 23502"),
            Old("INSERT INTO events (id) VALUES (2)"),
            New(select_events, "1,default; 2,rewritten by up SQL"),
            Old(select_events, "1,default; 2,NULL")},
           {Old("INSERT INTO events (id) VALUES (3)"),
            Old(select_events, "1,default; 2,NULL; 3,NULL")},
           {New("INSERT INTO events (id) VALUES (4)"),
            New("UPDATE events SET name = DEFAULT WHERE id = 4"),
            New("INSERT INTO events (id, name) VALUES (100, NULL)", "ERROR 23502"),
            New(select_events,
                "1,default; 2,rewritten by up SQL; 3,rewritten by up SQL; 4,default")},
           "the old version has no default and writes a NULL, which only the new version's NOT "
           "NULL "
           "refuses"}),
      {"RenameAndAddAUniqueConstraint",
       multi + "can alter a column: rename and add a unique constraint",
       events,
       "02_alter_column",
       "operations:\n"
       "  - alter_column:\n"
       "      table: events\n"
       "      column: name\n"
       "      up: name || '-' || random()*999::int\n"
       "      down: name\n"
       "      unique: {name: events_name_unique}\n",
       {New("INSERT INTO events (id, name) VALUES (1, 'apples')"),
        New("INSERT INTO events (id, name) VALUES (2, 'apples')", "ERROR 23505"),
        Old("INSERT INTO events (id, name) VALUES (2, 'apples')")},
       {},
       {New("INSERT INTO events (id, name) VALUES (2, 'apples')", "ERROR 23505")},
       "the old version writes a duplicate name, which only the new version's unique "
       "constraint refuses"},
      BySearchPath(
          {"AddAForeignKeyAndSetNotNull",
           multi + "can alter a column: add an FK constraint and set not null",
           events +
               "CREATE TABLE people (id serial PRIMARY KEY, name varchar(255), manages integer);",
           "02_alter_column",
           "operations:\n"
           "  - alter_column:\n"
           "      table: people\n"
           "      column: manages\n"
           "      up: SELECT CASE WHEN manages IS NULL THEN 1 ELSE manages END\n"
           "      down: manages\n"
           "      nullable: false\n"
           "      references: {table: events, column: id, name: person_manages_event_fk}\n",
           {New("INSERT INTO events (id, name) VALUES (1, 'event1')"),
            // pgroll: 23514 (its NOT NULL is a check until complete).
            New("INSERT INTO people (id, name) VALUES (1, 'alice')", "ERROR 23502"),
            New("INSERT INTO people (id, name, manages) VALUES (1, 'alice', 2)", "ERROR 23503"),
            New("INSERT INTO people (id, name, manages) VALUES (1, 'alice', 1)"),
            Old("INSERT INTO people (id, name) VALUES (2, 'bob')"),
            New(select_people, "1,alice,1; 2,bob,1")},
           {},
           {New("INSERT INTO people (id, name) VALUES (1, 'carl')", "ERROR 23502"),
            New("INSERT INTO people (id, name, manages) VALUES (3, 'carl', 2)", "ERROR 23503"),
            New("INSERT INTO people (id, name, manages) VALUES (3, 'carl', 1)"),
            New(select_people, "1,alice,1; 2,bob,1; 3,carl,1")},
           "the old version writes a NULL, which only the new version's NOT NULL refuses"}),
      BySearchPath(
          {"AddCheckAndNotNullInTwoOperations",
           multi + "can alter a column multiple times: add check and not null",
           "CREATE TABLE people (id serial PRIMARY KEY, name varchar(255));",
           "02_alter_column",
           "operations:\n"
           "  - alter_column:\n"
           "      table: people\n"
           "      column: name\n"
           "      up: INITCAP(name)\n"
           "      down: name\n"
           "      check: {name: name_capitalized, constraint: \"name ~ '^[A-Z].*'\"}\n"
           "  - alter_column:\n"
           "      table: people\n"
           "      column: name\n"
           "      up: SELECT CASE WHEN name IS NULL THEN 'Jane' ELSE name END\n"
           "      down: name\n"
           "      nullable: false\n",
           {Old("INSERT INTO people (name) VALUES ('alice')"),
            Old("INSERT INTO people (id) VALUES (2)"),
            New("INSERT INTO people (name) VALUES ('bob')", "ERROR 23514"),
            // pgroll: 23514 (its NOT NULL is a check until complete).
            New("INSERT INTO people (id) VALUES (4)", "ERROR 23502"),
            Old("INSERT INTO people (id, name) VALUES (4, 'Carl')"),
            New("SELECT id, name FROM people ORDER BY id", "1,Alice; 2,Jane; 4,Carl")},
           {Old("INSERT INTO people (name) VALUES ('alice')"),
            Old("INSERT INTO people (id) VALUES (100)")},
           {New("INSERT INTO people (name) VALUES ('carl')", "ERROR 23514"),
            New("SELECT id, name FROM people ORDER BY id",
                "1,Alice; 2,Jane; 3,Alice; 4,Carl; 100,Jane")},
           "the old version writes a name in lower case and a NULL, which only the new version's "
           "check and NOT NULL refuse"}),
      Refused("TableMustExist", validation + "table must exist", users_posts, "01_alter_column",
              "operations:\n"
              "  - alter_column: {table: doesntexist, column: title, nullable: false}\n",
              "doesntexist"),
      Refused("ColumnMustExist", validation + "column must exist", users_posts, "01_alter_column",
              "operations:\n"
              "  - alter_column: {table: posts, column: doesntexist, nullable: false}\n",
              "doesntexist"),
      Refused("CantMakeNoChanges", validation + "cant make no changes", users_posts,
              "01_alter_column",
              "operations:\n"
              "  - alter_column: {table: posts, column: title}\n",
              "changes nothing"),
      // pgroll's table is empty; two rows here give the backfill something to walk.
      {"BackfillWithMultiplePrimaryKeys",
       validation + "backfill with multiple primary keys",
       "CREATE TABLE orders (id integer, order_id integer, quantity integer, PRIMARY KEY (id, "
       "order_id));"
       "INSERT INTO orders VALUES (1, 1, NULL), (1, 2, 5);",
       "02_alter_column",
       "operations:\n"
       "  - alter_column: {table: orders, column: quantity, nullable: false, up: \"1\"}\n",
       {New("SELECT id, order_id, quantity FROM orders ORDER BY id, order_id", "1,1,1; 1,2,1")},
       {Old("SELECT id, order_id, quantity FROM orders ORDER BY id, order_id", "1,1,NULL; 1,2,5")},
       {New("SELECT id, order_id, quantity FROM orders ORDER BY id, order_id", "1,1,1; 1,2,1"),
        New("INSERT INTO orders (id, order_id) VALUES (2, 1)", "ERROR 23502")},
       ""},
  };
}

}  // namespace pgphase::it
