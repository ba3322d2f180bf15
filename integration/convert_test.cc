// `pgphase convert`: each of the twelve unsafe statements of issue 11 converts into a migration
// that `lint` passes and `apply` runs through contract, leaving what the statement would have
// made; VACUUM FULL, CLUSTER and LOCK TABLE, which have no online form, become a `sql`
// operation that lint refuses, naming the rule.
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace pgphase::it {
namespace {

class ConvertTest : public PgphaseTest {
 protected:
  // Converts `sql` (written to <name>.sql) into <name>.yaml; returns its path.
  std::string Convert(const std::string& name, const std::string& sql) {
    const std::string in = temp_dir() + "/" + name + ".sql";
    std::ofstream(in) << sql << "\n";
    RunResult r = RunNoDb({"convert", in});
    EXPECT_EQ(r.exit_code, 0) << r;
    return WriteSpec(name, r.out);
  }
};

struct Online {
  const char* sql;
  const char* check;  // a query that is true once the change is made
};

TEST_F(ConvertTest, EachUnsafeStatementWithASafeFormConvertsLintsCleanAndApplies) {
  Exec(
      "CREATE TABLE u (id int PRIMARY KEY); INSERT INTO u SELECT generate_series(1, 50);"
      "CREATE TABLE k (id int NOT NULL); INSERT INTO k SELECT generate_series(1, 50);"
      "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);"
      "INSERT INTO t SELECT i, i, i, i FROM generate_series(1, 50) i");
  // REINDEX CONCURRENTLY builds the index anew: a new file node.
  const std::string reindexed =
      "pg_relation_filenode('t_pkey') <> " + Scalar("SELECT pg_relation_filenode('t_pkey')");
  const std::vector<Online> cases = {
      {"CREATE INDEX t_a_idx ON t (a)", "to_regclass('t_a_idx') IS NOT NULL"},
      {"ALTER TABLE t ALTER COLUMN a TYPE bigint",
       "format_type(atttypid, atttypmod) = 'bigint' FROM pg_attribute WHERE attrelid = "
       "'t'::regclass "
       "AND attname = 'a'"},
      {"ALTER TABLE t ADD CONSTRAINT t_b_fkey FOREIGN KEY (b) REFERENCES u (id)",
       "convalidated FROM pg_constraint WHERE conname = 't_b_fkey'"},
      {"ALTER TABLE t ALTER COLUMN c SET NOT NULL",
       "attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'"},
      {"ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0)",
       "convalidated FROM pg_constraint WHERE conname = 't_a_positive'"},
      {"ALTER TABLE t ADD COLUMN r float8 DEFAULT random()", "count(*) = 0 FROM t WHERE r IS NULL"},
      {"ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c)",
       "count(*) = 1 FROM pg_constraint WHERE conname = 't_c_key' AND contype = 'u'"},
      {"ALTER TABLE k ADD PRIMARY KEY (id)",
       "count(*) = 1 FROM pg_constraint WHERE conrelid = 'k'::regclass AND contype = 'p'"},
      {"REINDEX TABLE t", reindexed.c_str()},
  };
  int n = 0;
  for (const Online& c : cases) {
    SCOPED_TRACE(c.sql);
    const std::string spec = Convert("000" + std::to_string(++n) + "_converted", c.sql);
    RunResult lint = RunNoDb({"lint", spec});
    EXPECT_EQ(lint.exit_code, 0) << lint;
    RunResult apply = Run({"apply", spec, "--through", "contract"});
    ASSERT_EQ(apply.exit_code, 0) << apply;
    EXPECT_EQ(Scalar("SELECT " + std::string(c.check)), "t");
  }
}

TEST_F(ConvertTest, CreateTableWithIdentityAndGeneratedColumnsConvertsLintsCleanAndApplies) {
  const std::string spec =
      Convert("0001_orders",
              "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
              "  total numeric(12,2) NOT NULL DEFAULT 0,\n"
              "  tax numeric GENERATED ALWAYS AS (total * 0.2) STORED,\n"
              "  email text,\n"
              "  CONSTRAINT positive CHECK (total >= 0));");
  RunResult lint = RunNoDb({"lint", spec});
  EXPECT_EQ(lint.exit_code, 0) << lint;
  RunResult apply = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(apply.exit_code, 0) << apply;
  EXPECT_EQ(
      Scalar("SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod) || ':' || "
             "attnotnull || ':' || attidentity::text || attgenerated::text, ' ' ORDER BY attnum) "
             "FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0"),
      "id:bigint:true:a total:numeric(12,2):true: tax:numeric:false:s email:text:false:");
  EXPECT_EQ(Scalar("SELECT string_agg(conname || ' ' || contype::text, ', ' ORDER BY conname) "
                   "FROM pg_constraint WHERE conrelid = 'orders'::regclass"),
            "orders_pkey p, positive c");
  ExecP("INSERT INTO orders (total) VALUES ($1)", "10");
  EXPECT_EQ(Scalar("SELECT id || ' ' || tax FROM orders"), "1 2.000");
}

TEST_F(ConvertTest, StatementsWithoutAnOnlineFormBecomeSqlThatLintRefusesByRule) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"VACUUM FULL t", "vacuum-full"},
      {"CLUSTER t USING t_pkey", "cluster"},
      {"LOCK TABLE t IN ACCESS EXCLUSIVE MODE", "lock-table"},
  };
  for (const auto& [sql, rule] : cases) {
    SCOPED_TRACE(sql);
    const std::string spec = Convert("0001_offline", sql);
    RunResult lint = RunNoDb({"lint", spec});
    EXPECT_EQ(lint.exit_code, 2) << lint;
    EXPECT_NE(lint.err.find(std::string("error ") + rule + ": sql.up"), std::string::npos) << lint;
  }
}

TEST_F(ConvertTest, SqlThatDoesNotParseIsReportedWithItsLine) {
  const std::string in = temp_dir() + "/broken.sql";
  std::ofstream(in) << "CREATE INDEX i ON t (a);\nALTER TABLEE t ADD COLUMN x int;\n";
  RunResult r = RunNoDb({"convert", in});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find(in + ":2:"), std::string::npos) << r;
}

}  // namespace
}  // namespace pgphase::it
