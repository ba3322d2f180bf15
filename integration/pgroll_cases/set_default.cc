// pgroll: pkg/migrations/op_set_default_test.go (TestSetDefault) and
// op_drop_not_null_test.go (TestDropNotNull).
#include "pgroll_cases.h"

namespace pgphase::it {

std::vector<PgrollCase> SetDefaultCases() {
  const std::string users = "CREATE TABLE users (id serial PRIMARY KEY, name text);";
  const std::string select = "SELECT id, name FROM users ORDER BY id";
  return {
      {"WithDefaultUpAndDown",
       "TestSetDefault / set column default with default up and down SQL",
       users,
       "02_set_default",
       "operations:\n"
       "  - alter_column: {table: users, column: name, default: \"'unknown user'\"}\n",
       {New("INSERT INTO users (id) VALUES (1)"), Old("INSERT INTO users (id) VALUES (2)"),
        New(select, "1,unknown user; 2,NULL"), Old(select, "1,unknown user; 2,NULL")},
       {Old("INSERT INTO users (id) VALUES (3)"), Old(select, "1,unknown user; 2,NULL; 3,NULL")},
       {New("INSERT INTO users (id) VALUES (4)"),
        New(select, "1,unknown user; 2,NULL; 3,NULL; 4,unknown user")},
       "the old app's insert gets the new default: one table has one default"},
      {"WithUserSuppliedUpAndDown",
       "TestSetDefault / set column default with user-supplied up and down SQL",
       users,
       "02_set_default",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      default: \"'unknown user'\"\n"
       "      up: \"'rewritten by up SQL'\"\n"
       "      down: \"'rewritten by down SQL'\"\n",
       {New("INSERT INTO users (id) VALUES (1)"), Old("INSERT INTO users (id) VALUES (2)"),
        New(select, "1,unknown user; 2,rewritten by up SQL"),
        Old(select, "1,rewritten by down SQL; 2,NULL")},
       {Old("INSERT INTO users (id) VALUES (3)"),
        Old(select, "1,rewritten by down SQL; 2,NULL; 3,NULL")},
       {New("INSERT INTO users (id) VALUES (4)"),
        New(select,
            "1,rewritten by up SQL; 2,rewritten by up SQL; 3,rewritten by up SQL; "
            "4,unknown user")},
       "up and down give each version its own value of the one column"},
      {"RemoveTheDefault",
       "TestSetDefault / set column default: remove the default",
       "CREATE TABLE users (id serial PRIMARY KEY, name text DEFAULT 'unknown user');",
       "02_set_default",
       "operations:\n"
       "  - alter_column: {table: users, column: name, default: \"NULL\"}\n",
       {New("INSERT INTO users (id) VALUES (1)"), Old("INSERT INTO users (id) VALUES (2)"),
        New(select, "1,NULL; 2,unknown user"), Old(select, "1,NULL; 2,unknown user")},
       {Old("INSERT INTO users (id) VALUES (3)"),
        Old(select, "1,NULL; 2,unknown user; 3,unknown user")},
       {New("INSERT INTO users (id) VALUES (4)"),
        New(select, "1,NULL; 2,unknown user; 3,unknown user; 4,NULL")},
       "the old app's insert loses its default: one table has one default"},
  };
}

std::vector<PgrollCase> DropNotNullCases() {
  const std::string reviews =
      "CREATE TABLE reviews (id serial PRIMARY KEY, username text NOT NULL, product text NOT "
      "NULL, review text NOT NULL);";
  const std::string select = "SELECT id, username, product, review FROM reviews ORDER BY id";
  const std::string down =
      "      down: \"(SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review "
      "END)\"\n";
  const std::string users_down =
      "      up: name\n"
      "      down: \"(SELECT CASE WHEN name IS NULL THEN 'anonymous' ELSE name END)\"\n";
  return {
      BySearchPath(
          {"WithDefaultUpSql",
           "TestDropNotNull / remove not null with default up sql",
           reviews,
           "02_set_nullable",
           "operations:\n"
           "  - alter_column:\n"
           "      table: reviews\n"
           "      column: review\n"
           "      nullable: true\n" +
               down,
           {New("INSERT INTO reviews (username, product) VALUES ('alice', 'apple')"),
            New("INSERT INTO reviews (username, product, review) VALUES ('bob', 'banana', "
                "'brilliant')"),
            Old(select, "1,alice,apple,apple is good; 2,bob,banana,brilliant"),
            // pgroll: ERROR 23502, the old column keeps NOT NULL. pgphase drops it while the
            // pair lives, so that no new-app write can fail on a `down` that gives NULL, and
            // reverse fills the NULLs from `down` (how-it-works.md, "Differences from pgroll").
            Old("INSERT INTO reviews (username, product) VALUES ('carl', 'carrot')"),
            Old("INSERT INTO reviews (username, product, review) VALUES ('dana', 'durian', "
                "'delicious')"),
            New(select,
                "1,alice,apple,NULL; 2,bob,banana,brilliant; 3,carl,carrot,NULL; "
                "4,dana,durian,delicious")},
           {},
           {New("INSERT INTO reviews (username, product) VALUES ('earl', 'eggplant')"),
            New(select,
                "1,alice,apple,apple is good; 2,bob,banana,brilliant; 3,carl,carrot,carrot is "
                "good; 4,dana,durian,delicious; 5,earl,eggplant,NULL")},
           "the old version keeps NOT NULL while the new one has none, and each reads its own "
           "review; a new-app INSERT that leaves review NULL is told from the old app's only by "
           "the session (writer_by_search_path)"}),
      {"WithUserSuppliedUpSql",
       "TestDropNotNull / remove not null with user-supplied up sql",
       reviews,
       "02_set_nullable",
       "operations:\n"
       "  - alter_column:\n"
       "      table: reviews\n"
       "      column: review\n"
       "      nullable: true\n"
       "      up: \"review || ' (from the old column)'\"\n" +
           down,
       {Old("INSERT INTO reviews (username, product, review) VALUES ('alice', 'apple', "
            "'amazing')"),
        New(select, "1,alice,apple,amazing (from the old column)")},
       {},
       {},
       "the new version reads up's value while the old reads its own"},
      {"RetainsTheForeignKey",
       "TestDropNotNull / dropping not null from a foreign key column retains the foreign key "
       "constraint",
       "CREATE TABLE departments (id serial PRIMARY KEY, name text NOT NULL);"
       "CREATE TABLE employees (id serial PRIMARY KEY, name text NOT NULL, department_id integer "
       "NOT NULL CONSTRAINT fk_employee_department REFERENCES departments (id));",
       "03_set_not_null",
       "operations:\n"
       "  - alter_column:\n"
       "      table: employees\n"
       "      column: department_id\n"
       "      nullable: true\n"
       "      up: department_id\n"
       "      down: \"(SELECT CASE WHEN department_id IS NULL THEN 1 ELSE department_id "
       "END)\"\n",
       {New("INSERT INTO employees (name, department_id) VALUES ('alice', 7)", "ERROR 23503")},
       {},
       {New("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = "
            "'public.employees'::regclass AND contype = 'f'",
            "fk_employee_department,t"),
        New("INSERT INTO employees (name, department_id) VALUES ('bob', 7)", "ERROR 23503")},
       ""},
      {"RetainsTheDefault",
       "TestDropNotNull / dropping not null retains any default defined on the column",
       "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'anonymous');",
       "02_set_not_null",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      nullable: true\n" +
           users_down,
       {New("INSERT INTO users (id) VALUES (1)"),
        New("SELECT id, name FROM users ORDER BY id", "1,anonymous")},
       {},
       {New("INSERT INTO users (id) VALUES (2)"),
        New("SELECT id, name FROM users ORDER BY id", "1,anonymous; 2,anonymous")},
       ""},
      {"RetainsTheCheck",
       "TestDropNotNull / dropping not null retains any check constraints defined on the column",
       "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL CONSTRAINT name_length "
       "CHECK (length(name) > 3));",
       "02_set_not_null",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      nullable: true\n" +
           users_down,
       {New("INSERT INTO users (id, name) VALUES (1, 'a')", "ERROR 23514")},
       {},
       {New("INSERT INTO users (id, name) VALUES (2, 'b')", "ERROR 23514")},
       ""},
      {"RetainsTheUniqueConstraint",
       "TestDropNotNull / dropping not null retains any unique constraints defined on the "
       "column",
       "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL CONSTRAINT unique_name "
       "UNIQUE);",
       "03_set_not_null",
       "operations:\n"
       "  - alter_column:\n"
       "      table: users\n"
       "      column: name\n"
       "      nullable: true\n" +
           users_down,
       {New("INSERT INTO users (name) VALUES ('alice')"),
        New("INSERT INTO users (name) VALUES ('alice')", "ERROR 23505")},
       {},
       {New("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND "
            "contype = 'u'",
            "unique_name"),
        New("INSERT INTO users (name) VALUES ('alice')", "ERROR 23505"),
        New("INSERT INTO users (name) VALUES ('bob')")},
       ""},
  };
}

}  // namespace pgphase::it
