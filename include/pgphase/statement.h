// Statement: one SQL statement as a builder in src/sql made it, with what it does.
//
// The builder is the only place that knows what its statement does to a table (the lock it
// takes, whether it reads or rewrites every row, drops data, builds or drops an index), so it
// says so here. The planner composes these values, and everything downstream (plan output,
// hazards, the executor's timeouts) is derived from them: nothing reads SQL text back to
// learn what a statement does. Plain values; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgphase {

// The table-level lock a statement takes (the strongest one, on any table), weakest first.
enum class Lock {
  kNone,
  kAccessShare,
  kRowExclusive,
  kShareUpdateExclusive,
  kShare,
  kShareRowExclusive,
  kAccessExclusive,
};
std::string_view LockName(Lock lock);  // "ACCESS EXCLUSIVE", "none", ...
std::optional<Lock> ParseLock(std::string_view name);
// True when the lock makes application reads or writes of the table wait: SHARE and
// stronger (SHARE UPDATE EXCLUSIVE, taken by VALIDATE and CONCURRENTLY, blocks neither).
bool BlocksApplication(Lock lock);

struct Statement {
  std::string sql;
  Lock lock = Lock::kNone;
  // false for statements PostgreSQL refuses inside a transaction block
  // (CREATE INDEX CONCURRENTLY): they run alone, and are made safe to repeat by the
  // step's done_check and cleanup.
  bool transactional = true;
  bool scans = false;     // reads every row of the table (VALIDATE, CREATE INDEX, a full UPDATE)
  bool rewrites = false;  // writes a new copy of the table
  bool deletes_data = false;  // drops a column or a table
  bool builds_index = false;
  bool drops_index = false;
  bool untracked = false;  // the migration's own SQL: pgphase cannot tell what it does
  bool renames = false;    // renames a table or column (statements naming the old name fail)
  // "schema.name" of the table whose rows it scans or rewrites (so `plan` can say how many);
  // "" for a statement that does neither.
  std::string table = "";
};
bool operator==(const Statement& a, const Statement& b);

// Which limit cuts a running statement short, besides lock_timeout (which bounds every
// statement's wait for its lock). The one decision `plan` shows and the executor follows.
enum class TimeoutKind {
  kStatement,  // statement_timeout: the application waits on the statement's lock while it runs
  kScan,       // scan_timeout (default: no limit): the application goes on; a long scan is safe
};
// kStatement when BlocksApplication(statement.lock), and for an UPDATE of many rows (ROW
// EXCLUSIVE and scans: its row locks make application writes of those rows wait, as a
// backfill batch's do); else kScan: VALIDATE, CREATE INDEX CONCURRENTLY, verification
// queries and every other statement under a weaker lock.
TimeoutKind TimeoutFor(const Statement& statement);
// A backfill batch takes only ROW EXCLUSIVE, yet stays under statement_timeout: its row locks
// make application writes of those rows wait, and a batch that times out is retried smaller.
inline constexpr TimeoutKind kBackfillBatchTimeout = TimeoutKind::kStatement;
std::string_view TimeoutName(TimeoutKind kind);  // "statement_timeout", "scan_timeout"

// What a reviewer is warned about. A fixed list; the names are the ones `plan` prints and
// the JSON carries.
enum class Hazard {
  kAccessExclusiveLock,  // blocks every read and write of the table while it runs
  kShareLock,            // SHARE or SHARE ROW EXCLUSIVE: blocks writes while it runs
  kTableRewrite,         // copies the whole table
  kFullScan,             // reads every row (under a lock that lets the application go on)
  kDeletesData,          // drops a column or table: not reversible
  kIndexBuild,           // builds an index (CPU, I/O, WAL)
  kIndexDropped,         // queries that used the index get slower
  kBreaksOldApp,         // the previous application version stops working from here on
  kBreaksNewApp,         // the new application version stops working from here on
  kUntrackedSql,         // the migration's own SQL: its effects are not analysed
};
std::string_view HazardName(Hazard hazard);  // "access_exclusive_lock", ...
// The hazards a statement carries by what it does, in the order of the enum: every one but
// kBreaksOldApp and kBreaksNewApp, which depend on when it runs (StepHazards, plan.h).
std::vector<Hazard> HazardsOf(const Statement& statement);

namespace ddl {
// Several statements run as one: joined with ";\n" (the executor sends them together, in one
// transaction). The result takes the strongest lock and every effect of its parts. All parts
// must be transactional.
Statement Transaction(const std::vector<Statement>& statements);
}  // namespace ddl

}  // namespace pgphase
