#include "pgphase/statement.h"

#include <algorithm>
#include <array>
#include <utility>

namespace pgphase {
namespace {

constexpr std::array<std::pair<Lock, std::string_view>, 7> kLockNames = {{
    {Lock::kNone, "none"},
    {Lock::kAccessShare, "ACCESS SHARE"},
    {Lock::kRowExclusive, "ROW EXCLUSIVE"},
    {Lock::kShareUpdateExclusive, "SHARE UPDATE EXCLUSIVE"},
    {Lock::kShare, "SHARE"},
    {Lock::kShareRowExclusive, "SHARE ROW EXCLUSIVE"},
    {Lock::kAccessExclusive, "ACCESS EXCLUSIVE"},
}};

constexpr std::array<std::pair<Hazard, std::string_view>, 10> kHazardNames = {{
    {Hazard::kAccessExclusiveLock, "access_exclusive_lock"},
    {Hazard::kShareLock, "share_lock"},
    {Hazard::kTableRewrite, "table_rewrite"},
    {Hazard::kFullScan, "full_scan"},
    {Hazard::kDeletesData, "deletes_data"},
    {Hazard::kIndexBuild, "index_build"},
    {Hazard::kIndexDropped, "index_dropped"},
    {Hazard::kBreaksOldApp, "breaks_old_app"},
    {Hazard::kBreaksNewApp, "breaks_new_app"},
    {Hazard::kUntrackedSql, "untracked_sql"},
}};

}  // namespace

std::string_view LockName(Lock lock) {
  for (const auto& [l, n] : kLockNames)
    if (l == lock) return n;
  return "none";
}

std::optional<Lock> ParseLock(std::string_view name) {
  for (const auto& [l, n] : kLockNames)
    if (n == name) return l;
  return std::nullopt;
}

bool BlocksApplication(Lock lock) { return lock >= Lock::kShare; }

TimeoutKind TimeoutFor(const Statement& statement) {
  const bool writes_rows = statement.lock == Lock::kRowExclusive && statement.scans;
  return BlocksApplication(statement.lock) || writes_rows ? TimeoutKind::kStatement
                                                          : TimeoutKind::kScan;
}

std::string_view TimeoutName(TimeoutKind kind) {
  return kind == TimeoutKind::kStatement ? "statement_timeout" : "scan_timeout";
}

bool operator==(const Statement& a, const Statement& b) {
  return a.sql == b.sql && a.lock == b.lock && a.transactional == b.transactional &&
         a.scans == b.scans && a.rewrites == b.rewrites && a.deletes_data == b.deletes_data &&
         a.builds_index == b.builds_index && a.drops_index == b.drops_index &&
         a.untracked == b.untracked && a.renames == b.renames && a.table == b.table;
}

std::string_view HazardName(Hazard hazard) {
  for (const auto& [h, n] : kHazardNames)
    if (h == hazard) return n;
  return "";
}

std::vector<Hazard> HazardsOf(const Statement& s) {
  std::vector<Hazard> out;
  if (s.lock == Lock::kAccessExclusive) out.push_back(Hazard::kAccessExclusiveLock);
  if (s.lock == Lock::kShare || s.lock == Lock::kShareRowExclusive)
    out.push_back(Hazard::kShareLock);
  if (s.rewrites) out.push_back(Hazard::kTableRewrite);
  if (s.scans && !s.rewrites) out.push_back(Hazard::kFullScan);
  if (s.deletes_data) out.push_back(Hazard::kDeletesData);
  if (s.builds_index) out.push_back(Hazard::kIndexBuild);
  if (s.drops_index) out.push_back(Hazard::kIndexDropped);
  if (s.untracked) out.push_back(Hazard::kUntrackedSql);
  return out;
}

namespace ddl {

Statement Transaction(const std::vector<Statement>& statements) {
  Statement out;
  for (const Statement& s : statements) {
    out.sql += (out.sql.empty() ? "" : ";\n") + s.sql;
    out.lock = std::max(out.lock, s.lock);
    out.scans = out.scans || s.scans;
    out.rewrites = out.rewrites || s.rewrites;
    out.deletes_data = out.deletes_data || s.deletes_data;
    out.builds_index = out.builds_index || s.builds_index;
    out.drops_index = out.drops_index || s.drops_index;
    out.untracked = out.untracked || s.untracked;
    out.renames = out.renames || s.renames;
    if (out.table.empty()) out.table = s.table;
  }
  return out;
}

}  // namespace ddl
}  // namespace pgphase
