#include "plan/builder.h"

#include <fmt/format.h>

#include <algorithm>

#include "pgphase/sql.h"

namespace pgphase {
namespace {

// Map key: NUL cannot occur in a PostgreSQL name, so distinct tables never collide.
std::string TableKey(const TableInfo& t) { return t.schema + '\0' + t.name; }
std::string DisplayName(const TableInfo& t) { return t.schema + "." + t.name; }
ddl::Rel RelOf(const TableInfo& t) { return {t.schema, t.name}; }

}  // namespace

std::vector<KeyColumn> KeysetKey(const TableInfo& table) {
  std::vector<KeyColumn> key;
  auto add = [&](const std::string& name) {
    const ColumnInfo* c = table.FindColumn(name);
    key.push_back({name, c ? c->type : "text"});
  };
  if (!table.primary_key.empty()) {
    for (const auto& c : table.primary_key) add(c);
    return key;
  }
  for (const auto& idx : table.indexes) {
    if (!idx.unique || !idx.valid || idx.partial || idx.columns.empty()) continue;
    const bool usable = std::all_of(idx.columns.begin(), idx.columns.end(), [&](const auto& n) {
      const ColumnInfo* c = table.FindColumn(n);
      return c != nullptr && c->not_null;
    });
    if (!usable) continue;
    for (const auto& c : idx.columns) add(c);
    return key;
  }
  return key;
}

PlanBuilder::PlanBuilder(const ChangeSpec& spec, const CatalogSnapshot& catalog)
    : spec_(spec), original_(catalog), catalog_(catalog) {
  plan_.migration = spec.name;
  for (Phase p : kAllPhases) plan_.phase(p).phase = p;
  if (spec.version_schema) {
    Note(
        fmt::format("version_schema '{}' is accepted but pgphase creates no version schemas: "
                    "both application versions use the table itself",
                    *spec.version_schema));
  }
}

void PlanBuilder::Add(Phase phase, std::string id, std::string summary, Statement statement,
                      std::vector<Statement> reverse) {
  Step s;
  s.id = std::move(id);
  s.summary = std::move(summary);
  s.statement = std::move(statement);
  s.reverse = std::move(reverse);
  AddStep(phase, std::move(s));
}

void PlanBuilder::AddStep(Phase phase, Step step) {
  plan_.phase(phase).steps.push_back(std::move(step));
}

PlanBuilder::TableWork& PlanBuilder::Work(const TableInfo& table) {
  TouchTable(table);
  TableWork& w = work_[TableKey(table)];
  w.table = &table;
  return w;
}

void PlanBuilder::TouchTable(const TableInfo& table) {
  if (std::find(table_order_.begin(), table_order_.end(), &table) == table_order_.end())
    table_order_.push_back(&table);
}

void PlanBuilder::MarkChanged(const std::string& schema, const std::string& table,
                              const std::string& column) {
  std::string key = schema + '\0' + table;
  if (!column.empty()) key += '\0' + column;
  changed_.push_back(std::move(key));
}

bool PlanBuilder::ClaimNewColumn(const TableInfo& table, const std::string& column) {
  const std::string key = TableKey(table) + '\0' + column;
  if (std::find(new_columns_.begin(), new_columns_.end(), key) != new_columns_.end()) return false;
  new_columns_.push_back(key);
  return true;
}

void PlanBuilder::AddFill(const TableInfo& table, ddl::Fill fill, bool needs_sync_trigger) {
  TableWork& w = Work(table);
  w.assignments.push_back({fill.column, fill.expr});
  if (needs_sync_trigger) w.fills.push_back(std::move(fill));
}

void PlanBuilder::AddBackfill(const TableInfo& table, ddl::Assignment assignment) {
  Work(table).assignments.push_back(std::move(assignment));
}

void PlanBuilder::AddNotNullHelper(const TableInfo& table, const std::string& column,
                                   const std::string& constraint) {
  Work(table).not_null_helpers.emplace_back(column, constraint);
}

std::string PlanBuilder::FunctionName(const TableInfo& t) const {
  return BoundedName({"sync", spec_.name, t.name});
}

std::string PlanBuilder::TriggerName(const std::string& kind) const {
  return BoundedName({"pgphase", kind, spec_.name});
}

void PlanBuilder::EmitSync(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const ddl::Rel fn{"pgphase", FunctionName(t)};
  const std::string base = "sync." + t.name;
  if (!w.fills.empty()) {
    Add(Phase::kSync, base + ".function", "create the dual-write function for " + t.name,
        {ddl::CreateFillFunction(fn, table, w.fills), Lock::kNone, true},
        {{ddl::DropFunction(fn), Lock::kNone, true}});
    const std::string ins = TriggerName("ins");
    Add(Phase::kSync, base + ".insert_trigger", "fill new columns on INSERT into " + t.name,
        {ddl::CreateFillInsertTrigger(ins, table, fn, w.fills), Lock::kShareRowExclusive, true},
        {{ddl::DropTrigger(ins, table), Lock::kAccessExclusive, true}});
    const std::string upd = TriggerName("upd");
    const std::string upd_sql = ddl::CreateFillUpdateTrigger(upd, table, fn, w.fills);
    if (!upd_sql.empty()) {
      Add(Phase::kSync, base + ".update_trigger", "keep new columns in step on UPDATE of " + t.name,
          {upd_sql, Lock::kShareRowExclusive, true},
          {{ddl::DropTrigger(upd, table), Lock::kAccessExclusive, true}});
    }
  }
  // Added only now: before the trigger fills new rows, an old-app INSERT would violate it.
  for (const auto& [column, constraint] : w.not_null_helpers) {
    Add(Phase::kSync, base + "." + column + ".not_null_check",
        fmt::format("enforce NOT NULL on new writes to {}.{} (not yet validated)", t.name, column),
        {ddl::AddCheckNotValid(table, constraint, QuoteIdent(column) + " IS NOT NULL"),
         Lock::kAccessExclusive, true},
        {{ddl::DropConstraint(table, constraint), Lock::kAccessExclusive, true}});
  }
}

Status PlanBuilder::EmitBackfill(const TableWork& w) {
  if (w.assignments.empty()) return Status::Ok();
  const TableInfo& t = *w.table;
  BackfillJob job;
  job.schema = t.schema;
  job.table = t.name;
  job.key = KeysetKey(t);
  job.estimated_rows = t.estimated_rows;
  if (job.key.empty()) {
    return Status::Invalid(fmt::format(
        "table {} needs a backfill but has no primary key and no unique index over NOT NULL "
        "columns to batch by",
        QuoteQualified(t.schema, t.name)));
  }
  std::string cols;
  for (const auto& a : w.assignments) {
    job.assignments.push_back({a.column, a.expr});
    cols += (cols.empty() ? "" : ", ") + a.column;
  }
  Step s;
  s.id = "backfill." + t.name;
  s.summary = fmt::format("fill {} for existing rows of {} in keyset batches", cols, t.name);
  s.backfill = std::move(job);
  AddStep(Phase::kBackfill, std::move(s));
  return Status::Ok();
}

void PlanBuilder::EmitContract(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const std::string base = "contract." + t.name;
  if (!w.fills.empty()) {
    const std::string ins = TriggerName("ins");
    const std::string upd = TriggerName("upd");
    Add(Phase::kContract, base + ".insert_trigger", "drop the INSERT sync trigger",
        {ddl::DropTrigger(ins, table), Lock::kAccessExclusive, true});
    Add(Phase::kContract, base + ".update_trigger", "drop the UPDATE sync trigger",
        {ddl::DropTrigger(upd, table), Lock::kAccessExclusive, true});
    Add(Phase::kContract, base + ".function", "drop the dual-write function",
        {ddl::DropFunction({"pgphase", FunctionName(t)}), Lock::kNone, true});
  }
  for (const auto& [column, constraint] : w.not_null_helpers) {
    Add(Phase::kContract, base + "." + column + ".not_null_check",
        "drop the helper check (NOT NULL is now set on the column)",
        {ddl::DropConstraint(table, constraint), Lock::kAccessExclusive, true});
  }
}

Result<Plan> PlanBuilder::Finish() {
  // Per-table work (sync trigger, backfill pass, their contract drops) is emitted once
  // per table, tables in order of first use.
  for (const TableInfo* t : table_order_) {
    auto it = work_.find(TableKey(*t));
    if (it != work_.end()) {
      EmitSync(it->second);
      PGPHASE_RETURN_IF_ERROR(EmitBackfill(it->second));
      EmitContract(it->second);
    }
    plan_.tables.push_back(DisplayName(*t));
  }
  // Drift expectations: the touched tables' columns as they were before this plan, minus
  // what the plan itself changes.
  auto changed = [&](const std::string& key) {
    return std::find(changed_.begin(), changed_.end(), key) != changed_.end();
  };
  for (const TableInfo* t : table_order_) {
    const TableInfo* before = original_.FindTable(t->schema, t->name);
    if (before == nullptr || changed(TableKey(*before))) continue;
    for (const auto& c : before->columns) {
      if (changed(TableKey(*before) + '\0' + c.name)) continue;
      plan_.expected_columns.push_back({before->schema, before->name, c.name, c.type});
    }
  }
  std::sort(plan_.tables.begin(), plan_.tables.end());
  return plan_;
}

}  // namespace pgphase
