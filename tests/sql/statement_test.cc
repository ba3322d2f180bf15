// Statement values: each builder says what its statement does, and the planner's compositions
// keep it (statement.h).
#include "pgphase/statement.h"

#include <gtest/gtest.h>

#include <utility>

#include "pgphase/ddl.h"
#include "pgphase/ddl_column.h"
#include "pgphase/ddl_index.h"
#include "pgphase/ddl_table.h"

namespace pgphase {
namespace {

const ddl::Rel kT{"public", "t"};

struct Case {
  const char* name;
  Statement statement;
  Lock lock;
  bool transactional, scans, rewrites, deletes_data, builds_index, drops_index, untracked;
};

ddl::ColumnDef Generated() {
  ddl::ColumnDef c;
  c.name = "g";
  c.type = "int";
  c.generated_expr = "(a + 1)";
  return c;
}

ddl::ColumnDef Plain() {
  ddl::ColumnDef c;
  c.name = "p";
  c.type = "int";
  c.default_expr = "(0)";
  return c;
}

TEST(StatementTest, EachBuilderSaysWhatItsStatementDoes) {
  constexpr Lock AE = Lock::kAccessExclusive, SUE = Lock::kShareUpdateExclusive,
                 SRE = Lock::kShareRowExclusive;
  const ddl::ForeignKey fk{"f", {"a"}, {{"public", "r"}, {"id"}, "", "", "", false, false}};
  const Case cases[] = {
      {"add column", ddl::AddColumn(kT, Plain()), AE, true, false, false, false, false, false,
       false},
      {"add generated column", ddl::AddColumn(kT, Generated()), AE, true, false, true, false, false,
       false, false},
      {"drop column", ddl::DropColumn(kT, "a"), AE, true, false, false, true, false, false, false},
      {"set not null, proven", ddl::SetNotNull(kT, "a", true), AE, true, false, false, false, false,
       false, false},
      {"set not null, not proven", ddl::SetNotNull(kT, "a", false), AE, true, true, false, false,
       false, false, false},
      {"check not valid", ddl::AddCheckNotValid(kT, "c", "(a > 0)"), AE, true, false, false, false,
       false, false, false},
      {"foreign key not valid", ddl::AddForeignKeyNotValid(kT, fk), SRE, true, false, false, false,
       false, false, false},
      {"validate", ddl::ValidateConstraint(kT, "c"), SUE, true, true, false, false, false, false,
       false},
      {"create index", ddl::CreateIndexConcurrently(kT, ddl::PlainIndex("i", {"a"}, true)), SUE,
       false, true, false, false, true, false, false},
      {"drop index", ddl::DropIndexConcurrently({"public", "i"}), SUE, false, false, false, false,
       false, true, false},
      {"widen type", ddl::SetColumnType(kT, "a", "text", false), AE, true, false, false, false,
       false, false, false},
      {"narrow type", ddl::SetColumnType(kT, "a", "varchar(3)", true), AE, true, false, true, false,
       false, false, false},
      {"comment", ddl::CommentOnColumn(kT, "a", std::nullopt), SUE, true, false, false, false,
       false, false, false},
      {"drop table", ddl::DropTable(kT), AE, true, false, false, true, false, false, false},
      {"user sql", ddl::UserSql("UPDATE t SET a = 1;"), AE, true, false, false, false, false, false,
       true},
      {"fix rows", ddl::FixViolatingRows(kT, {{"a", "(1)"}}, "(a > 0)"), Lock::kRowExclusive, true,
       true, false, false, false, false, false},
      {"dependents check", ddl::RefuseDependents(kT, "a", {}), Lock::kAccessShare, true, false,
       false, false, false, false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Statement& s = c.statement;
    EXPECT_EQ(s.lock, c.lock) << s.sql;
    EXPECT_EQ(s.transactional, c.transactional) << s.sql;
    EXPECT_EQ(s.scans, c.scans) << s.sql;
    EXPECT_EQ(s.rewrites, c.rewrites) << s.sql;
    EXPECT_EQ(s.deletes_data, c.deletes_data) << s.sql;
    EXPECT_EQ(s.builds_index, c.builds_index) << s.sql;
    EXPECT_EQ(s.drops_index, c.drops_index) << s.sql;
    EXPECT_EQ(s.untracked, c.untracked) << s.sql;
  }
}

TEST(StatementTest, RestoringNotNullNeverScansUnderAnExclusiveLock) {
  for (const Statement& s : ddl::RestoreNotNull(kT, "a", "(0)", "nn")) {
    SCOPED_TRACE(s.sql);
    EXPECT_FALSE(s.scans && BlocksApplication(s.lock));
  }
}

TEST(StatementTest, CreateTableLocksOnlyTheTablesItsForeignKeysReference) {
  ddl::ColumnDef id;
  id.name = "id";
  id.type = "int";
  EXPECT_EQ(ddl::CreateTable(kT, {id}, {"id"}, {}).lock, Lock::kNone);
  const ddl::TableClause self =
      ddl::ForeignKeyClause({"f", {"id"}, {kT, {"id"}, "", "", "", false, false}});
  EXPECT_EQ(ddl::CreateTable(kT, {id}, {"id"}, {self}).lock, Lock::kNone);
  const ddl::TableClause other =
      ddl::ForeignKeyClause({"f", {"id"}, {{"public", "r"}, {"id"}, "", "", "", false, false}});
  EXPECT_EQ(ddl::CreateTable(kT, {id}, {"id"}, {other}).lock, Lock::kShareRowExclusive);
}

TEST(StatementTest, ATransactionTakesTheStrongestLockAndEveryEffect) {
  const Statement t =
      ddl::Transaction({ddl::CommentOnColumn(kT, "a", std::nullopt), ddl::DropColumn(kT, "b"),
                        ddl::ValidateConstraint(kT, "c")});
  EXPECT_EQ(t.sql,
            "COMMENT ON COLUMN \"public\".\"t\".\"a\" IS NULL;\n"
            "ALTER TABLE \"public\".\"t\" DROP COLUMN IF EXISTS \"b\";\n"
            "ALTER TABLE \"public\".\"t\" VALIDATE CONSTRAINT \"c\"");
  EXPECT_EQ(t.lock, Lock::kAccessExclusive);
  EXPECT_TRUE(t.deletes_data);
  EXPECT_TRUE(t.scans);
  EXPECT_TRUE(t.transactional);
}

// statement_timeout only where the application waits on the lock; every weaker lock (down
// to none) gets scan_timeout, whatever else the statement does.
TEST(StatementTest, StatementTimeoutAppliesExactlyToLocksThatBlockTheApplication) {
  const std::pair<Lock, TimeoutKind> cases[] = {
      {Lock::kNone, TimeoutKind::kScan},
      {Lock::kAccessShare, TimeoutKind::kScan},
      {Lock::kRowExclusive, TimeoutKind::kScan},
      {Lock::kShareUpdateExclusive, TimeoutKind::kScan},
      {Lock::kShare, TimeoutKind::kStatement},
      {Lock::kShareRowExclusive, TimeoutKind::kStatement},
      {Lock::kAccessExclusive, TimeoutKind::kStatement},
  };
  for (const auto& [lock, kind] : cases) {
    SCOPED_TRACE(LockName(lock));
    Statement s{"SELECT 1", lock};
    EXPECT_EQ(TimeoutFor(s), kind);
    s.scans = true;
    s.transactional = false;
    // Writing every row it reads, ROW EXCLUSIVE holds row locks the application waits on.
    EXPECT_EQ(TimeoutFor(s), lock == Lock::kRowExclusive ? TimeoutKind::kStatement : kind);
  }
}

TEST(StatementTest, BuildersGetTheTimeoutTheirLockCalls) {
  EXPECT_EQ(TimeoutFor(ddl::ValidateConstraint(kT, "c")), TimeoutKind::kScan);
  EXPECT_EQ(TimeoutFor(ddl::CreateIndexConcurrently(kT, ddl::PlainIndex("i", {"a"}, false))),
            TimeoutKind::kScan);
  EXPECT_EQ(TimeoutFor(ddl::AddCheckNotValid(kT, "c", "(a > 0)")), TimeoutKind::kStatement);
  EXPECT_EQ(TimeoutFor(ddl::UserSql("SELECT pg_sleep(1)")), TimeoutKind::kStatement);
  EXPECT_EQ(TimeoutFor(ddl::FixViolatingRows(kT, {{"a", "(1)"}}, "(a > 0)")),
            TimeoutKind::kStatement);
  // One strong part puts the whole transaction under statement_timeout.
  EXPECT_EQ(TimeoutFor(ddl::Transaction(
                {ddl::ValidateConstraint(kT, "c"), ddl::SetNotNull(kT, "a", /*proven=*/true)})),
            TimeoutKind::kStatement);
  EXPECT_EQ(kBackfillBatchTimeout, TimeoutKind::kStatement);
  EXPECT_EQ(TimeoutName(TimeoutKind::kStatement), "statement_timeout");
  EXPECT_EQ(TimeoutName(TimeoutKind::kScan), "scan_timeout");
}

TEST(StatementTest, HazardsFollowFromWhatTheStatementDoes) {
  auto names = [](const Statement& s) {
    std::string out;
    for (Hazard h : HazardsOf(s)) out += (out.empty() ? "" : ",") + std::string(HazardName(h));
    return out;
  };
  EXPECT_EQ(names(ddl::DropColumn(kT, "a")), "access_exclusive_lock,deletes_data");
  EXPECT_EQ(names(ddl::ValidateConstraint(kT, "c")), "full_scan");
  EXPECT_EQ(names(ddl::CreateIndexConcurrently(kT, ddl::PlainIndex("i", {"a"}, false))),
            "full_scan,index_build");
  EXPECT_EQ(names(ddl::AddColumn(kT, Generated())), "access_exclusive_lock,table_rewrite");
  EXPECT_EQ(names(ddl::UserSql("SELECT 1")), "access_exclusive_lock,untracked_sql");
  EXPECT_EQ(names(ddl::CreateFillFunction({"pgphase", "f"}, kT, {})), "");
}

TEST(StatementTest, OnlyShareAndStrongerLocksBlockTheApplication) {
  EXPECT_FALSE(BlocksApplication(Lock::kRowExclusive));
  EXPECT_FALSE(BlocksApplication(Lock::kShareUpdateExclusive));
  EXPECT_TRUE(BlocksApplication(Lock::kShare));
  EXPECT_TRUE(BlocksApplication(Lock::kShareRowExclusive));
  EXPECT_TRUE(BlocksApplication(Lock::kAccessExclusive));
  for (Lock l : {Lock::kNone, Lock::kAccessShare, Lock::kShareRowExclusive})
    EXPECT_EQ(ParseLock(LockName(l)), l);
}

}  // namespace
}  // namespace pgphase
