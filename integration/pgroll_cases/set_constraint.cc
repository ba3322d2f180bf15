// pgroll: pkg/migrations/op_set_notnull_test.go (TestSetNotNull,
// TestSetNotNullInMultiOperationMigrations, TestSetNotNullValidation), op_set_unique_test.go
// (TestSetColumnUnique, TestSetUniqueInMultiOperationMigrations) and op_set_check_test.go
// (TestSetCheckConstraint, TestSetCheckInMultiOperationMigrations,
// TestSetCheckConstraintValidation). Their "rename table, set ..." and "create table, set ..."
// cases, and "add check constraint", are in pgroll_table_ops_test.cc and
// pgroll_column_ops_test.cc.
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// The comment on public.<table>.<column>, or NULL, as a probe's query.
std::string ColumnComment(const std::string& table, const std::string& column) {
  return "SELECT coalesce(col_description('public." + table +
         "'::regclass, attnum), 'NULL') FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND attname = '" + column + "'";
}

// The foreign keys of public.employees: name, ON DELETE action and whether validated.
const char* const kEmployeeForeignKeys =
    "SELECT conname, confdeltype, convalidated FROM pg_constraint WHERE conrelid = "
    "'public.employees'::regclass AND contype = 'f' ORDER BY conname";

// departments, and employees whose department_id refers to it ON DELETE `on_delete`.
std::string Employees(const std::string& on_delete) {
  return "CREATE TABLE departments (id serial PRIMARY KEY, name text NOT NULL);"
         "CREATE TABLE employees (id serial PRIMARY KEY, name text NOT NULL, department_id "
         "integer CONSTRAINT fk_employee_department REFERENCES departments (id) ON DELETE " +
         on_delete + ");";
}

// An employee of a department that does not exist is refused.
Probe NoSuchDepartment(const std::string& name) {
  return New("INSERT INTO employees (name, department_id) VALUES ('" + name + "', 7)",
             "ERROR 23503");
}

// pgroll's "retains any comment" cases: the comment of public.<table>.<column> is kept.
PgrollCase CommentKept(std::string name, std::string origin, const std::string& create,
                       const std::string& table, const std::string& column,
                       const std::string& comment, std::string migration, std::string operations) {
  const std::string query = ColumnComment(table, column);
  return {std::move(name),
          std::move(origin),
          create + "COMMENT ON COLUMN " + table + "." + column + " IS '" + comment + "';",
          std::move(migration),
          std::move(operations),
          {New(query, comment)},
          {Old(query, comment)},
          {New(query, comment)},
          ""};
}

// pgroll's "retains the foreign key" cases: employees.department_id keeps its foreign key
// ON DELETE `on_delete` (confdeltype `action`), with the departments `departments` made.
// `deleted`: the employees once the start probes' employee's department `id` is deleted
// ("" for none left).
PgrollCase ForeignKeyKept(std::string name, std::string origin, const std::string& on_delete,
                          const std::string& action, const std::string& departments,
                          const std::string& id, const std::string& deleted, std::string migration,
                          const std::string& change) {
  return {std::move(name),
          std::move(origin),
          Employees(on_delete) + "INSERT INTO departments (name) VALUES " + departments + ";",
          std::move(migration),
          "operations:\n"
          "  - alter_column:\n"
          "      table: employees\n"
          "      column: department_id\n" +
              change,
          {NoSuchDepartment("alice"),
           New("INSERT INTO employees (name, department_id) VALUES ('bob', " + id + ")"),
           New("DELETE FROM departments WHERE id = " + id),
           New("SELECT name, department_id FROM employees", deleted)},
          {},
          {New(kEmployeeForeignKeys, "fk_employee_department," + action + ",t"),
           NoSuchDepartment("carl")},
          ""};
}

const char* const kReviews =
    "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text NOT NULL, "
    "review text);";
const char* const kReviewsNotNull =
    "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text NOT NULL, "
    "review text NOT NULL);";
const char* const kItems = "CREATE TABLE items (id int PRIMARY KEY, name varchar(255));";
const char* const kSerialItems = "CREATE TABLE items (id serial PRIMARY KEY, name varchar(255));";

const char* const kCheckTitleUp =
    "      up: \"SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') ELSE title END\"\n";

