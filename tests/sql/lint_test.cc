// Each unsafe statement of the lint list is found with its rule and severity; its safe form
// passes.
#include "pgphase/lint.h"

#include <gtest/gtest.h>

namespace pgphase {
namespace {

struct Case {
  const char* rule;
  const char* unsafe;
  const char* safe;  // "" when there is no online form
};

const Case kCases[] = {
    {"create-index-not-concurrently", "CREATE INDEX i ON t (a)",
     "CREATE INDEX CONCURRENTLY i ON t (a)"},
    {"alter-column-type", "ALTER TABLE t ALTER COLUMN a TYPE bigint", ""},
    {"validating-foreign-key", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)",
     "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID"},
    {"set-not-null", "ALTER TABLE t ALTER COLUMN a SET NOT NULL", ""},
    {"validating-check", "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)",
     "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID"},
    {"vacuum-full", "VACUUM FULL t", "VACUUM t"},
    {"volatile-default", "ALTER TABLE t ADD COLUMN r float8 DEFAULT random()",
     "ALTER TABLE t ADD COLUMN r float8 DEFAULT 0"},
    {"unique-constraint", "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)",
     "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i"},
    {"lock-table", "LOCK TABLE t IN ACCESS EXCLUSIVE MODE", ""},
    {"cluster", "CLUSTER t USING i", ""},
    {"add-primary-key", "ALTER TABLE t ADD PRIMARY KEY (id)",
     "ALTER TABLE t ADD PRIMARY KEY USING INDEX i"},
    {"reindex", "REINDEX TABLE t", "REINDEX TABLE CONCURRENTLY t"},
    {"truncate", "TRUNCATE t", ""},
    {"drop-without-if-exists", "DROP TABLE t", "DROP TABLE IF EXISTS t"},
    {"generated-stored-column", "ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) STORED",
     "ALTER TABLE t ADD COLUMN g int"},
    {"json-type", "ALTER TABLE t ADD COLUMN j json", "ALTER TABLE t ADD COLUMN j jsonb"},
    {"refresh-not-concurrently", "REFRESH MATERIALIZED VIEW v",
     "REFRESH MATERIALIZED VIEW CONCURRENTLY v"},
    {"rename", "ALTER TABLE t RENAME COLUMN a TO b", ""},
    {"wide-index", "CREATE INDEX CONCURRENTLY i ON t (a, b, c, d)",
     "CREATE INDEX CONCURRENTLY i ON t (a, b, c)"},
};

TEST(SqlLintTest, EachUnsafeStatementIsFoundAndItsSafeFormPasses) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.unsafe);
    const auto found = LintSql(c.unsafe);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].rule, c.rule);
    EXPECT_FALSE(found[0].safe.empty());
    if (*c.safe != '\0') {
      EXPECT_TRUE(LintSql(c.safe).empty()) << c.safe;
    }
  }
}

TEST(SqlLintTest, FindingsSayWhereTheirStatementStartsAndItsSeverity) {
  const std::string sql = "SELECT 1;\n  CREATE INDEX i ON t (a);\nDROP TABLE t";
  const auto found = LintSql(sql);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(LineColumnAt(sql, found[0].offset), std::make_pair(2, 3));
  EXPECT_EQ(found[0].severity, Severity::kError);
  EXPECT_EQ(LineColumnAt(sql, found[1].offset), std::make_pair(3, 1));
  EXPECT_EQ(found[1].severity, Severity::kWarning);
}

TEST(SqlLintTest, StatementsOnATableTheSqlCreatesAreNotFindings) {
  EXPECT_TRUE(LintSql("CREATE TABLE s.x (a int); CREATE INDEX i ON s.x (a); "
                      "ALTER TABLE s.x ADD CONSTRAINT u UNIQUE (a)")
                  .empty());
  EXPECT_EQ(LintSql("CREATE TABLE x (a int); CREATE INDEX i ON s.x (a)").size(), 1u);
}

TEST(SqlLintTest, SqlThatDoesNotParseIsASyntaxError) {
  const auto found = LintSql("ALTER TABLE t ADD COLUMNN x int");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "syntax");
  EXPECT_EQ(found[0].severity, Severity::kError);
}

}  // namespace
}  // namespace pgphase
