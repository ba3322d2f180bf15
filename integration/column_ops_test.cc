// alter_column, drop_column and rename_column against a real PostgreSQL: in each phase
// the old app and the new app write by the names and types each knows, and each sees
// the other's writes; reverse from every phase before contract restores the schema
// exactly, keeping the data (values the new app wrote after swap included, via `down`);
// contract leaves only the new shape.
#include "harness.h"

namespace pgphase::it {
namespace {

class ColumnOpsTest : public PgphaseTest {
 protected:
  // The error message of a statement expected to fail, "" when it succeeds.
  std::string Fails(const std::string& sql) {
    try {
      Exec(sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  std::string CommentOf(const std::string& table, const std::string& column) {
    return Scalar("SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '" +
                  table + "'::regclass AND attname = '" + column + "' AND NOT attisdropped");
  }
  long long PgphaseColumns(const std::string& table) {
    return ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = '" + table +
                     "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped");
  }
  // Applies through each phase before contract in turn, lets `act` write as the apps
  // would in that phase, reverses, and checks the schema is exactly as before and that
  // `check` (the data, as the old app sees it) holds.
  void ExpectReversibleFromEveryPhase(const std::string& spec, const std::string& migration,
                                      const std::function<void(const std::string&)>& act,
                                      const std::function<void(const std::string&)>& check) {
    const std::string before = SchemaDump();
    for (const std::string phase : {"expand", "sync", "backfill", "validate", "swap"}) {
      SCOPED_TRACE("reverse from " + phase);
      Apply(spec, phase);
      act(phase);
      Reverse(migration);
      EXPECT_EQ(SchemaDump(), before) << "reverse must restore the schema exactly";
      check(phase);
    }
  }
  static bool AtLeast(const std::string& phase, const std::string& than) {
    return PhaseIndexOf(phase) >= PhaseIndexOf(than);
  }
};

// ------------------------------------------------------------------ drop_column

constexpr char kFruits[] =
    "CREATE TABLE fruits (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT "
    "NULL);"
    "INSERT INTO fruits SELECT g, 'fruit ' || g, g FROM generate_series(1, 100) g;";

TEST_F(ColumnOpsTest, DropColumnFillsItForTheNewAppUntilContract) {
  Exec(kFruits);
  const std::string spec = WriteSpec("0009_drop_price",
                                     "operations:\n  - drop_column:\n      table: fruits\n      "
                                     "column: price\n      down: \"0\"\n");
  Apply(spec, "sync");
  // The new app omits price; the old app still sets it.
  Exec("INSERT INTO fruits (id, name) VALUES (1001, 'kiwi')");
  Exec("INSERT INTO fruits (id, name, price) VALUES (1002, 'fig', 2.5)");
  Exec("UPDATE fruits SET name = 'big fig' WHERE id = 1002");
  EXPECT_EQ(Scalar("SELECT price FROM fruits WHERE id = 1001"), "0.00");
  EXPECT_EQ(Scalar("SELECT price FROM fruits WHERE id = 1002"), "2.50") << "old app's value kept";
  Apply(spec, "swap");
  EXPECT_TRUE(ColumnExists("fruits", "price")) << "the old app still reads it until contract";
  Exec("INSERT INTO fruits (id, name) VALUES (1003, 'lime')");
  EXPECT_EQ(Scalar("SELECT price FROM fruits WHERE id = 1003"), "0.00");
  Apply(spec, "contract");
  EXPECT_FALSE(ColumnExists("fruits", "price"));
  EXPECT_EQ(UserTriggerCount("fruits"), 0);
  EXPECT_EQ(FunctionCountInSchema("pgphase"), 0);
  Exec("INSERT INTO fruits (id, name) VALUES (1004, 'plum')");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM fruits"), 104);
}

TEST_F(ColumnOpsTest, DropColumnReversesFromEveryPhase) {
  Exec(kFruits);
  const std::string spec = WriteSpec("0009_drop_price",
                                     "operations:\n  - drop_column:\n      table: fruits\n      "
                                     "column: price\n      down: \"0\"\n");
  long long id = 2000;
  ExpectReversibleFromEveryPhase(
      spec, "0009_drop_price",
      [&](const std::string& phase) {
        if (AtLeast(phase, "sync"))
          Exec("INSERT INTO fruits (id, name) VALUES (" + std::to_string(++id) + ", 'new app')");
      },
      [&](const std::string&) {
        EXPECT_EQ(ScalarInt("SELECT count(*) FROM fruits WHERE price IS NULL"), 0);
        EXPECT_EQ(ScalarInt("SELECT sum(price)::bigint FROM fruits WHERE id <= 100"), 5050);
      });
}

TEST_F(ColumnOpsTest, DropNotNullColumnWithoutDefaultOrDownIsRefused) {
  Exec(kFruits);
  const std::string before = SchemaDump();
  RunResult r = Run({"apply", WriteSpec("0009_drop_price",
                                        "operations:\n  - drop_column:\n"
                                        "      table: fruits\n"
                                        "      column: price\n")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("0009_drop_price.yaml:2:5"), std::string::npos) << r;
  EXPECT_NE(r.err.find("give `down`"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
}

// ---------------------------------------------------------------- rename_column

// A rename (a column pair) next to another fill that reads the renamed column: a write
// through either name reaches the pair's other side and the other fill at once.
TEST_F(ColumnOpsTest, RenameColumnKeepsTheOtherFillsInStepThroughEitherName) {
  Exec(
      "CREATE TABLE users (id int PRIMARY KEY, email text);"
      "INSERT INTO users SELECT g, 'u' || g || '@x' FROM generate_series(1, 50) g;");
  const std::string spec = WriteSpec("0013_rename", R"(operations:
  - add_column:
      table: users
      up: upper(email)
      column: {name: shout, type: text, nullable: true}
  - rename_column:
      table: users
      from: email
      to: mail
)");
  const std::string before = SchemaDump();
  Apply(spec, "validate");
  Exec("INSERT INTO users (id, email) VALUES (101, 'old@x')");
  EXPECT_EQ(Scalar("SELECT shout || ' ' || mail FROM users WHERE id = 101"), "OLD@X old@x");
  Apply(spec, "swap");
  EXPECT_TRUE(ColumnExists("users", "email")) << "both names live until contract";
  // The new app, by the new name: the old column and shout follow.
  Exec("INSERT INTO users (id, mail) VALUES (102, 'new@x')");
  Exec("UPDATE users SET mail = 'changed@x' WHERE id = 1");
  EXPECT_EQ(Scalar("SELECT shout || ' ' || email FROM users WHERE id = 102"), "NEW@X new@x");
  EXPECT_EQ(Scalar("SELECT shout || ' ' || email FROM users WHERE id = 1"), "CHANGED@X changed@x");
  Reverse("0013_rename");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar("SELECT email FROM users WHERE id = 102"), "new@x")
      << "the new app's write is there by the old name";
  Apply(spec, "contract");
  EXPECT_TRUE(ColumnExists("users", "mail"));
  EXPECT_FALSE(ColumnExists("users", "email"));
  EXPECT_TRUE(ColumnExists("users", "shout"));
  EXPECT_EQ(UserTriggerCount("users"), 0);
}

TEST_F(ColumnOpsTest, RenameColumnReversesFromEveryPhase) {
  Exec(
      "CREATE TABLE employees (id int PRIMARY KEY, role varchar(255));"
      "COMMENT ON COLUMN employees.role IS 'what they do';"
      "INSERT INTO employees SELECT g, 'role ' || g FROM generate_series(1, 30) g;");
  const std::string spec =
      WriteSpec("0013_role",
                "operations:\n  - rename_column: {table: employees, from: role, to: job_title}\n");
  int id = 100;
  ExpectReversibleFromEveryPhase(
      spec, "0013_role",
      [&](const std::string& phase) {
        const std::string column = phase == "swap" ? "job_title" : "role";
        Exec("INSERT INTO employees (id, " + column + ") VALUES (" + std::to_string(++id) +
             ", 'by " + phase + "')");
      },
      [&](const std::string& phase) {
        EXPECT_EQ(Scalar("SELECT role FROM employees WHERE id = " + std::to_string(id)),
                  "by " + phase);
        EXPECT_EQ(Scalar("SELECT role FROM employees WHERE id = 7"), "role 7");
      });
  Apply(spec, "contract");
  EXPECT_EQ(Scalar("SELECT job_title FROM employees WHERE id = 105"), "by swap");
  EXPECT_EQ(CommentOf("employees", "job_title"), "what they do");
}

// ------------------------------------------------- alter_column: type (shadow column)

constexpr char kReviews[] =
    "CREATE TABLE reviews (id int PRIMARY KEY, product text NOT NULL, review text, rating text);"
    "INSERT INTO reviews SELECT g, 'p' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'r' || g END, "
    "CASE WHEN g % 7 = 0 THEN NULL ELSE (g % 5)::text END FROM generate_series(1, 300) g;"
    "ANALYZE reviews;";

constexpr char kRatingToInteger[] = R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CAST(rating AS integer)
      down: CAST(rating AS text)
)";

TEST_F(ColumnOpsTest, ChangeTypeBothAppsSeeEachOthersWrites) {
  Exec(kReviews);
  const std::string spec = WriteSpec("0018_rating", kRatingToInteger);
  Apply(spec, "expand");
  EXPECT_TRUE(ColumnExists("reviews", "_pgphase_new_rating"));
  Apply(spec, "sync");
  // Old app, by old name and type.
  Exec("INSERT INTO reviews (id, product, rating) VALUES (1001, 'a', '4')");
  Exec("INSERT INTO reviews (id, product, rating) VALUES (1002, 'b', NULL)");
  Exec("UPDATE reviews SET rating = '3' WHERE id = 1");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_rating FROM reviews WHERE id = 1001"), "4");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_rating FROM reviews WHERE id = 1002"), "NULL")
      << "NULL is a value, not 'omitted'";
  EXPECT_EQ(Scalar("SELECT _pgphase_new_rating FROM reviews WHERE id = 1"), "3");
  // Writing the shadow directly does not stick: pgphase owns it before swap.
  // Both columns written in one statement: the application's column wins.
  Exec("UPDATE reviews SET rating = '1', _pgphase_new_rating = 99 WHERE id = 2");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_rating FROM reviews WHERE id = 2"), "1");
  Apply(spec, "backfill");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM reviews WHERE _pgphase_new_rating IS DISTINCT FROM "
                      "rating::integer"),
            0);
  Apply(spec, "swap");
  EXPECT_EQ(TypeOf("reviews", "rating"), "integer");
  // New app, by the same name with the new type.
  Exec("INSERT INTO reviews (id, product, rating) VALUES (1003, 'c', 42)");
  Exec("UPDATE reviews SET rating = 5 WHERE id = 3");
  Exec("INSERT INTO reviews (id, product, rating) VALUES (1004, 'd', NULL)");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_rating FROM reviews WHERE id = 1003"), "42");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_rating FROM reviews WHERE id = 3"), "5");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_rating FROM reviews WHERE id = 1004"), "NULL");
  // Both columns changed in one statement: the application's column wins.
  Exec("UPDATE reviews SET rating = 1, _pgphase_old_rating = 'junk' WHERE id = 4");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_rating FROM reviews WHERE id = 4"), "1");
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("reviews", "rating"), "integer");
  EXPECT_EQ(PgphaseColumns("reviews"), 0);
  EXPECT_EQ(UserTriggerCount("reviews"), 0);
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 1003"), "42");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM reviews"), 304);
}