// alter_column of posts.title that adds check_title_length.
std::string CheckTitleLength() {
  return std::string(
             "operations:\n"
             "  - alter_column:\n"
             "      table: posts\n"
             "      column: title\n"
             "      check: {name: check_title_length, constraint: length(title) > 3}\n") +
         kCheckTitleUp + "      down: title\n";
}

// alter_column of reviews.username that makes it unique, with `up` and `down` the column.
const char* const kUniqueUsername =
    "operations:\n"
    "  - alter_column:\n"
    "      table: reviews\n"
    "      column: username\n"
    "      unique: {name: reviews_username_unique}\n"
    "      up: username\n"
    "      down: username\n";

}  // namespace

std::vector<PgrollCase> SetNotNullCases() {
  const std::string origin = "TestSetNotNull / ";
  const std::string reviews = "SELECT id, username, product, review FROM reviews ORDER BY id";
  const std::string review_up =
      "      up: \"SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review END\"\n";
  const std::string name_up =
      "operations:\n"
      "  - alter_column:\n"
      "      table: users\n"
      "      column: name\n"
      "      nullable: false\n"
      "      up: \"SELECT CASE WHEN name IS NULL THEN 'anonymous' ELSE name END\"\n";
  return {
      BySearchPath(
          {"WithDefaultDownSql",
           origin + "set not null with default down sql",
           kReviews,
           "02_set_nullable",
           "operations:\n"
           "  - alter_column:\n"
           "      table: reviews\n"
           "      column: review\n"
           "      nullable: false\n" +
               review_up,
           {// pgroll: 23514, from its NOT VALID check; pgphase's new column is NOT NULL.
            New("INSERT INTO reviews (username, product) VALUES ('alice', 'apple')", "ERROR 23502"),
            New("INSERT INTO reviews (username, product, review) VALUES ('alice', 'apple', "
                "'amazing')"),
            Old(reviews, "2,alice,apple,amazing"),
            Old("INSERT INTO reviews (username, product) VALUES ('bob', 'banana')"),
            New(reviews, "2,alice,apple,amazing; 3,bob,banana,banana is good"),
            Old("INSERT INTO reviews (username, product, review) VALUES ('carl', 'carrot', "
                "'crunchy')"),
            New(reviews,
                "2,alice,apple,amazing; 3,bob,banana,banana is good; 4,carl,carrot,crunchy")},
           {Old(reviews, "2,alice,apple,amazing; 3,bob,banana,NULL; 4,carl,carrot,crunchy")},
           {New(reviews,
                "2,alice,apple,amazing; 3,bob,banana,banana is good; 4,carl,carrot,crunchy"),
            New("INSERT INTO reviews (username, product) VALUES ('daisy', 'durian')",
                "ERROR 23502")},
           "the old version inserts a NULL review, which only the new version refuses; the new "
           "app's INSERT that leaves it NULL is told from the old app's only by the session "
           "(writer_by_search_path)"}),
      {"WithUserSuppliedDownSql",
       origin + "set not null with user-supplied down sql",
       kReviews,
       "02_set_nullable",
       "operations:\n"
       "  - alter_column:\n"
       "      table: reviews\n"
       "      column: review\n"
       "      nullable: false\n" +
           review_up + "      down: \"review || ' (from new column)'\"\n",
       {New("INSERT INTO reviews (username, product, review) VALUES ('alice', 'apple', "
            "'amazing')"),
        Old(reviews, "1,alice,apple,amazing (from new column)")},
       {Old(reviews, "1,alice,apple,amazing (from new column)")},
       {New(reviews, "1,alice,apple,amazing (from new column)")},
       "down gives the old version its own value of the column"},
      ForeignKeyKept("RetainsTheForeignKey",
                     origin + "setting a foreign key column to not null retains the foreign key "
                              "constraint",
                     "CASCADE", "c", "('sales')", "1", "", "03_set_not_null",
                     "      nullable: false\n"
                     "      up: \"SELECT CASE WHEN department_id IS NULL THEN 1 ELSE "
                     "department_id END\"\n"
                     "      down: department_id\n"),
      {"RetainsTheDefault",
       origin + "setting a column to not null retains any default defined on the column",
       "CREATE TABLE users (id integer PRIMARY KEY, name text DEFAULT 'anonymous');",
       "02_set_not_null",
       name_up,
       {New("INSERT INTO users (id) VALUES (1)"),
        New("SELECT id, name FROM users ORDER BY id", "1,anonymous")},
       {},
       {New("INSERT INTO users (id) VALUES (2)"),
        New("SELECT id, name FROM users ORDER BY id", "1,anonymous; 2,anonymous")},
       ""},
      {"RetainsTheCheck",
       origin + "setting a column to not null retains any check constraints defined on the column",
       "CREATE TABLE users (id integer PRIMARY KEY, name text CONSTRAINT name_length CHECK "
       "(length(name) > 3));",
       "02_set_not_null",
       name_up,
       {New("INSERT INTO users (id, name) VALUES (1, 'a')", "ERROR 23514")},
       {},
       {New("INSERT INTO users (id, name) VALUES (2, 'b')", "ERROR 23514")},
       ""},
      {"RetainsTheUniqueConstraint",
       origin + "setting a column to not null retains any unique constraints defined on the column",
       "CREATE TABLE users (id serial PRIMARY KEY, name text CONSTRAINT unique_name UNIQUE);",
       "03_set_not_null",
       name_up,
       {New("INSERT INTO users (name) VALUES ('alice')"),
        New("INSERT INTO users (name) VALUES ('alice')", "ERROR 23505")},
       {},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND "
            "contype = 'u'",
            "unique_name"),
        New("INSERT INTO users (name) VALUES ('alice')", "ERROR 23505"),
        New("INSERT INTO users (name) VALUES ('bob')")},
       ""},
      CommentKept("RetainsTheComment",
                  origin + "setting a column to not null retains any comment defined on the column",
                  "CREATE TABLE users (id serial PRIMARY KEY, name text);", "users", "name",
                  "the name of the user", "02_set_not_null", name_up),
      BySearchPath(
          {"RenameTableRenameColumnSetNotNull",
           "TestSetNotNullInMultiOperationMigrations / rename table, rename column, set not null",
           kItems,
           "02_multi_operation",
           "operations:\n"
           "  - rename_table: {from: items, to: products}\n"
           "  - rename_column: {table: products, from: name, to: item_name}\n"
           "  - alter_column:\n"
           "      table: products\n"
           "      column: item_name\n"
           "      nullable: false\n"
           "      up: \"SELECT CASE WHEN item_name IS NULL THEN 'unknown' ELSE item_name END\"\n"
           "      down: item_name\n",
           {New("INSERT INTO products (id, item_name) VALUES (1, 'apple')"),
            New("INSERT INTO products (id) VALUES (2)", "ERROR 23502"),
            Old("INSERT INTO items (id) VALUES (2)"),
            New("SELECT id, item_name FROM products ORDER BY id", "1,apple; 2,unknown")},
           {Old("SELECT id, name FROM items ORDER BY id", "1,apple; 2,NULL")},
           {New("INSERT INTO products (id, item_name) VALUES (3, 'banana')"),
            New("INSERT INTO products (id) VALUES (4)", "ERROR 23502"),
            New("SELECT id, item_name FROM products ORDER BY id", "1,apple; 2,unknown; 3,banana")},
           "the old version inserts a NULL name, which only the new version refuses; the new app's "
           "INSERT that leaves it NULL is told from the old app's only by the session "
           "(writer_by_search_path)"}),
      // pgroll refuses a NOT NULL without `up`; pgphase's `up` defaults to the column, and
      // the precheck refuses the migration when a row has NULL (how-it-works.md, "Differences
      // from pgroll").
      Refused("UpSqlIsMandatoryWhenARowIsNull", "TestSetNotNullValidation / up SQL is mandatory",
              std::string(kReviews) +
                  "INSERT INTO reviews (username, product) VALUES ('alice', 'apple');",
              "02_set_nullable",
              "operations:\n"
              "  - alter_column: {table: reviews, column: review, nullable: false, down: "
              "review}\n",
              "review"),
      Refused("ColumnIsNullable", "TestSetNotNullValidation / column is nullable", kReviewsNotNull,
              "02_set_nullable",
              "operations:\n"
              "  - alter_column:\n"
              "      table: reviews\n"
              "      column: review\n"
              "      nullable: false\n" +
                  review_up + "      down: review\n",
              "is already NOT NULL"),
  };
}

