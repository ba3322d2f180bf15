// `plan --schema FILE` against `plan --db` (issue 11, "Review without a database"): the plan
// from a schema file equals the plan from a database loaded with that same file, byte for
// byte, row estimates left out. The file is what `pg_dump --schema-only` makes of the database
// (its `\restrict` lines kept: the reader skips them), for every migration in plans/ and for
// each step of pgroll's example chain (in .ledger order, each applied before the next is
// planned).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"

namespace pgphase::it {
namespace {

const std::string kExamplesDir = PGPHASE_SOURCE_DIR "/../shared/conformance/pgroll-examples";
const std::string kPlansDir = PGPHASE_SOURCE_DIR "/plans";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Row estimates out: a file has none, a database has reltuples.
std::string WithoutRowEstimates(const std::string& plan) {
  static const std::regex kAbout("about [0-9]+");
  static const std::regex kEstimated("(\"estimated_rows\": ?)[0-9]+");
  static const std::regex kTableRows("(\"[^\"]+\\.[^\"]+\": ?)[0-9]+");
  std::string out = std::regex_replace(plan, kAbout, "about N");
  out = std::regex_replace(out, kEstimated, "$1N");
  return std::regex_replace(out, kTableRows, "$1N");
}

std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
  return "--db:     " + a.substr(from, 300) + "\n--schema: " + b.substr(from, 300);
}

class SchemaFileTest : public PgphaseTest {
 protected:
  // pg_dump --schema-only of the test database, as a user would take it (owners, privileges,
  // the \restrict lines and pgphase's own schema included), written to a file.
  std::string DumpToFile() {
    RunResult r = RunCommand({PgDumpPath(), "--schema-only", "--dbname=" + db_url()});
    EXPECT_EQ(r.exit_code, 0) << r;
    const std::string path = temp_dir() + "/dump.sql";
    std::ofstream(path) << r.out;
    return path;
  }

  // "" when `plan --db` and `plan --schema` print the same in every format, else why not.
  std::string Compare(const std::string& spec, const std::string& schema_file) {
    for (const char* format : {"text", "sql", "json"}) {
      RunResult live = Run({"plan", spec, "--format", format});
      RunResult file = RunNoDb({"plan", spec, "--format", format, "--schema", schema_file});
      if (live.exit_code != 0 || file.exit_code != 0) {
        std::ostringstream s;
        s << "a plan failed:\n" << live << file;
        return s.str();
      }
      const std::string a = WithoutRowEstimates(live.out), b = WithoutRowEstimates(file.out);
      if (a != b)
        return std::string(format) + " differs:\n" + FirstDifference(a, b) + "\n" + file.err;
    }
    return "";
  }
};

TEST_F(SchemaFileTest, PlansDirMigrationsPlanTheSameFromTheDumpAndFromTheDatabase) {
  Exec(ReadText(kPlansDir + "/demo/schema.sql"));
  const std::string dump = DumpToFile();
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kPlansDir)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_EQ(Compare(entry.path().string(), dump), "") << entry.path();
    // The hand-written schema.sql itself is such a file too.
    EXPECT_EQ(Compare(entry.path().string(), kPlansDir + "/demo/schema.sql"), "") << entry.path();
    ++compared;
  }
  std::printf("plan --schema: %d plans/ migrations compared\n", compared);
  EXPECT_GE(compared, 1);
}

TEST_F(SchemaFileTest, WarnsWithTheLineOfWhatTheSnapshotCannotHold) {
  const std::string schema = temp_dir() + "/schema.sql";
  std::ofstream(schema) << "\\restrict abc\n"
                           "SET lock_timeout = 0;\n"
                           "CREATE TABLE public.users (id bigint NOT NULL, name text);\n"
                           "CREATE POLICY p ON public.users USING (true);\n"
                           "\\unrestrict abc\n";
  const std::string spec = WriteSpec("01_add", R"(
operations:
  - add_column:
      table: users
      column: {name: email, type: text, nullable: true}
)");
  RunResult r = RunNoDb({"plan", spec, "--schema", schema});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.err.find("schema.sql:4: CreatePolicyStmt is not represented"), std::string::npos)
      << r;
  EXPECT_EQ(r.err.find("restrict"), std::string::npos) << r;
  EXPECT_EQ(r.err.find(":2:"), std::string::npos) << r;
}

// plan --schema knows pg_catalog's functions from a file generated from pg_proc: the test
// server's pg_proc must still give that file (else regenerate it, and say so in the commit).
TEST_F(SchemaFileTest, BuiltinFunctionsAreTheServers) {
  const std::string out = temp_dir() + "/builtin_functions.cc";
  RunResult r =
      RunCommand({"bash", PGPHASE_SOURCE_DIR "/scripts/gen_builtin_functions.sh", db_url(), out});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto without_version = [](std::string text) {
    return text.substr(text.find('\n'));  // the first line names the server's version
  };
  EXPECT_EQ(without_version(ReadText(out)),
            without_version(ReadText(PGPHASE_SOURCE_DIR "/src/catalog/builtin_functions.cc")));
}

TEST_F(SchemaFileTest, PgrollChainPlansTheSameFromTheDumpAndFromTheDatabase) {
  if (!std::filesystem::is_directory(kExamplesDir)) {
    GTEST_SKIP() << "pgroll's example migrations not found: looked for "
                 << std::filesystem::path(kExamplesDir).lexically_normal().string();
  }
  std::vector<std::string> files;
  std::istringstream ledger(ReadText(kExamplesDir + "/.ledger"));
  for (std::string line; std::getline(ledger, line);)
    if (!line.empty() && line[0] != '#') files.push_back(line);
  int equal = 0;
  std::string failures;
  for (const std::string& file : files) {
    const std::string path = kExamplesDir + "/" + file;
    if (const std::string why = Compare(path, DumpToFile()); why.empty()) {
      ++equal;
    } else {
      failures += file + ": " + why + "\n";
    }
    RunResult r = Run({"apply", path, "--through", "contract"});
    ASSERT_EQ(r.exit_code, 0) << r;  // the chain goes on from the applied file
  }
  std::printf("plan --schema: %d/%zu pgroll example plans equal to plan --db\n", equal,
              files.size());
  EXPECT_EQ(equal, static_cast<int>(files.size())) << failures;
}

}  // namespace
}  // namespace pgphase::it