TEST_F(ColumnOpsTest, ChangeTypeReversesFromEveryPhaseKeepingNewAppWrites) {
  Exec(kReviews);
  const std::string spec = WriteSpec("0018_rating", kRatingToInteger);
  const std::string original = Scalar(
      "SELECT md5(string_agg(id || ':' || coalesce(rating, '~'), ',' ORDER BY id)) "
      "FROM reviews WHERE id <= 300");
  int id = 5000;
  std::vector<std::pair<int, std::string>> written;
  ExpectReversibleFromEveryPhase(
      spec, "0018_rating",
      [&](const std::string& phase) {
        ++id;
        if (phase == "swap") {
          Exec("INSERT INTO reviews (id, product, rating) VALUES (" + std::to_string(id) +
               ", 'n', 77)");
          written.emplace_back(id, "77");
        } else {
          Exec("INSERT INTO reviews (id, product, rating) VALUES (" + std::to_string(id) +
               ", 'o', '8')");
          written.emplace_back(id, "8");
        }
      },
      [&](const std::string&) {
        EXPECT_EQ(Scalar("SELECT md5(string_agg(id || ':' || coalesce(rating, '~'), ',' ORDER BY "
                         "id)) FROM reviews WHERE id <= 300"),
                  original);
        for (const auto& [row, value] : written)
          EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = " + std::to_string(row)), value);
      });
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("reviews", "rating"), "integer");
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 5005"), "77");
}