std::vector<PgrollCase> SetUniqueCases() {
  const std::string origin = "TestSetColumnUnique / ";
  const std::string reviews = "SELECT id, username, product, review FROM reviews ORDER BY id";
  const std::string review_unique =
      "operations:\n"
      "  - alter_column:\n"
      "      table: reviews\n"
      "      column: review\n"
      "      unique: {name: reviews_review_unique}\n"
      "      up: \"review || '-' || (random()*1000000)::integer\"\n";
  auto insert = [](const std::string& who, const std::string& what, const std::string& text) {
    return "INSERT INTO reviews (username, product, review) VALUES ('" + who + "', '" + what +
           "', '" + text + "')";
  };
  return {
      {"WithDefaultDownSql",
       origin + "set unique with default down sql",
       kReviewsNotNull,
       "02_set_unique",
       review_unique,
       {Old(insert("alice", "apple", "good")), Old(insert("bob", "banana", "good")),
        New(insert("carl", "carrot", "bad")), New(insert("dana", "durian", "bad"), "ERROR 23505")},
       {Old(reviews, "1,alice,apple,good; 2,bob,banana,good; 3,carl,carrot,bad")},
       {New(insert("earl", "elderberry", "ok")), New(insert("flora", "fig", "ok"), "ERROR 23505")},
       "the old version inserts a duplicate review, which only the new version refuses"},
      {"WithUserSuppliedDownSql",
       origin + "set unique with user supplied down sql",
       kReviewsNotNull,
       "02_set_unique",
       review_unique + "      down: \"review || '!'\"\n",
       {New(insert("carl", "carrot", "bad")), Old(reviews, "1,carl,carrot,bad!")},
       {Old(reviews, "1,carl,carrot,bad!")},
       {},
       "down gives the old version its own value of the column"},
      {"ColumnDefaultsArePreserved",
       origin + "column defaults are preserved when adding a unique constraint",
       "CREATE TABLE reviews (id serial PRIMARY KEY, username text DEFAULT 'anonymous', product "
       "text, review text);",
       "02_set_unique",
       kUniqueUsername,
       {New("INSERT INTO reviews (product, review) VALUES ('apple', 'awesome')"),
        New(reviews, "1,anonymous,apple,awesome")},
       {},
       {New("DELETE FROM reviews WHERE id = 1"),
        New("INSERT INTO reviews (product, review) VALUES ('banana', 'bent')"),
        New(reviews, "2,anonymous,banana,bent")},
       ""},
      ForeignKeyKept("ForeignKeysArePreserved",
                     origin +
                         "foreign keys defined on the column are preserved when adding a unique "
                         "constraint",
                     "SET NULL", "n", "('sales')", "1", "bob,NULL", "03_set_unique",
                     "      unique: {name: employees_department_id_unique}\n"
                     "      up: department_id\n"
                     "      down: department_id\n"),
      {"CheckConstraintsArePreserved",
       origin + "check constraints are preserved when adding a unique constraint",
       "CREATE TABLE reviews (id serial PRIMARY KEY, username text, review text CONSTRAINT "
       "reviews_review_check CHECK (length(review) > 3));",
       "02_set_unique",
       kUniqueUsername,
       {New("INSERT INTO reviews (username, review) VALUES ('alice', 'x')", "ERROR 23514")},
       {},
       {New("INSERT INTO reviews (username, review) VALUES ('bob', 'y')", "ERROR 23514")},
       ""},
      {"NotNullIsPreserved",
       origin + "not null is preserved when adding a unique constraint",
       "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text, "
       "review text);",
       "02_set_unique",
       kUniqueUsername,
       {New("INSERT INTO reviews (product, review) VALUES ('apple', 'awesome')", "ERROR 23502")},
       {},
       {New("INSERT INTO reviews (product, review) VALUES ('apple', 'awesome')", "ERROR 23502")},
       ""},
      CommentKept("CommentsArePreserved",
                  origin + "comments are preserved when adding a unique constraint",
                  "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product "
                  "text, review text);",
                  "reviews", "username", "the name of the user", "02_set_unique", kUniqueUsername),
      Refused("ConstraintNameIsNotTaken",
              origin + "validate that the constraint name is not already taken",
              "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL CONSTRAINT "
              "reviews_username_key UNIQUE);",
              "03_set_unique_again",
              "operations:\n"
              "  - alter_column:\n"
              "      table: reviews\n"
              "      column: username\n"
              "      unique: {name: reviews_username_key}\n",
              "reviews_username_key"),
      {"RenameTableRenameColumnSetUnique",
       "TestSetUniqueInMultiOperationMigrations / rename table, rename column, set unique",
       kSerialItems,
       "02_multi_operation",
       "operations:\n"
       "  - rename_table: {from: items, to: products}\n"
       "  - rename_column: {table: products, from: name, to: item_name}\n"
       "  - alter_column:\n"
       "      table: products\n"
       "      column: item_name\n"
       "      unique: {name: products_name_unique}\n"
       "      up: \"item_name || '-' || floor(random()*100000)::text\"\n"
       "      down: item_name\n",
       {New("INSERT INTO products (item_name) VALUES ('apple')"),
        New("INSERT INTO products (item_name) VALUES ('apple')", "ERROR 23505"),
        Old("INSERT INTO items (name) VALUES ('apple')")},
       {Old("SELECT name FROM items ORDER BY id", "apple; apple")},
       {New("INSERT INTO products (item_name) VALUES ('banana')"),
        New("INSERT INTO products (item_name) VALUES ('banana')", "ERROR 23505")},
       ""},
  };
}

