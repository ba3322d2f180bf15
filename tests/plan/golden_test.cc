// Golden SQL for every tests/golden/*.yaml: the planner's output is reviewed like code.
// PGPHASE_UPDATE_GOLDEN=1 rewrites the .sql files; review the diff before committing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> GoldenSpecs() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(PGPHASE_SOURCE_DIR) / "tests" / "golden"))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// One case per file, named after it: `--gtest_filter='*Golden*/add_column_nullable_up'` runs
// one, and a failing file never hides the others.
class GoldenTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, SpecPlansToItsReviewedSql) {
  const fs::path& yaml = GetParam();
  auto spec = ParseSpec(ReadFile(yaml), yaml.filename().string());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  PlanOptions options = testing::FakeOptions();
  // A spec with version schemas on plans as if a baseline (or an earlier migration) had made
  // public_v0, as the executor would read it from the state schema.
  SetVersionOptions(spec->settings, options);
  if (options.version_schemas) options.previous_version_schema = "public_v0";
  auto plan = BuildPlan(*spec, testing::FakeCatalog(), options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = RenderPlanSql(*plan);
  fs::path golden = yaml;
  golden.replace_extension(".sql");
  if (std::getenv("PGPHASE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << sql;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << "missing " << golden << "; run with PGPHASE_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(golden), sql);
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenTest, ::testing::ValuesIn(GoldenSpecs()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           return info.param.stem().string();
                         });

TEST(GoldenFilesTest, EveryGoldenSqlHasItsSpec) {
  ASSERT_GE(GoldenSpecs().size(), 6u);
  for (const auto& e : fs::directory_iterator(fs::path(PGPHASE_SOURCE_DIR) / "tests" / "golden")) {
    if (e.path().extension() != ".sql") continue;
    fs::path yaml = e.path();
    yaml.replace_extension(".yaml");
    EXPECT_TRUE(fs::exists(yaml)) << e.path() << " has no spec: delete it";
  }
}

}  // namespace
}  // namespace pgphase
