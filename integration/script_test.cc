// `plan --format sql` is the script apply runs: run with psql on a database of its own, it
// leaves the schema apply leaves; and squawk, a linter of PostgreSQL migrations, finds nothing
// in it but what a migration asks for on purpose.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace pgphase::it {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSchema = R"sql(
CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, email text, age int,
                    legacy text);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, amount text);
INSERT INTO users (name, email, age, legacy)
  SELECT 'user' || i, 'user' || i || '@example.com', 20 + i % 50, 'x' FROM generate_series(1, 300) i;
INSERT INTO orders (user_id, amount) SELECT 1 + i % 300, (i * 1.5)::text FROM generate_series(1, 500) i;
ANALYZE;
)sql";

struct Migration {
  const char* name;
  const char* yaml;
};

// Eight ordinary changes, applied in this order: a type change, a NOT NULL column with a
// backfill, a rename, a foreign key, an index, a unique constraint, a dropped column, a check.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> m = {
      {"m1_amount_numeric",
       "operations:\n  - alter_column:\n      table: orders\n      column: amount\n"
       "      type: numeric(12,2)\n      up: amount::numeric(12,2)\n      down: amount::text\n"},
      {"m2_shout",
       "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n      column:\n"
       "        name: shout\n        type: text\n        nullable: false\n"},
      {"m3_rename",
       "operations:\n  - rename_column:\n      table: users\n      from: legacy\n"
       "      to: note\n"},
      {"m4_fk",
       "operations:\n  - alter_column:\n      table: orders\n      column: user_id\n"
       "      references:\n        name: fk_orders_user\n        table: users\n"
       "        column: id\n      up: user_id\n      down: user_id\n"},
      {"m5_index",
       "operations:\n  - create_index:\n      name: users_name_idx\n      table: users\n"
       "      columns:\n        - column: name\n"},
      {"m6_unique",
       "operations:\n  - alter_column:\n      table: users\n      column: email\n"
       "      unique:\n        name: users_email_unique\n      up: email\n      down: email\n"},
      {"m7_drop",
       "operations:\n  - drop_column:\n      table: users\n      column: note\n"
       "      down: \"'x'\"\n"},
      {"m8_check",
       "operations:\n  - alter_column:\n      table: users\n      column: age\n"
       "      check:\n        name: age_positive\n        constraint: age >= 0\n"
       "      up: greatest(age, 0)\n      down: age\n"},
  };
  return m;
}

// psql next to pg_dump.
std::string PsqlPath() {
  const fs::path p = fs::path(PgDumpPath()).parent_path() / "psql";
  return fs::exists(p) ? p.string() : "psql";
}

class ScriptTest : public PgphaseTest {
 protected:
  // `plan --format sql` of the migration against the test database, written to a file.
  std::string PlanScript(const std::string& spec, const std::string& name) {
    RunResult r = Run({"plan", spec, "--format", "sql"});
    EXPECT_EQ(r.exit_code, 0) << r;
    const std::string path = temp_dir() + "/" + name + ".sql";
    std::ofstream(path) << r.out;
    return path;
  }
};