std::vector<PgrollCase> SetCheckCases() {
  const std::string origin = "TestSetCheckConstraint / ";
  const std::string validation = "TestSetCheckConstraintValidation / ";
  const std::string posts = "CREATE TABLE posts (id serial PRIMARY KEY, title text);";
  const std::string alter_title =
      "operations:\n"
      "  - alter_column:\n"
      "      table: posts\n"
      "      column: title\n";
  return {
      {"ColumnDefaultsArePreserved",
       origin + "column defaults are preserved when adding a check constraint",
       "CREATE TABLE posts (id serial PRIMARY KEY, title text DEFAULT 'untitled');",
       "02_add_check_constraint",
       CheckTitleLength(),
       {New("INSERT INTO posts (id) VALUES (1)"),
        New("SELECT id, title FROM posts ORDER BY id", "1,untitled")},
       {},
       {New("INSERT INTO posts (id) VALUES (2)"),
        New("SELECT id, title FROM posts ORDER BY id", "1,untitled; 2,untitled")},
       ""},
      ForeignKeyKept("ForeignKeysArePreserved",
                     origin + "foreign keys are preserved when adding a check constraint",
                     "CASCADE", "c", "('sales'), ('support')", "2", "", "03_add_check_constraint",
                     "      check: {name: check_valid_department_id, constraint: department_id > "
                     "1}\n"
                     "      up: \"SELECT CASE WHEN department_id <= 1 THEN 2 ELSE department_id "
                     "END\"\n"
                     "      down: department_id\n"),
      {"ExistingCheckConstraintsArePreserved",
       origin + "existing check constraints are preserved when adding a check constraint",
       "CREATE TABLE posts (id serial PRIMARY KEY, title text CONSTRAINT check_title_length "
       "CHECK (length(title) > 3), body text);",
       "02_add_check_constraint",
       "operations:\n"
       "  - alter_column:\n"
       "      table: posts\n"
       "      column: body\n"
       "      check: {name: check_body_length, constraint: length(body) > 3}\n"
       "      up: \"SELECT CASE WHEN length(body) <= 3 THEN LPAD(body, 4, '-') ELSE body END\"\n"
       "      down: body\n",
       {New("INSERT INTO posts (id, title, body) VALUES (1, 'a', 'this is the post body')",
            "ERROR 23514")},
       {},
       {New("INSERT INTO posts (id, title, body) VALUES (2, 'b', 'this is another post body')",
            "ERROR 23514")},
       ""},
      {"NotNullIsPreserved",
       origin + "not null is preserved when adding a check constraint",
       "CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);",
       "02_add_check_constraint",
       CheckTitleLength(),
       {New("INSERT INTO posts (id) VALUES (1)", "ERROR 23502")},
       {},
       {New("INSERT INTO posts (id) VALUES (1)", "ERROR 23502")},
       ""},
      {"UniqueConstraintsArePreserved",
       origin + "unique constraints are preserved when adding a check constraint",
       "CREATE TABLE posts (id serial PRIMARY KEY, title text CONSTRAINT unique_title UNIQUE);",
       "03_add_check_constraint",
       CheckTitleLength(),
       {New("INSERT INTO posts (title) VALUES ('post by alice')"),
        New("INSERT INTO posts (title) VALUES ('post by alice')", "ERROR 23505")},
       {},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.posts'::regclass AND "
            "contype = 'u'",
            "unique_title"),
        New("INSERT INTO posts (title) VALUES ('post by alice')", "ERROR 23505"),
        New("INSERT INTO posts (title) VALUES ('post by bob')")},
       ""},
      CommentKept("CommentsArePreserved",
                  origin + "comments are preserved when adding a check constraint", posts, "posts",
                  "title", "the title of the post", "02_add_check_constraint", CheckTitleLength()),
      Refused("CheckConstraintNameIsUnique",
              origin + "validate that check constraint name is unique",
              "CREATE TABLE posts (id serial PRIMARY KEY, title text CONSTRAINT "
              "check_title_length CHECK (length(title) > 3));",
              "03_add_check_constraint_again", CheckTitleLength(), "check_title_length"),
      {"RenameTableRenameColumnSetCheckConstraint",
       "TestSetCheckInMultiOperationMigrations / rename table, rename column set check "
       "constraint",
       kItems,
       "02_multi_operation",
       "operations:\n"
       "  - rename_table: {from: items, to: products}\n"
       "  - rename_column: {table: products, from: name, to: item_name}\n"
       "  - alter_column:\n"
       "      table: products\n"
       "      column: item_name\n"
       "      check: {name: check_name_length, constraint: LENGTH(item_name) > 2}\n"
       "      up: \"SELECT CASE WHEN length(item_name) > 2 THEN item_name ELSE item_name || "
       "'---' END\"\n"
       "      down: item_name\n",
       {New("INSERT INTO products (id, item_name) VALUES (1, 'abc')"),
        New("INSERT INTO products (id, item_name) VALUES (2, 'x')", "ERROR 23514"),
        Old("INSERT INTO items (id, name) VALUES (3, 'x')"),
        New("SELECT id, item_name FROM products ORDER BY id", "1,abc; 3,x---"),
        Old("SELECT id, name FROM items ORDER BY id", "1,abc; 3,x")},
       {Old("SELECT id, name FROM items ORDER BY id", "1,abc; 3,x")},
       {New("INSERT INTO products (id, item_name) VALUES (4, 'def')"),
        New("INSERT INTO products (id, item_name) VALUES (5, 'x')", "ERROR 23514"),
        New("SELECT id, item_name FROM products ORDER BY id", "1,abc; 3,x---; 4,def")},
       ""},
      Refused("NameIsMandatory", validation + "name of the check constraint is mandatory", posts,
              "02_add_check_constraint",
              alter_title + "      check: {constraint: length(title) > 3}\n" + kCheckTitleUp +
                  "      down: title\n",
              "name"),
      // pgroll refuses a check without `up` or without `down`; pgphase's `up` and `down` default
      // to the column (how-it-works.md, "Differences from pgroll").
      {"WithoutUpSql",
       validation + "up SQL is mandatory",
       posts,
       "02_add_check_constraint",
       alter_title + "      check: {name: check_title_length, constraint: length(title) > 3}\n"
                     "      down: title\n",
       {New("INSERT INTO posts (title) VALUES ('post by alice')"),
        New("INSERT INTO posts (title) VALUES ('b')", "ERROR 23514"),
        Old("SELECT id, title FROM posts ORDER BY id", "1,post by alice")},
       {Old("SELECT id, title FROM posts ORDER BY id", "1,post by alice")},
       {New("SELECT id, title FROM posts ORDER BY id", "1,post by alice"),
        New("INSERT INTO posts (title) VALUES ('c')", "ERROR 23514")},
       ""},
      {"WithoutDownSql",
       validation + "down SQL is mandatory",
       posts,
       "02_add_check_constraint",
       alter_title + "      check: {name: check_title_length, constraint: length(title) > 3}\n" +
           kCheckTitleUp,
       {New("INSERT INTO posts (title) VALUES ('post by alice')"),
        Old("SELECT id, title FROM posts ORDER BY id", "1,post by alice")},
       {Old("SELECT id, title FROM posts ORDER BY id", "1,post by alice")},
       {New("SELECT id, title FROM posts ORDER BY id", "1,post by alice")},
       ""},
  };
}

}  // namespace pgphase::it
