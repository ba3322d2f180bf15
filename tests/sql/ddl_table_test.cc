// The table-operation builders and the parser checks for the raw SQL fragments they take.
#include "pgphase/ddl_table.h"

#include <gtest/gtest.h>

namespace pgphase::ddl {
namespace {

TEST(DdlTableTest, FragmentsThatAreExactlyWhatTheyClaimAreAccepted) {
  EXPECT_TRUE(CheckStorageParameters("fillfactor = 70").ok());
  EXPECT_TRUE(CheckStorageParameters("fillfactor=70, deduplicate_items = off").ok());
  EXPECT_TRUE(CheckSequenceOptions("START 10 INCREMENT BY 5 MAXVALUE 1000").ok());
  EXPECT_TRUE(CheckExcludeElements("gist", "room WITH =, during WITH &&").ok());
  EXPECT_TRUE(CheckExcludeElements("btree", "lower(title) WITH =").ok());
}

TEST(DdlTableTest, StatementsNameTheRelationsTheyUse) {
  auto a = CheckStatements(
      "INSERT INTO audit.log SELECT * FROM users u JOIN \"Orders\" o ON o.uid = u.id; "
      "ALTER TABLE users ADD COLUMN x int; CREATE INDEX i ON public.items (id)");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->count, 3);
  using Rel = std::pair<std::string, std::string>;
  EXPECT_EQ(
      a->relations,
      (std::vector<Rel>{{"audit", "log"}, {"", "users"}, {"", "Orders"}, {"public", "items"}}));
}

TEST(DdlTableTest, FragmentsThatSmuggleSqlAreRefused) {
  struct Case {
    const char* label;
    Status status;
  };
  const Case cases[] = {
      {"params close the list", CheckStorageParameters("fillfactor=70) TABLESPACE pg_default --")},
      {"params add a statement", CheckStorageParameters("fillfactor=70); DROP TABLE users; --")},
      {"params empty", CheckStorageParameters("  ")},
      {"params comment out the end", CheckStorageParameters("fillfactor=70 --")},
      {"sequence options escape", CheckSequenceOptions("START 1)); DROP TABLE users; --")},
      {"sequence options blank", CheckSequenceOptions("")},
      {"elements escape", CheckExcludeElements("btree", "a WITH =); DROP TABLE users; --")},
      {"elements add a clause", CheckExcludeElements("btree", "a WITH =) WHERE (true")},
      {"elements blank", CheckExcludeElements("btree", " ")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), ExitCode::kInvalid);
  }
}

TEST(DdlTableTest, StatementsMustParseAndFitInOneTransaction) {
  Result<StatementsAnalysis> a =
      CheckStatements("CREATE TABLE a (id int); ; INSERT INTO a VALUES (1);");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->count, 2);
  for (const char* bad :
       {"", ";", "SELEC 1", "BEGIN; SELECT 1; COMMIT", "SAVEPOINT x", "VACUUM a",
        "CREATE DATABASE d", "CREATE INDEX CONCURRENTLY i ON a (id)", "DROP INDEX CONCURRENTLY i",
        "REINDEX TABLE CONCURRENTLY a; SELECT 1", "ALTER SYSTEM SET work_mem = '1MB'"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(CheckStatements(bad).ok());
  }
  EXPECT_FALSE(a->alone);
}

// REINDEX CONCURRENTLY cannot run in a transaction block, and is safe to run again: alone, it
// runs outside one, under the lock it takes.
TEST(DdlTableTest, ALoneReindexConcurrentlyRunsOutsideATransaction) {
  Result<StatementsAnalysis> a = CheckStatements("REINDEX TABLE CONCURRENTLY a;");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->alone);
  EXPECT_EQ(a->relations.size(), 1u);
  const Statement s = UserSql("REINDEX TABLE CONCURRENTLY a;", a->alone);
  EXPECT_FALSE(s.transactional);
  EXPECT_EQ(s.lock, Lock::kShareUpdateExclusive);
  EXPECT_TRUE(UserSql("SELECT 1").transactional);
}

TEST(DdlTableTest, DropsAreInferredOnlyForPlainCreates) {
  auto drops = InferDropStatements(
      "CREATE SCHEMA s; CREATE TYPE s.\"Size\" AS ENUM ('a'); CREATE DOMAIN pos AS int CHECK "
      "(VALUE > 0); CREATE SEQUENCE q; CREATE TYPE pair AS (a int, b int); CREATE TYPE r AS "
      "RANGE (subtype = int); CREATE EXTENSION hstore");
  ASSERT_TRUE(drops.has_value());
  std::vector<std::string> sql;
  for (const Statement& d : *drops) {
    EXPECT_TRUE(d.deletes_data) << d.sql;
    sql.push_back(d.sql);
  }
  EXPECT_EQ(sql, (std::vector<std::string>{"DROP EXTENSION \"hstore\"", "DROP TYPE \"r\"",
                                           "DROP TYPE \"pair\"", "DROP SEQUENCE \"q\"",
                                           "DROP DOMAIN \"pos\"", "DROP TYPE \"s\".\"Size\"",
                                           "DROP SCHEMA \"s\""}));
  for (const char* not_inferred :
       {"CREATE TABLE IF NOT EXISTS a (id int)", "CREATE SEQUENCE IF NOT EXISTS q",
        "CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE INDEX ON a (id)",
        "CREATE INDEX IF NOT EXISTS i ON a (id)", "CREATE EXTENSION IF NOT EXISTS hstore",
        "CREATE SCHEMA s CREATE TABLE t (id int)", "ALTER TABLE a ADD COLUMN b int",
        "CREATE TABLE a (id int); UPDATE b SET x = 1", "not sql"}) {
    SCOPED_TRACE(not_inferred);
    EXPECT_FALSE(InferDropStatements(not_inferred).has_value());
  }
}

TEST(DdlTableTest, TrimStatementsDropsTrailingSemicolonsAndSpace) {
  EXPECT_EQ(TrimStatements("  CREATE TYPE a AS ENUM ('x');; \n"), "CREATE TYPE a AS ENUM ('x')");
  EXPECT_EQ(TrimStatements("SELECT ';'"), "SELECT ';'");
}

TEST(DdlTableTest, BuildersQuoteEveryIdentifier) {
  const Rel t{"public", "we\"ird"};
  EXPECT_EQ(RenameTable(t, "new\"name").sql,
            "ALTER TABLE \"public\".\"we\"\"ird\" RENAME TO \"new\"\"name\"");
  EXPECT_EQ(SetReplicaIdentity(t, "INDEX", "i\"x").sql,
            "ALTER TABLE \"public\".\"we\"\"ird\" REPLICA IDENTITY USING INDEX \"i\"\"x\"");
  EXPECT_EQ(CommentOnTable(t, std::string("it's")).sql,
            "COMMENT ON TABLE \"public\".\"we\"\"ird\" IS 'it''s'");
  EXPECT_EQ(CommentOnTable(t, std::nullopt).sql,
            "COMMENT ON TABLE \"public\".\"we\"\"ird\" IS NULL");
}

}  // namespace
}  // namespace pgphase::ddl