// ------------------------------------------- alter_column: nullable false, unique, check

TEST_F(ColumnOpsTest, SetNotNullWithUpFillsNullsAndEnforcesFromSwap) {
  Exec(kReviews);
  const std::string spec = WriteSpec("0016_not_null", R"(operations:
  - alter_column:
      table: reviews
      column: review
      nullable: false
      up: SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review END
      down: review
)");
  const std::string before = SchemaDump();
  Apply(spec, "sync");
  Exec("INSERT INTO reviews (id, product, review) VALUES (1001, 'kite', NULL)");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_review FROM reviews WHERE id = 1001"), "kite is good");
  // A row the backfill has not reached, updated without touching what up reads: the
  // helper NOT NULL check must not reject the old app's write.
  Exec("UPDATE reviews SET rating = '1' WHERE id = 20");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_review FROM reviews WHERE id = 20"), "p20 is good");
  Apply(spec, "validate");
  EXPECT_TRUE(ColumnNotNull("reviews", "_pgphase_new_review"));
  Apply(spec, "swap");
  EXPECT_TRUE(ColumnNotNull("reviews", "review"));
  EXPECT_NE(Fails("INSERT INTO reviews (id, product, review) VALUES (1002, 'x', NULL)"), "");
  Exec("INSERT INTO reviews (id, product, review) VALUES (1003, 'y', 'fine')");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_review FROM reviews WHERE id = 1003"), "fine");
  Reverse("0016_not_null");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar("SELECT review FROM reviews WHERE id = 10"), "NULL") << "old data kept";
  EXPECT_EQ(Scalar("SELECT review FROM reviews WHERE id = 1003"), "fine");
  Apply(spec, "contract");
  EXPECT_TRUE(ColumnNotNull("reviews", "review"));
  EXPECT_EQ(Scalar("SELECT review FROM reviews WHERE id = 10"), "p10 is good");
  EXPECT_EQ(CheckConstraintCount("reviews"), 0) << "helper check dropped";
  EXPECT_EQ(PgphaseColumns("reviews"), 0);
}

