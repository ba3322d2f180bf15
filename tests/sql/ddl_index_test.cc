#include "pgphase/ddl_index.h"

#include <gtest/gtest.h>

namespace pgphase::ddl {
namespace {

TEST(ParameterListTest, AcceptedListsAreCanonical) {
  const std::pair<std::string, std::string> cases[] = {
      {"fillfactor = 70", "fillfactor = 70"},
      {"fillfactor=70,deduplicate_items =off", "fillfactor = 70, deduplicate_items = off"},
      {"  siglen = 32  ", "siglen = 32"},
      {"a = -1.5, b = 'it''s'", "a = -1.5, b = 'it''s'"},
      {"toast.autovacuum_enabled = false", "toast.autovacuum_enabled = false"},
      {"p = 'a\\b'", "p = E'a\\\\b'"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    Result<std::string> got = ParseParameterList(in);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(*got, want);
  }
}

TEST(ParameterListTest, AnythingElseIsRefused) {
  for (const std::string in :
       {"", "   ", "fillfactor", "fillfactor =", "= 70", "fillfactor = 70)", "a = 1 b = 2",
        "fillfactor = 70); DROP TABLE users; --", "a = 'unterminated", "a = (1)", "1a = 2",
        "a = 1,", "a = $$x$$", "a = \"x\""}) {
    SCOPED_TRACE(in);
    EXPECT_FALSE(ParseParameterList(in).ok());
  }
}

TEST(IndexBuilderTest, EveryClauseInCanonicalOrderWithNamesQuoted) {
  IndexDef index;
  index.name = "i\"x";
  index.unique = true;
  index.method = "btree";
  index.columns = {{"a", "C", "text_pattern_ops", "", "DESC", "LAST"},
                   {"b", "", "gist_trgm_ops", "siglen = 32", "", ""}};
  index.include = {"c"};
  index.nulls_not_distinct = true;
  index.storage = "fillfactor = 70";
  index.predicate = "(a IS NOT NULL)";
  EXPECT_EQ(CreateIndexConcurrently({"s", "t"}, index, true).sql,
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"i\"\"x\" ON \"s\".\"t\" USING btree "
            "(\"a\" COLLATE \"C\" \"text_pattern_ops\" DESC NULLS LAST, \"b\" \"gist_trgm_ops\" "
            "(siglen = 32)) INCLUDE (\"c\") NULLS NOT DISTINCT WITH (fillfactor = 70) WHERE (a IS "
            "NOT NULL)");
  IndexDef hash;
  hash.name = "h";
  hash.method = "hash";
  hash.columns = {{"a", "", "", "", "", ""}};
  EXPECT_EQ(CreateIndexConcurrently({"s", "t"}, hash).sql,
            "CREATE INDEX CONCURRENTLY \"h\" ON \"s\".\"t\" USING hash (\"a\")");
}

TEST(ConstraintBuilderTest, ForeignKeyAndUsingIndexClauses) {
  ForeignKey fk{
      "fk", {"a", "b"}, {{"s", "r"}, {"x", "y"}, "CASCADE", "SET NULL", "FULL", true, true}};
  EXPECT_EQ(AddForeignKeyNotValid({"s", "t"}, fk).sql,
            "ALTER TABLE \"s\".\"t\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"a\", \"b\") REFERENCES "
            "\"s\".\"r\" (\"x\", \"y\") MATCH FULL ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE "
            "INITIALLY DEFERRED NOT VALID");
  EXPECT_EQ(AddConstraintUsingIndex({"s", "t"}, "k", true, "k", false, false).sql,
            "ALTER TABLE \"s\".\"t\" ADD CONSTRAINT \"k\" PRIMARY KEY USING INDEX \"k\"");
  EXPECT_EQ(AddCheckNotValid({"s", "t"}, "c", "(a > 0)", true).sql,
            "ALTER TABLE \"s\".\"t\" ADD CONSTRAINT \"c\" CHECK ((a > 0)) NO INHERIT NOT VALID");
  EXPECT_EQ(RenameConstraint({"s", "t"}, "a", "b").sql,
            "ALTER TABLE \"s\".\"t\" RENAME CONSTRAINT \"a\" TO \"b\"");
  EXPECT_EQ(FixViolatingRows({"s", "t"}, {{"a", "(1)"}, {"b", "(2)"}}, "(a > 0)").sql,
            "UPDATE \"s\".\"t\" SET \"a\" = (1), \"b\" = (2) WHERE NOT ((a > 0))");
}

}  // namespace
}  // namespace pgphase::ddl
