#include <algorithm>
#include <array>
#include <utility>

#include "pgphase/plan.h"
#include "plan/keys.h"

namespace pgphase {
namespace {

constexpr std::array<std::string_view, 6> kPhaseNames = {"expand",   "sync", "backfill",
                                                         "validate", "swap", "contract"};

}  // namespace

std::string_view PhaseName(Phase phase) { return kPhaseNames[PhaseIndex(phase)]; }

std::optional<Phase> ParsePhase(std::string_view name) {
  for (Phase p : kAllPhases)
    if (PhaseName(p) == name) return p;
  return std::nullopt;
}

std::vector<Hazard> StepHazards(const Statement& s, Phase phase, bool reverse) {
  std::vector<Hazard> out = HazardsOf(s);
  const bool breaks = s.renames || s.deletes_data;
  const bool late = phase == Phase::kSwap || phase == Phase::kContract;
  if (breaks && !reverse && late) out.push_back(Hazard::kBreaksOldApp);
  if (breaks && reverse) out.push_back(Hazard::kBreaksNewApp);
  // In the enum's order: untracked_sql last.
  std::stable_sort(out.begin(), out.end());
  return out;
}

bool operator==(const KeyColumn& a, const KeyColumn& b) {
  return a.name == b.name && a.type == b.type;
}
bool operator==(const BackfillJob& a, const BackfillJob& b) {
  return a.schema == b.schema && a.table == b.table && a.key == b.key &&
         a.assignments == b.assignments && a.only_where == b.only_where && a.verify == b.verify &&
         a.unprobed == b.unprobed && a.estimated_rows == b.estimated_rows;
}
bool operator==(const ConversionCheck& a, const ConversionCheck& b) {
  return a.schema == b.schema && a.table == b.table && a.key == b.key && a.columns == b.columns;
}
bool operator==(const Precheck& a, const Precheck& b) {
  return a.schema == b.schema && a.table == b.table && a.key == b.key && a.column == b.column &&
         a.expr == b.expr && a.not_null == b.not_null && a.only_where == b.only_where;
}
bool operator==(const Step& a, const Step& b) {
  return a.id == b.id && a.summary == b.summary && a.statement == b.statement &&
         a.backfill == b.backfill && a.conversion_check == b.conversion_check &&
         a.reverse == b.reverse && a.done_check == b.done_check && a.cleanup == b.cleanup &&
         a.diagnose == b.diagnose;
}
bool operator==(const PhasePlan& a, const PhasePlan& b) {
  return a.phase == b.phase && a.steps == b.steps;
}
bool operator==(const ColumnExpectation& a, const ColumnExpectation& b) {
  return a.schema == b.schema && a.table == b.table && a.column == b.column && a.type == b.type;
}
bool operator==(const KeyExpectation& a, const KeyExpectation& b) {
  return a.schema == b.schema && a.table == b.table && a.columns == b.columns;
}
bool operator==(const Plan& a, const Plan& b) {
  return a.migration == b.migration && a.phases == b.phases && a.tables == b.tables &&
         a.notes == b.notes && a.expected_columns == b.expected_columns &&
         a.expected_keys == b.expected_keys && a.prechecks == b.prechecks &&
         a.table_rows == b.table_rows;
}

std::string ColumnExpectation::Describe() const {
  return schema + "." + table + "." + column + " " + type;
}

std::string KeyExpectation::Describe() const {
  std::string cols;
  for (const auto& c : columns) cols += (cols.empty() ? "" : ", ") + c;
  return schema + "." + table + " (" + cols + ")";
}

namespace {

// True when `t` has a primary key, or a valid, non-partial unique index over NOT NULL
// columns, whose columns are exactly `columns` (in any order).
bool HasUniqueKey(const TableInfo& t, std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  auto same = [&](std::vector<std::string> cols) {
    std::sort(cols.begin(), cols.end());
    return cols == columns;
  };
  if (!t.primary_key.empty() && same(t.primary_key)) return true;
  return std::any_of(t.indexes.begin(), t.indexes.end(),
                     [&](const IndexInfo& idx) { return IsKeyIndex(t, idx) && same(idx.columns); });
}

}  // namespace

std::vector<std::string> FindDrift(const Plan& plan, const CatalogSnapshot& catalog) {
  std::vector<std::string> drift;
  for (const auto& e : plan.expected_columns) {
    const TableInfo* t = catalog.FindTable(e.schema, e.table);
    if (t == nullptr) {
      const std::string line = "table " + e.schema + "." + e.table + " no longer exists";
      if (std::find(drift.begin(), drift.end(), line) == drift.end()) drift.push_back(line);
      continue;
    }
    const ColumnInfo* c = t->FindColumn(e.column);
    if (c == nullptr) {
      drift.push_back("column " + e.Describe() + " no longer exists");
    } else if (c->type != e.type) {
      drift.push_back("column " + e.Describe() + " is now " + c->type);
    }
  }
  for (const auto& k : plan.expected_keys) {
    const TableInfo* t = catalog.FindTable(k.schema, k.table);
    if (t == nullptr) continue;  // reported above
    if (!HasUniqueKey(*t, k.columns)) {
      drift.push_back("table " + k.Describe() +
                      ": no primary key or unique index over NOT NULL columns on exactly these "
                      "columns any more (the backfill walks it in key order)");
    }
  }
  return drift;
}

}  // namespace pgphase