TEST_F(ColumnOpsTest, UniqueAndCheckHoldFromSwapAndStayAfterContract) {
  Exec(
      "CREATE TABLE posts (id int PRIMARY KEY, title varchar(255) NOT NULL);"
      "INSERT INTO posts SELECT g, CASE WHEN g % 3 = 0 THEN 'ab' ELSE 'title ' || g END "
      "FROM generate_series(1, 90) g;");
  const std::string spec = WriteSpec("0022_title", R"(operations:
  - alter_column:
      table: posts
      column: title
      unique:
        name: posts_title_unique
      check:
        name: title_length
        constraint: length(title) > 3
      up: SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') || id ELSE title END
      down: title
)");
  const std::string before = SchemaDump();
  Apply(spec, "validate");
  Exec("INSERT INTO posts (id, title) VALUES (1001, 'xy')");  // the old app knows no constraint
  EXPECT_EQ(Scalar("SELECT _pgphase_new_title FROM posts WHERE id = 1001"), "--xy1001");
  Apply(spec, "swap");
  EXPECT_NE(Fails("INSERT INTO posts (id, title) VALUES (1002, 'no')"), "") << "check enforced";
  EXPECT_NE(Fails("INSERT INTO posts (id, title) VALUES (1003, 'title 1')"), "")
      << "unique enforced";
  // Column lists: after swap the new column is last in the table, so a positional
  // INSERT would fill the old one.
  Exec("INSERT INTO posts (id, title) VALUES (1004, 'a fine title')");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_title FROM posts WHERE id = 1004"), "a fine title");
  Reverse("0022_title");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar("SELECT title FROM posts WHERE id = 3"), "ab");
  Apply(spec, "contract");
  EXPECT_EQ(Scalar("SELECT title FROM posts WHERE id = 3"), "--ab3");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_constraint WHERE conname IN "
                      "('posts_title_unique', 'title_length') AND convalidated"),
            2);
  EXPECT_EQ(TypeOf("posts", "title"), "character varying(255)");
  EXPECT_EQ(PgphaseColumns("posts"), 0);
}

