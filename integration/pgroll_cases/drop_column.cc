// pgroll: pkg/migrations/op_drop_column_test.go (TestDropColumnWithDownSQL) and
// op_set_comment_test.go (TestSetComment).
#include "pgroll_cases.h"

namespace pgphase::it {

namespace {

// The comment on public.<table>.<column>, or NULL, as a probe's query.
std::string CommentOf(const std::string& table, const std::string& column) {
  return "SELECT coalesce(col_description('public." + table +
         "'::regclass, attnum), 'NULL') FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND attname = '" + column + "'";
}

// How many columns named `column` public.<table> has (0 or 1).
std::string ColumnCount(const std::string& table, const std::string& column) {
  return "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
         "'::regclass AND attname = '" + column + "' AND NOT attisdropped";
}

}  // namespace

std::vector<PgrollCase> DropColumnCases() {
  return {
      {"DropColumn",
       "TestDropColumnWithDownSQL / drop column",
       "CREATE TABLE users (id serial PRIMARY KEY, name varchar(255) NOT NULL, email "
       "varchar(255) NOT NULL);",
       "02_drop_column",
       "operations:\n"
       "  - drop_column: {table: users, column: name, down: UPPER(email)}\n",
       {Old(ColumnCount("users", "name"), "1"),
        New("INSERT INTO users (email) VALUES ('foo@example.com')"),
        Old("SELECT id, name, email FROM users ORDER BY id", "1,FOO@EXAMPLE.COM,foo@example.com")},
       {Old(ColumnCount("users", "name"), "1"),
        Old("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.users'::regclass AND NOT "
            "tgisinternal",
            "0")},
       {Old(ColumnCount("users", "name"), "0"),
        New("INSERT INTO users (email) VALUES ('bar@example.com')"),
        New("SELECT id, email FROM users ORDER BY id", "1,foo@example.com; 2,bar@example.com")},
       ""},
      {"ColumnWithAReservedWordAsItsName",
       "TestDropColumnWithDownSQL / can drop a column with a reserved word as its name",
       "CREATE TABLE users (id serial PRIMARY KEY, \"array\" int[]);",
       "02_drop_column",
       "operations:\n"
       "  - drop_column: {table: users, column: array}\n",
       {},
       {},
       {Old(ColumnCount("users", "array"), "0")},
       ""},
      {"ColumnInATableWithAReservedWordAsItsName",
       "TestDropColumnWithDownSQL / can drop a column in a table with a reserved word as its "
       "name",
       "CREATE TABLE \"array\" (id serial PRIMARY KEY, name text);",
       "02_drop_column",
       "operations:\n"
       "  - drop_column: {table: array, column: name}\n",
       {},
       {},
       {Old(ColumnCount("array", "name"), "0")},
       ""},
  };
}

std::vector<PgrollCase> SetCommentCases() {
  const std::string users =
      "CREATE TABLE users (id serial PRIMARY KEY, name text); COMMENT ON COLUMN users.name IS "
      "'apples';";
  const std::string select = "SELECT id, name FROM users ORDER BY id";
  return {
      {"WithDefaultUpAndDown",
       "TestSetComment / set column comment with default up and down SQL",
       users,
       "02_set_comment",
       "operations:\n"
       "  - alter_column: {table: users, column: name, comment: name of the user}\n",
       {New("INSERT INTO users (name) VALUES ('alice')"),
        Old("INSERT INTO users (name) VALUES ('bob')"), Old(select, "1,alice; 2,bob"),
        New(select, "1,alice; 2,bob")},
       {Old(CommentOf("users", "name"), "apples")},
       {New(CommentOf("users", "name"), "name of the user"), New(select, "1,alice; 2,bob")},
       ""},
      {"WithUserSuppliedUpAndDown",
       "TestSetComment / set column comment with user-supplied up and down SQL",
       users,
       "02_set_comment",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      comment: name of the user\n"
       "      up: \"'rewritten by up SQL'\"\n"
       "      down: \"'rewritten by down SQL'\"\n",
       {New("INSERT INTO users (name) VALUES ('alice')"),
        Old("INSERT INTO users (name) VALUES ('bob')"),
        Old(select, "1,rewritten by down SQL; 2,bob"),
        New(select, "1,alice; 2,rewritten by up SQL")},
       {Old(CommentOf("users", "name"), "apples")},
       {New(CommentOf("users", "name"), "name of the user"),
        New(select, "1,rewritten by up SQL; 2,rewritten by up SQL")},
       "up and down give each version its own value of the one column"},
      {"SetCommentToNull",
       "TestSetComment / set column comment to NULL",
       users,
       "02_set_comment",
       "operations:\n"
       "  - alter_column: {table: users, column: name, comment: null}\n",
       {},
       {Old(CommentOf("users", "name"), "apples")},
       {New(CommentOf("users", "name"), "NULL")},
       ""},
      {"LeavingTheCommentUnspecifiedDoesNotChangeIt",
       "TestSetComment / leaving the comment unspecified does not change the comment",
       users,
       "02_set_comment",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      nullable: true\n"
       "      down: SELECT CASE WHEN name IS NULL THEN 'placeholder' ELSE name END\n",
       {},
       {Old(CommentOf("users", "name"), "apples")},
       {New(CommentOf("users", "name"), "apples")},
       ""},
  };
}

}  // namespace pgphase::it
