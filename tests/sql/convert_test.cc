// ConvertSql: plain DDL as pgphase operations, with the casts the change implies and every
// guess marked; what has no operation stays SQL with its lint findings. (The round trip through
// lint and apply is ConvertTest, integration/convert_test.cc.)
#include "pgphase/convert.h"

#include <gtest/gtest.h>

namespace pgphase {
namespace {

std::string Converted(const std::string& sql) {
  auto yaml = ConvertSql(sql, "in.sql");
  EXPECT_TRUE(yaml.ok()) << yaml.status().message();
  return yaml.ok() ? *yaml : "";
}

struct Case {
  const char* sql;
  std::vector<const char*> lines;  // each must appear in the YAML
};

TEST(ConvertSqlTest, EachStatementBecomesItsOperation) {
  const Case cases[] = {
      {"ALTER TABLE t ALTER COLUMN a TYPE bigint",
       {"  - alter_column:\n      table: t\n      column: a\n      type: bigint\n",
        "      up: \"CAST(a AS bigint)\"", "      down: \"a\"  # guess: the old type"}},
      {"ALTER TABLE t ALTER COLUMN \"order\" TYPE numeric(12,2) USING \"order\"::numeric(12,2)",
       {"      type: \"numeric(12,2)\"\n", "      up: \"\\\"order\\\"::numeric(12,2)\"\n",
        "      down: \"\\\"order\\\"\"  # guess"}},
      {"ALTER TABLE t ADD COLUMN n text NOT NULL DEFAULT 'x' CHECK (length(n) > 0)",
       {"        default: \"'x'\"\n", "          constraint: \"length(n) > 0\"\n",
        "          name: t_n_check  # guess", "        nullable: false\n"}},
      {"ALTER TABLE t ADD COLUMN m int NOT NULL", {"      up: \"NULL\"  # guess: existing rows"}},
      {"ALTER TABLE t ALTER COLUMN e SET DEFAULT (1 + 2) * 3, ALTER COLUMN e DROP DEFAULT",
       {"      default: \"(1 + 2) * 3\"\n", "      default: null\n"}},
      {"ALTER TABLE t ADD PRIMARY KEY (id)",
       {"      type: primary_key\n      name: t_pkey  # guess", "      columns: [id]\n"}},
      {"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (b) REFERENCES u (id) ON DELETE SET NULL",
       {"      type: foreign_key\n      name: f\n      columns: [b]\n      references:\n"
        "        table: u\n        columns: [id]\n        on_delete: \"SET NULL\"\n"}},
      {"ALTER TABLE t RENAME COLUMN x TO z", {"  - rename_column:\n      table: t\n"}},
      {"CREATE UNIQUE INDEX i ON t USING hash (a) WHERE a > 0",
       {"      columns: [a]\n      unique: true\n      method: hash\n      predicate: \"a > "
        "0\"\n"}},
      {"DROP INDEX CONCURRENTLY IF EXISTS i", {"  - drop_index:\n      name: i\n"}},
      {"REINDEX TABLE t", {"      up: \"REINDEX TABLE CONCURRENTLY t\""}},
      {"LOCK TABLE t", {"      # lint: error lock-table: ", "      up: \"LOCK TABLE t\"\n"}},
      // One part pgphase cannot express (a generated column): the whole statement stays SQL.
      {"ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a) STORED, ADD COLUMN h int",
       {"  - sql:\n      # lint: error generated-stored-column"}},
      {"ALTER TABLE other.t ADD COLUMN h int", {"  - sql:\n"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    const std::string yaml = Converted(c.sql);
    for (const char* line : c.lines)
      EXPECT_NE(yaml.find(line), std::string::npos) << line << "\n" << yaml;
  }
}

TEST(ConvertSqlTest, StatementsKeepTheirOrderUnderOneOperationsList) {
  const std::string yaml = Converted("CREATE INDEX i ON t (a); DROP TABLE old; VACUUM FULL t;");
  const size_t index = yaml.find("create_index"), drop = yaml.find("drop_table"),
               sql = yaml.find("vacuum-full");
  EXPECT_EQ(yaml.find("operations:\n"), yaml.find('\n') + 1) << yaml;
  EXPECT_LT(index, drop);
  EXPECT_LT(drop, sql);
  EXPECT_NE(sql, std::string::npos);
}

TEST(ConvertSqlTest, SqlThatDoesNotParseSaysWhere) {
  auto yaml = ConvertSql("SELECT 1;\nALTER TABLEE t;", "in.sql");
  ASSERT_FALSE(yaml.ok());
  EXPECT_NE(yaml.status().message().find("in.sql:2:"), std::string::npos)
      << yaml.status().message();
  EXPECT_FALSE(ConvertSql("  ", "in.sql").ok());
}

}  // namespace
}  // namespace pgphase