RunResult RunScript(const std::string& url, const std::string& path) {
  return RunCommand({PsqlPath(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", path});
}

TEST_F(ScriptTest, PsqlRunningThePlanScriptsLeavesTheSchemaApplyLeaves) {
  Exec(kSchema);
  const TestDatabase other(*AdminUrl(), DatabaseNameFor("psql_script", getpid()), false);
  ASSERT_EQ(RunScript(other.url(), WriteSpec("schema", kSchema)).exit_code, 0);
  for (const auto& m : Migrations()) {
    SCOPED_TRACE(m.name);
    const std::string spec = WriteSpec(m.name, m.yaml);
    const std::string script = PlanScript(spec, m.name);
    RunResult r = RunScript(other.url(), script);
    ASSERT_EQ(r.exit_code, 0) << r;
    Apply(spec, "contract");
    ASSERT_EQ(SchemaDumpOf(other.url()), SchemaDump());
  }
  // The backfill really ran in the script: NOT NULL was set over filled rows.
  pqxx::connection c(other.url());
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM users WHERE shout = upper(name)")[0].as<int>(), 300);
}

TEST_F(ScriptTest, PsqlRunningTheReverseScriptUndoesExpandThroughSwap) {
  Exec(kSchema);
  const std::string before = SchemaDump();
  const std::string spec = WriteSpec(Migrations()[0].name, Migrations()[0].yaml);
  RunResult forward = Run({"plan", spec, "--format", "sql"});
  ASSERT_EQ(forward.exit_code, 0) << forward;
  RunResult reverse = Run({"plan", spec, "--format", "sql", "--reverse"});
  ASSERT_EQ(reverse.exit_code, 0) << reverse;
  // Forward through swap only: cut the script where contract begins.
  const std::string through_swap = forward.out.substr(0, forward.out.find("\n-- phase contract"));
  std::ofstream(temp_dir() + "/f.sql") << through_swap;
  std::ofstream(temp_dir() + "/r.sql") << reverse.out;
  ASSERT_EQ(RunScript(db_url(), temp_dir() + "/f.sql").exit_code, 0);
  ASSERT_NE(SchemaDump(), before);
  RunResult r = RunScript(db_url(), temp_dir() + "/r.sql");
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(SchemaDump(), before);
}

// squawk's rules that a plan breaks on purpose: dropping (contract) and renaming (swap), and
// the rules on a column's type, which the user chose (a shadow column has the type of its
// column). Everything else it finds is a defect of the script.
const std::set<std::string> kOnPurposeInSwapOrContract = {"ban-drop-column", "ban-drop-table",
                                                          "renaming-column", "renaming-table"};
const std::set<std::string> kUsersTypes = {"prefer-bigint-over-int", "prefer-bigint-over-smallint",
                                           "prefer-text-field", "prefer-timestamptz",
                                           "prefer-identity"};

// The 1-based line of `script` where swap begins.
int SwapLine(const std::string& script) {
  const size_t at = script.find("\n-- phase swap");
  return 2 + static_cast<int>(std::count(script.begin(), script.begin() + at, '\n'));
}

TEST_F(ScriptTest, SquawkFindsNothingButDropsAndRenamesInSwapOrContractAndTheUsersTypes) {
  if (RunCommand({"npx", "--version"}, Millis(30'000)).exit_code != 0)
    GTEST_SKIP() << "npx is not installed: squawk (npm squawk-cli) not run";
  Exec(kSchema);
  std::vector<std::string> findings;
  for (const auto& m : Migrations()) {
    const std::string spec = WriteSpec(m.name, m.yaml);
    const std::string path = PlanScript(spec, m.name);
    std::ifstream in(path);
    const std::string script((std::istreambuf_iterator<char>(in)), {});
    RunResult r =
        RunCommand({"npx", "--yes", "squawk-cli", "--reporter", "gcc", "--pg-version=15.0", path},
                   Millis(240'000));
    if (r.exit_code != 0 && r.out.find(": warning: ") == std::string::npos &&
        r.out.find(": error: ") == std::string::npos)
      GTEST_SKIP() << "squawk did not run (no npm registry?):\n" << r;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      // path:line:col: warning: rule message
      const size_t level = line.find(": warning: ") != std::string::npos ? line.find(": warning: ")
                                                                         : line.find(": error: ");
      if (level == std::string::npos) continue;
      const size_t rule_at = line.find(": ", level + 2) + 2;
      const std::string rule = line.substr(rule_at, line.find(' ', rule_at) - rule_at);
      const int at = std::stoi(line.substr(path.size() + 1));
      if (kUsersTypes.count(rule) ||
          (kOnPurposeInSwapOrContract.count(rule) && at >= SwapLine(script)))
        continue;
      findings.push_back(line);
    }
    Apply(spec, "contract");
  }
  std::string all;
  for (const auto& f : findings) all += f + "\n";
  EXPECT_TRUE(findings.empty()) << all;
}

}  // namespace
}  // namespace pgphase::it
