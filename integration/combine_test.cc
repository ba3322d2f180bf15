// Several operations on one column in one migration (src/plan/merge.cc) against a real
// PostgreSQL: the column takes one path through the phases, both apps' writes reach the
// other side with the composed expressions, reverse restores the schema exactly.
#include "harness.h"

namespace pgphase::it {
namespace {

class CombineTest : public PgphaseTest {};

TEST_F(CombineTest, AddColumnThenAlterColumnBothAppsAndReverse) {
  Exec(
      "CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL);"
      "INSERT INTO people SELECT g, repeat('x', g % 7) FROM generate_series(1, 300) g;");
  const std::string spec = WriteSpec("0001_name_length", R"(operations:
  - add_column:
      table: people
      up: length(name)
      column: {name: n, type: int, nullable: true}
  - alter_column:
      table: people
      column: n
      name: name_length
      type: bigint
      nullable: false
      up: coalesce(n, 0) * 2
)");
  const RunResult plan = Run({"plan", spec});
  ASSERT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("is combined with the earlier add_column"), std::string::npos) << plan;

  const std::string before = SchemaDump();
  Apply(spec, "sync");
  Exec("INSERT INTO people (id, name) VALUES (1001, 'abcd')");  // the old app
  EXPECT_EQ(ScalarInt("SELECT name_length FROM people WHERE id = 1001"), 8);
  Exec("UPDATE people SET name = 'abcdef' WHERE id = 1");
  EXPECT_EQ(ScalarInt("SELECT name_length FROM people WHERE id = 1"), 12);
  Apply(spec, "swap");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM people WHERE name_length IS DISTINCT FROM "
                      "2 * length(name)"),
            0);
  Exec("INSERT INTO people (id, name, name_length) VALUES (1002, 'n', 40)");  // the new app
  EXPECT_EQ(ScalarInt("SELECT name_length FROM people WHERE id = 1002"), 40);
  Reverse("0001_name_length");
  EXPECT_EQ(SchemaDump(), before) << "reverse must restore the schema exactly";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM people"), 302);

  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("people", "name_length"), "bigint");
  EXPECT_TRUE(ColumnNotNull("people", "name_length"));
  EXPECT_FALSE(ColumnExists("people", "n"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM people WHERE name_length IS DISTINCT FROM "
                      "2 * length(name)"),
            0);
}

TEST_F(CombineTest, TwoAlterColumnsOnOneColumnBothAppsAndReverse) {
  Exec(
      "CREATE TABLE reviews (id bigint PRIMARY KEY, rating text);"
      "INSERT INTO reviews SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE (g % 5)::text END "
      "FROM generate_series(1, 300) g;");
  const std::string spec = WriteSpec("0002_stars", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CAST(rating AS integer)
      down: CAST(rating AS text)
  - alter_column:
      table: reviews
      column: rating
      name: stars
      nullable: false
      up: coalesce(rating, 0)
      down: nullif(stars, 0)
)");
  const std::string before = SchemaDump();
  const std::string original = Scalar(
      "SELECT md5(string_agg(id || ':' || coalesce(rating, '~'), ',' ORDER BY id)) "
      "FROM reviews");
  Apply(spec, "sync");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = 'reviews'::regclass "
                      "AND attnum > 0 AND NOT attisdropped"),
            3)
      << "one new column (the pair's, by the new name) for both operations";
  Exec("INSERT INTO reviews (id, rating) VALUES (1001, '4'), (1002, NULL)");  // the old app
  EXPECT_EQ(ScalarInt("SELECT stars FROM reviews WHERE id = 1001"), 4);
  EXPECT_EQ(ScalarInt("SELECT stars FROM reviews WHERE id = 1002"), 0);
  Apply(spec, "swap");
  EXPECT_EQ(TypeOf("reviews", "stars"), "integer");
  EXPECT_TRUE(ColumnNotNull("reviews", "stars"));
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM reviews WHERE stars IS DISTINCT FROM "
                      "coalesce(rating::integer, 0)"),
            0);
  // The new app: 0 reaches the old column as NULL, 3 as '3' (both downs, composed).
  Exec("INSERT INTO reviews (id, stars) VALUES (1003, 0), (1004, 3)");
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 1003"), "NULL");
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 1004"), "3");
  Reverse("0002_stars");
  EXPECT_EQ(SchemaDump(), before) << "reverse must restore the schema exactly";
  EXPECT_EQ(Scalar("SELECT md5(string_agg(id || ':' || coalesce(rating, '~'), ',' ORDER BY id)) "
                   "FROM reviews WHERE id <= 300"),
            original);
  EXPECT_EQ(Scalar("SELECT rating FROM reviews WHERE id = 1004"), "3");

  Apply(spec, "contract");
  EXPECT_FALSE(ColumnExists("reviews", "rating"));
  EXPECT_EQ(ScalarInt("SELECT stars FROM reviews WHERE id = 1004"), 3);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM reviews WHERE stars = 0"), 62);  // 60 NULLs, 1002, 1003
}

TEST_F(CombineTest, RenameColumnThenAlterColumnRenamesOnceAtSwap) {
  Exec(
      "CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(20));"
      "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 50) g;");
  const std::string spec = WriteSpec("0003_text", R"yaml(operations:
  - rename_column: {table: notes, from: body, to: content}
  - alter_column: {table: notes, column: content, type: text, nullable: false, up: "coalesce(body, '')"}
)yaml");
  Apply(spec, "validate");
  EXPECT_TRUE(ColumnExists("notes", "body"));
  Exec("INSERT INTO notes (id, body) VALUES (1001, NULL)");  // the old app
  Apply(spec, "contract");
  EXPECT_EQ(TypeOf("notes", "content"), "text");
  EXPECT_FALSE(ColumnExists("notes", "body"));
  EXPECT_EQ(Scalar("SELECT content FROM notes WHERE id = 1001"), "");
  EXPECT_EQ(Scalar("SELECT content FROM notes WHERE id = 7"), "note 7");
}

}  // namespace
}  // namespace pgphase::it
