// Golden SQL for every tests/golden/*.yaml: the planner's output is reviewed like code.
// PGPHASE_UPDATE_GOLDEN=1 rewrites the .sql files; review the diff before committing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pgphase/plan.h"
#include "pgphase/spec.h"
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

TEST(GoldenTest, EveryGoldenSpecPlansToItsReviewedSql) {
  const auto specs = GoldenSpecs();
  ASSERT_GE(specs.size(), 6u);
  const bool update = std::getenv("PGPHASE_UPDATE_GOLDEN") != nullptr;
  for (const auto& yaml : specs) {
    SCOPED_TRACE(yaml.filename().string());
    auto spec = ParseSpec(ReadFile(yaml), yaml.filename().string());
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    auto plan = BuildPlan(*spec, testing::FakeCatalog());
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    const std::string sql = RenderPlanSql(*plan);
    fs::path golden = yaml;
    golden.replace_extension(".sql");
    if (update) {
      std::ofstream(golden, std::ios::binary) << sql;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << "missing " << golden << "; run with PGPHASE_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadFile(golden), sql);
  }
}

}  // namespace
}  // namespace pgphase
