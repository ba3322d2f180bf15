// The renderings of `pgphase plan`: each step's lock line says which timeout cuts it short, and
// the script runs each statement as apply does (the goldens hold whole scripts).
#include <gtest/gtest.h>

#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

// A NOT NULL unique column filled from `up`: an ACCESS EXCLUSIVE add, a backfill, a
// concurrent index build and a VALIDATE.
Result<Plan> UniqueShoutPlan() {
  auto spec = ParseSpec(
      "operations:\n"
      "  - add_column:\n"
      "      table: users\n"
      "      up: upper(name)\n"
      "      column: {name: shout, type: text, nullable: false, unique: true}\n",
      "0001_shout.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, testing::FakeCatalog());
}

std::string RenderedUniqueShout() {
  auto plan = UniqueShoutPlan();
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? RenderPlanText(*plan) : "";
}

std::string ScriptOfUniqueShout(const ScriptOptions& options) {
  auto plan = UniqueShoutPlan();
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? RenderPlanSql(*plan, options) : "";
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

// The script runs each statement as apply does: a transactional one in its own transaction
// under SET LOCAL timeouts (statement_timeout set to scan_timeout where that is the limit), a
// CONCURRENTLY one alone after its cleanup, with session timeouts reset afterwards.
TEST(RenderPlanSqlTest, EachStatementRunsUnderTheTimeoutsApplySets) {
  ScriptOptions o;
  o.lock_timeout = Millis(250);
  o.statement_timeout = Millis(2000);
  o.scan_timeout = Millis(600000);
  const std::string sql = ScriptOfUniqueShout(o);
  for (const char* part : {
           "-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; "
           "rows: none read; hazards: access_exclusive_lock\nBEGIN;\nSET LOCAL lock_timeout = "
           "'250ms';\n"
           "SET LOCAL statement_timeout = '2000ms';\nALTER TABLE \"public\".\"users\" ADD COLUMN "
           "IF NOT EXISTS \"shout\" text;\nCOMMIT;\n",
           "outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: "
           "full_scan, "
           "index_build\n"
           "SET lock_timeout = '250ms';\nSET statement_timeout = '600000ms';\n"
           "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_shout_key\";\n"
           "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_shout_key\"",
           ";\nRESET lock_timeout;\nRESET statement_timeout;\n",
           "SET LOCAL pgphase.filling = on;\nSET LOCAL synchronous_commit = off;\nPREPARE "
           "pgphase_batch AS ",
           "EXECUTE pgphase_batch(50000);\nDEALLOCATE pgphase_batch;\nCOMMIT;\n",
           "-- phase contract (irreversible: runs only with --through contract)",
       }) {
    EXPECT_NE(sql.find(part), std::string::npos) << part << "\nin:\n" << sql;
  }
}

// --reverse: each phase's undo statements, the last phase and step first; contract has none.
TEST(RenderPlanSqlTest, ReverseScriptUndoesTheLastPhaseFirstAndNotContract) {
  ScriptOptions o;
  o.reverse = true;
  const std::string sql = ScriptOfUniqueShout(o);
  EXPECT_EQ(sql.find("-- reverse phase contract"), std::string::npos) << sql;
  const size_t swap = sql.find("-- reverse phase swap");
  const size_t expand = sql.find("-- reverse phase expand");
  ASSERT_NE(swap, std::string::npos) << sql;
  ASSERT_NE(expand, std::string::npos) << sql;
  EXPECT_LT(swap, expand);
  EXPECT_NE(sql.find("DROP COLUMN IF EXISTS \"shout\";\nCOMMIT;\n", expand), std::string::npos)
      << sql;
}

Result<Plan> PlanOf(const std::string& yaml, const CatalogSnapshot& catalog) {
  auto spec = ParseSpec(yaml, "0001_x.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, catalog);
}

// The line of the script's comment after `marker` (a statement's text or a step's id).
std::string AnnotationBefore(const std::string& script, const std::string& marker) {
  const size_t at = script.find(marker);
  if (at == std::string::npos) return "(no " + marker + ")";
  const size_t line = script.rfind("\n-- lock: ", at);
  if (line == std::string::npos) return "(no lock line)";
  return script.substr(line + 1, script.find('\n', line + 1) - line - 1);
}

// Each statement that reads the table's rows says how many, from pg_class.reltuples as the
// catalog read it; the others read none.
TEST(RenderPlanSqlTest, EachStepSaysTheRowsItReadsFromTheTableEstimate) {
  CatalogSnapshot catalog = testing::FakeCatalog();
  catalog.FindTable("public", "users")->estimated_rows = 12345;
  auto plan = PlanOf(
      "operations:\n  - add_column:\n      table: users\n      up: upper(name)\n"
      "      column: {name: shout, type: text, nullable: false, unique: true}\n",
      catalog);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string sql = RenderPlanSql(*plan, {});
  const std::pair<const char*, const char*> kRows[] = {
      {"CREATE UNIQUE INDEX CONCURRENTLY", "rows: about 12345"},
      {"VALIDATE CONSTRAINT", "rows: about 12345"},
      {"PREPARE pgphase_batch", "rows: about 12345"},
      {"ADD COLUMN IF NOT EXISTS", "rows: none read"},
  };
  for (const auto& [statement, rows] : kRows)
    EXPECT_NE(AnnotationBefore(sql, statement).find(rows), std::string::npos) << statement << sql;
  EXPECT_EQ(plan->table_rows.at("public.users"), 12345);
}

// A drop or rename at swap or contract breaks the old application; undoing what the new one
// uses (dropping its column, renaming back) breaks the new one; nothing before swap does.
TEST(RenderPlanSqlTest, DropsAndRenamesSayWhichApplicationTheyBreak) {
  auto plan = PlanOf(
      "operations:\n  - drop_column: {table: users, column: email}\n"
      "  - add_column: {table: users, column: {name: nick, type: text, nullable: true}}\n",
      testing::FakeCatalog());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string forward = RenderPlanSql(*plan, {});
  EXPECT_NE(AnnotationBefore(forward, "DROP COLUMN IF EXISTS \"email\"")
                .find("hazards: access_exclusive_lock, deletes_data, breaks_old_app"),
            std::string::npos)
      << forward;
  EXPECT_EQ(AnnotationBefore(forward, "ADD COLUMN IF NOT EXISTS \"nick\"").find("breaks_"),
            std::string::npos)
      << forward;
  ScriptOptions reverse;
  reverse.reverse = true;
  const std::string undo = RenderPlanSql(*plan, reverse);
  EXPECT_NE(AnnotationBefore(undo, "DROP COLUMN IF EXISTS \"nick\"").find("breaks_new_app"),
            std::string::npos)
      << undo;
}

TEST(StepHazardsTest, BreakingDependsOnThePhaseAndTheDirection) {
  Statement rename{"ALTER TABLE t RENAME COLUMN a TO b", Lock::kAccessExclusive};
  rename.renames = true;
  auto has = [](const std::vector<Hazard>& hs, Hazard h) {
    return std::find(hs.begin(), hs.end(), h) != hs.end();
  };
  EXPECT_FALSE(has(StepHazards(rename, Phase::kExpand, false), Hazard::kBreaksOldApp));
  EXPECT_TRUE(has(StepHazards(rename, Phase::kSwap, false), Hazard::kBreaksOldApp));
  EXPECT_TRUE(has(StepHazards(rename, Phase::kContract, false), Hazard::kBreaksOldApp));
  EXPECT_TRUE(has(StepHazards(rename, Phase::kSwap, true), Hazard::kBreaksNewApp));
  EXPECT_FALSE(has(StepHazards(rename, Phase::kSwap, true), Hazard::kBreaksOldApp));
  const Statement comment{"COMMENT ON TABLE t IS 'x'", Lock::kShareUpdateExclusive};
  EXPECT_TRUE(StepHazards(comment, Phase::kContract, false).empty());
}

}  // namespace
}  // namespace pgphase