TEST_F(ColumnOpsTest, UniqueAndCheckReverseFromEveryPhase) {
  Exec(
      "CREATE TABLE posts (id int PRIMARY KEY, title varchar(255) NOT NULL);"
      "INSERT INTO posts SELECT g, CASE WHEN g % 3 = 0 THEN 'ab' ELSE 'title ' || g END "
      "FROM generate_series(1, 90) g;");
  const std::string spec = WriteSpec("0022_title", R"(operations:
  - alter_column:
      table: posts
      column: title
      unique: {name: posts_title_unique}
      check: {name: title_length, constraint: length(title) > 3}
      up: SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') || id ELSE title END
      down: title
)");
  int id = 1000;
  ExpectReversibleFromEveryPhase(
      spec, "0022_title",
      [&](const std::string& phase) {
        Exec("INSERT INTO posts (id, title) VALUES (" + std::to_string(++id) + ", 'post in " +
             phase + "')");
      },
      [&](const std::string& phase) {
        EXPECT_EQ(Scalar("SELECT title FROM posts WHERE id = " + std::to_string(id)),
                  "post in " + phase);
        EXPECT_EQ(ScalarInt("SELECT count(*) FROM posts WHERE title = 'ab'"), 30);
      });
}

TEST_F(ColumnOpsTest, ForeignKeyNullsOrphansAndHoldsFromSwap) {
  Exec(
      "CREATE TABLE users (id int PRIMARY KEY);"
      "INSERT INTO users SELECT generate_series(1, 10);"
      "CREATE TABLE posts (id int PRIMARY KEY, user_id int);"
      "INSERT INTO posts SELECT g, g FROM generate_series(1, 20) g;");
  const std::string spec = WriteSpec("0021_fk", R"(operations:
  - alter_column:
      table: posts
      column: user_id
      references:
        name: fk_users_id
        table: users
        column: id
        on_delete: CASCADE
      up: SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = user_id) THEN user_id ELSE NULL END
      down: user_id
)");
  Apply(spec, "swap");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM posts WHERE user_id IS NULL"), 10);
  EXPECT_NE(Fails("INSERT INTO posts (id, user_id) VALUES (100, 999)"), "");
  Exec("INSERT INTO posts (id, user_id) VALUES (101, 5)");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_user_id FROM posts WHERE id = 101"), "5");
  Apply(spec, "contract");
  Exec("DELETE FROM users WHERE id = 5");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM posts WHERE user_id = 5"), 0) << "ON DELETE CASCADE";
}

TEST_F(ColumnOpsTest, SeveralChangesAtOnce) {
  Exec(
      "CREATE TABLE events (id int PRIMARY KEY, name varchar(255) DEFAULT '<placeholder>');"
      "COMMENT ON COLUMN events.name IS 'the name of the event';"
      "INSERT INTO events SELECT g, CASE WHEN g % 4 = 0 THEN NULL WHEN g % 4 = 1 THEN 'ab' "
      "ELSE 'event ' || g END FROM generate_series(1, 40) g;");
  const std::string spec = WriteSpec("0035_multiple", R"(operations:
  - alter_column:
      table: events
      column: name
      type: text
      default: '''unknown event'''
      nullable: false
      comment: the full name of the event
      unique:
        name: events_event_name_unique
      check:
        name: event_name_length
        constraint: length(name) > 3
      up: SELECT CASE WHEN name IS NULL OR LENGTH(name) <= 3 THEN 'placeholder ' || id ELSE name END
      down: name
)");
  const std::string before = SchemaDump();
  Apply(spec, "swap");
  Exec("INSERT INTO events (id) VALUES (1001)");
  EXPECT_EQ(Scalar("SELECT name FROM events WHERE id = 1001"), "unknown event");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_name FROM events WHERE id = 1001"), "unknown event")
      << "down, not the old column's default '<placeholder>'";
  Reverse("0035_multiple");
  EXPECT_EQ(SchemaDump(), before);
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("events", "name"), "text");
  EXPECT_TRUE(ColumnNotNull("events", "name"));
  EXPECT_EQ(CommentOf("events", "name"), "the full name of the event");
  EXPECT_EQ(Scalar("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = "
                   "'events'::regclass"),
            "'unknown event'::text");
  EXPECT_EQ(Scalar("SELECT name FROM events WHERE id = 4"), "placeholder 4");
}

