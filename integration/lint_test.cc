// `pgphase lint` over the migration's own SQL: each of the twelve unsafe statements of issue
// 11 is an error (exit 2) naming its rule, file and line:col; its safe form passes; and
// `apply` refuses what lint refuses, before anything changes, unless unsafe_ok names it.
#include <string>
#include <vector>

#include "harness.h"

namespace pgphase::it {
namespace {

struct Unsafe {
  const char* rule;
  const char* sql;
  const char* safe;  // "" when there is no online form
};

const std::vector<Unsafe>& Twelve() {
  static const std::vector<Unsafe> u = {
      {"create-index-not-concurrently", "CREATE INDEX i ON t (a)", ""},
      {"alter-column-type", "ALTER TABLE t ALTER COLUMN a TYPE bigint", ""},
      {"validating-foreign-key", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES t (a)",
       "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES t (a) NOT VALID"},
      {"set-not-null", "ALTER TABLE t ALTER COLUMN a SET NOT NULL", ""},
      {"validating-check", "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)",
       "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID"},
      {"vacuum-full", "VACUUM FULL t", ""},
      {"volatile-default", "ALTER TABLE t ADD COLUMN r float8 DEFAULT random()",
       "ALTER TABLE t ADD COLUMN r float8 DEFAULT 0"},
      {"unique-constraint", "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)", ""},
      {"lock-table", "LOCK TABLE t IN ACCESS EXCLUSIVE MODE", ""},
      {"cluster", "CLUSTER t USING i", ""},
      {"add-primary-key", "ALTER TABLE t ADD PRIMARY KEY (a)", ""},
      {"reindex", "REINDEX TABLE t", ""},
  };
  return u;
}

std::string SqlSpec(const std::string& sql, const std::string& extra = "") {
  return "operations:\n  - sql:\n      up: " + sql + "\n" + extra;
}

using LintCommandTest = PgphaseTest;

TEST_F(LintCommandTest, EachOfTheTwelveUnsafeStatementsExits2AndItsSafeFormPasses) {
  for (const auto& u : Twelve()) {
    SCOPED_TRACE(u.sql);
    const std::string spec = WriteSpec("0001_unsafe", SqlSpec(u.sql));
    RunResult r = RunNoDb({"lint", spec});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find(spec + ":3:11: error " + std::string(u.rule) + ": sql.up: "),
              std::string::npos)
        << r;
    EXPECT_NE(r.err.find("; safe: "), std::string::npos) << r;
    if (*u.safe != '\0') {
      RunResult ok = RunNoDb({"lint", WriteSpec("0001_safe", SqlSpec(u.safe))});
      EXPECT_EQ(ok.exit_code, 0) << ok;
    }
  }
}

TEST_F(LintCommandTest, ApplyRefusesAnUnsafeStatementUnlessUnsafeOkNamesItsRule) {
  Exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1)");
  const std::string sql = "ALTER TABLE t ALTER COLUMN a SET NOT NULL";
  RunResult refused = Run({"apply", WriteSpec("0001_nn", SqlSpec(sql))});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_NE(refused.err.find("set-not-null"), std::string::npos) << refused;
  EXPECT_FALSE(ColumnNotNull("t", "a"));
  const std::string accepted =
      WriteSpec("0002_nn", SqlSpec(sql, "      unsafe_ok: [set-not-null]\n"));
  RunResult plan = Run({"plan", accepted});
  EXPECT_EQ(plan.exit_code, 0) << plan;
  EXPECT_NE(plan.out.find("(accepted: unsafe_ok)"), std::string::npos) << plan;
  Apply(accepted, "swap");
  EXPECT_TRUE(ColumnNotNull("t", "a"));
}

// No server listens on port 1: a command that gets as far as connecting fails otherwise.
constexpr const char* kNoServer = "postgresql://127.0.0.1:1/none?connect_timeout=2";

TEST_F(LintCommandTest, AnExpressionThatDoesNotParseIsReportedWithItsLineBeforeConnecting) {
  const std::string spec =
      WriteSpec("0001_broken",
                "operations:\n  - add_column:\n      table: t\n      up: amount +\n"
                "      column: {name: u, type: int, nullable: true}\n");
  for (const char* command : {"lint", "plan", "apply"}) {
    SCOPED_TRACE(command);
    RunResult r = RunNoDb({command, spec, "--db", kNoServer});
    if (std::string(command) == "lint") r = RunNoDb({command, spec});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(
        r.err.find(spec + ":4:11: error syntax: add_column.up: the expression does not parse"),
        std::string::npos)
        << r;
    EXPECT_EQ(r.err.find("connect"), std::string::npos) << r;
  }
}

TEST_F(LintCommandTest, ASerialPrimaryKeyWarnsAndAnEnumValueAddedWithOtherStatementsIsAnError) {
  RunResult serial = RunNoDb(
      {"lint", WriteSpec("0001_serial", SqlSpec("\"CREATE TABLE x (id bigserial PRIMARY KEY)\""))});
  EXPECT_EQ(serial.exit_code, 0) << serial;
  EXPECT_NE(serial.out.find("warning serial-primary-key"), std::string::npos) << serial;
  RunResult enum_value = RunNoDb(
      {"lint", WriteSpec("0002_enum", SqlSpec("\"ALTER TYPE mood ADD VALUE 'meh'; SELECT 1\""))});
  EXPECT_EQ(enum_value.exit_code, 2) << enum_value;
  EXPECT_NE(enum_value.err.find("error enum-add-value-in-transaction"), std::string::npos)
      << enum_value;
}

}  // namespace
}  // namespace pgphase::it
