// The text rendering of `pgphase plan` (the sql rendering has golden files): each step's lock
// line says which timeout cuts it short.
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

// A NOT NULL unique column filled from `up`: an ACCESS EXCLUSIVE add, a backfill, a
// concurrent index build and a VALIDATE.
std::string RenderedUniqueShout() {
  auto spec = ParseSpec(
      "operations:\n"
      "  - add_column:\n"
      "      table: users\n"
      "      up: upper(name)\n"
      "      column: {name: shout, type: text, nullable: false, unique: true}\n",
      "0001_shout.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  if (!spec.ok()) return "";
  auto plan = BuildPlan(*spec, testing::FakeCatalog());
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? RenderPlanText(*plan) : "";
}

TEST(RenderPlanTextTest, EveryLockLineSaysWhichTimeoutApplies) {
  const std::string text = RenderedUniqueShout();
  for (const char* line : {
           "    lock: ACCESS EXCLUSIVE (statement_timeout applies)\n",
           "    lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)\n",
           "    lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout), outside "
           "a transaction\n",
           "    lock: ROW EXCLUSIVE (statement_timeout applies), one batch of rows at a time",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  size_t lock_lines = 0, with_timeout = 0;
  for (size_t at = text.find("    lock: "); at != std::string::npos;
       at = text.find("    lock: ", at + 1)) {
    ++lock_lines;
    const std::string line = text.substr(at, text.find('\n', at) - at);
    if (line.find("_timeout applies") != std::string::npos) ++with_timeout;
  }
  EXPECT_GT(lock_lines, 3u);
  EXPECT_EQ(with_timeout, lock_lines) << text;
}

}  // namespace
}  // namespace pgphase