// An old column with a default: omitted by the old app, the default is what it meant;
// after swap the old column always gets down(new), never its default.
TEST_F(ColumnOpsTest, OldColumnDefaultNeverHidesAValue) {
  Exec(
      "CREATE TABLE tickets (id int PRIMARY KEY, kind varchar(255) NOT NULL DEFAULT 'paper');"
      "INSERT INTO tickets SELECT g, 'paper' FROM generate_series(1, 5) g;");
  const std::string spec = WriteSpec("0046_kind", R"(operations:
  - alter_column:
      table: tickets
      column: kind
      check: {name: kind_set, constraint: kind <> ''}
      up: upper(kind)
      down: lower(kind)
)");
  Apply(spec, "sync");
  Exec("INSERT INTO tickets (id) VALUES (100)");
  EXPECT_EQ(Scalar("SELECT _pgphase_new_kind FROM tickets WHERE id = 100"), "PAPER");
  Apply(spec, "swap");
  Exec("INSERT INTO tickets (id, kind) VALUES (101, 'DIGITAL')");
  EXPECT_EQ(Scalar("SELECT _pgphase_old_kind FROM tickets WHERE id = 101"), "digital");
  Exec("INSERT INTO tickets (id) VALUES (102)");
  EXPECT_EQ(Scalar("SELECT kind FROM tickets WHERE id = 102"), "paper")
      << "the default was carried over to the new column";
}

// --------------------------------------------------------- dependents and bad input

// Known from the catalog at plan time (a view, a statistics object on the column, a trigger
// naming it), so refused before anything changes, by plan and apply alike. (A check on the
// column is carried to the new column instead: pgroll_column_ops_test.cc.)
TEST_F(ColumnOpsTest, WhatDependsOnTheColumnIsRefusedAtPlanTime) {
  for (const char* dependent :
       {"CREATE VIEW ratings AS SELECT id, rating FROM reviews",
        "CREATE STATISTICS rating_stats ON rating, id FROM reviews",
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
        "CREATE TRIGGER touch BEFORE UPDATE OF rating ON reviews FOR EACH ROW EXECUTE FUNCTION "
        "touch()"}) {
    SCOPED_TRACE(dependent);
    Exec("DROP TABLE IF EXISTS reviews CASCADE; DROP FUNCTION IF EXISTS touch");
    Exec(kReviews);
    Exec(dependent);
    const std::string before = SchemaDump();
    RunResult r = Run({"apply", WriteSpec("0018_rating", kRatingToInteger)});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find("column \"rating\" cannot change through a new column"), std::string::npos)
        << r;
    EXPECT_EQ(SchemaDump(), before);
    EXPECT_FALSE(RelationExists("pgphase.migrations")) << "refused before registering";
  }
}

TEST_F(ColumnOpsTest, PartialIndexOnTheColumnIsRefusedAtPlanTime) {
  Exec(kReviews);
  Exec("CREATE INDEX reviews_rating_idx ON reviews (rating) WHERE rating IS NOT NULL");
  RunResult r = Run({"plan", WriteSpec("0018_rating", kRatingToInteger)});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("reviews_rating_idx"), std::string::npos) << r;
}

// pgroll's 15 then 16: a unique constraint (and a plain index) on the column move to the
// new column at swap, keeping their names; reverse gives them back to the old one.
TEST_F(ColumnOpsTest, IndexesAndUniqueConstraintsMoveToTheNewColumn) {
  Exec(kReviews);
  Exec(
      "UPDATE reviews SET review = 'r' || id WHERE review IS NULL AND id % 20 <> 0;"
      "ALTER TABLE reviews ADD CONSTRAINT reviews_review_unique UNIQUE (review);"
      "CREATE INDEX reviews_product_review_idx ON reviews (product, review)");
  const std::string spec = WriteSpec("0016_not_null", R"(operations:
  - alter_column:
      table: reviews
      column: review
      nullable: false
      up: SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review END
      down: review
)");
  const std::string before = SchemaDump();
  Apply(spec, "swap");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                   "'reviews_review_unique'"),
            "UNIQUE (review)");
  EXPECT_EQ(Scalar("SELECT pg_get_indexdef('reviews_product_review_idx'::regclass)"),
            "CREATE INDEX reviews_product_review_idx ON public.reviews USING btree (product, "
            "review)");
  EXPECT_NE(Fails("INSERT INTO reviews (id, product, review) VALUES (1001, 'x', 'r1')"), "")
      << "unique holds on the new column";
  Exec("INSERT INTO reviews (id, product, review) VALUES (1002, 'x', 'brand new')");
  Reverse("0016_not_null");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar("SELECT review FROM reviews WHERE id = 1002"), "brand new");
  Apply(spec, "contract");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                   "'reviews_review_unique'"),
            "UNIQUE (review)");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_pgphase%'"), 0);
  EXPECT_EQ(PgphaseColumns("reviews"), 0);
}

// pgroll's example 35 has such a `down`. Running it would break every new-app write after
// swap; refusing it would refuse pgroll's own example. pgphase keeps the old column in step
// with the column's own value instead, and says so in plan and apply output.
TEST_F(ColumnOpsTest, DownNamingAMissingColumnFallsBackToTheColumnsOwnValueAndSaysSo) {
  Exec(kReviews);
  const std::string spec = WriteSpec("0018_rating", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CASE WHEN rating ~ '^[0-9]+$' THEN CAST(rating AS integer) ELSE 0 END
      down: event_name
)");
  RunResult r = Run({"plan", spec});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("0018_rating.yaml:7:13: alter_column.down: column \"event_name\" does not "
                       "exist"),
            std::string::npos)
      << r;
  EXPECT_NE(r.out.find("`down` cannot run"), std::string::npos) << r;
  r = Run({"apply", spec, "--through", "swap"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("note: "), std::string::npos) << r;
  EXPECT_EQ(Fails("INSERT INTO reviews (id, product, rating) VALUES (5001, 'p', 7)"), "");
  Reverse("0018_rating");
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 5001"), "7");
}

// ------------------------------------------------------------ direct changes

TEST_F(ColumnOpsTest, DropNotNullIsDirectAndItsReverseFillsNullsFromDown) {
  Exec(
      "CREATE TABLE posts (id int PRIMARY KEY, title varchar(10) NOT NULL DEFAULT 'x');"
      "COMMENT ON COLUMN posts.title IS 'old comment';"
      "INSERT INTO posts SELECT g, 't' || g FROM generate_series(1, 20) g;");
  const std::string spec = WriteSpec("0031_direct", R"(operations:
  - alter_column:
      table: posts
      column: title
      nullable: true
      type: varchar(50)
      default: null
      comment: null
      up: title
      down: SELECT CASE WHEN title IS NULL THEN 'none' ELSE title END
)");
  const std::string before = SchemaDump();
  Apply(spec, "validate");
  EXPECT_EQ(SchemaDump(), before) << "direct changes wait for swap";
  Apply(spec, "swap");
  EXPECT_EQ(PgphaseColumns("posts"), 0) << "no shadow column";
  EXPECT_EQ(UserTriggerCount("posts"), 0) << "no trigger";
  Exec("INSERT INTO posts (id) VALUES (100)");  // NULL: no default any more
  Exec("INSERT INTO posts VALUES (101, 'a much longer title')");
  EXPECT_EQ(Scalar("SELECT title FROM posts WHERE id = 100"), "NULL");
  RunResult r = Run({"reverse", "0031_direct"});
  // The longer title cannot go back into varchar(10): reverse refuses rather than lose it.
  EXPECT_NE(r.exit_code, 0) << r;
  Exec("UPDATE posts SET title = 'short' WHERE id = 101");
  Reverse("0031_direct");
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(Scalar("SELECT title FROM posts WHERE id = 100"), "none")
      << "the NULL the new app wrote is filled from down";
  Apply(spec, "contract");
  EXPECT_FALSE(ColumnNotNull("posts", "title"));
  EXPECT_EQ(TypeOf("posts", "title"), "character varying(50)");
  EXPECT_EQ(CommentOf("posts", "title"), "NULL");
}

}  // namespace
}  // namespace pgphase::it
