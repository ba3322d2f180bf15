#include "plan/builder.h"

#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
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
    if (!IsKeyIndex(table, idx)) continue;
    for (const auto& c : idx.columns) add(c);
    return key;
  }
  return key;
}

bool IsKeyIndex(const TableInfo& table, const IndexInfo& index) {
  if (!index.unique || !index.valid || index.partial || index.columns.empty()) return false;
  return std::all_of(index.columns.begin(), index.columns.end(), [&](const auto& n) {
    const ColumnInfo* c = table.FindColumn(n);
    return c != nullptr && c->not_null;
  });
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
  if (needs_sync_trigger)
    w.fills.push_back(std::move(fill));
  else
    w.default_fills.push_back(std::move(fill));
}

void PlanBuilder::AddBackfill(const TableInfo& table, ddl::Assignment assignment) {
  Work(table).assignments.push_back(std::move(assignment));
}

void PlanBuilder::AddTriggerFill(const TableInfo& table, ddl::Fill fill) {
  Work(table).fills.push_back(std::move(fill));
}

void PlanBuilder::AddSwappedFill(const TableInfo& table, ddl::Fill before_swap,
                                 ddl::Fill after_swap) {
  TableWork& w = Work(table);
  w.assignments.push_back({before_swap.column, before_swap.expr});
  w.fills_until_swap.push_back(before_swap.column);
  w.fills.push_back(std::move(before_swap));
  w.fills_after_swap.push_back(std::move(after_swap));
}

void PlanBuilder::AddSwapRename(const TableInfo& table, const std::string& from,
                                const std::string& to) {
  Work(table).renames.emplace_back(from, to);
}

void PlanBuilder::AddSwapStatements(const TableInfo& table, std::vector<std::string> forward,
                                    std::vector<std::string> reverse) {
  TableWork& w = Work(table);
  for (auto& f : forward) w.swap_forward.push_back(std::move(f));
  // Undone in the opposite order.
  w.swap_reverse.insert(w.swap_reverse.begin(), std::make_move_iterator(reverse.begin()),
                        std::make_move_iterator(reverse.end()));
}

void PlanBuilder::AddSwapReverseAfter(const TableInfo& table, std::vector<Statement> reverse) {
  TableWork& w = Work(table);
  for (auto& r : reverse) w.swap_reverse_after.push_back(std::move(r));
}

void PlanBuilder::AddSwapGuard(const TableInfo& table, std::string guard) {
  Work(table).swap_guards.push_back(std::move(guard));
}

void PlanBuilder::AddAfterTableWork(Phase phase, Step step) {
  after_table_work_.emplace_back(phase, std::move(step));
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

std::vector<ddl::Fill> PlanBuilder::FillsAfterSwap(const TableWork& w) const {
  auto renamed = [&](std::string name) {
    for (const auto& [from, to] : w.renames)
      if (name == from) name = to;
    return name;
  };
  std::vector<ddl::Fill> out;
  for (const ddl::Fill& f : w.fills) {
    if (std::find(w.fills_until_swap.begin(), w.fills_until_swap.end(), f.column) !=
        w.fills_until_swap.end())
      continue;
    ddl::Fill g = f;
    if (g.source_vars.empty()) g.source_vars = g.sources;
    for (auto& s : g.sources) s = renamed(s);
    g.column = renamed(g.column);
    if (g.sources == g.source_vars) g.source_vars.clear();
    out.push_back(std::move(g));
  }
  for (const ddl::Fill& f : w.fills_after_swap) out.push_back(f);
  return out;
}

std::vector<std::string> PlanBuilder::TriggerSql(const TableInfo& t,
                                                 const std::vector<ddl::Fill>& fills) const {
  const ddl::Rel table = RelOf(t);
  const ddl::Rel fn{"pgphase", FunctionName(t)};
  std::vector<std::string> out = {
      ddl::CreateFillFunction(fn, table, fills),
      ddl::CreateFillInsertTrigger(TriggerName("ins"), table, fn, fills)};
  std::string upd = ddl::CreateFillUpdateTrigger(TriggerName("upd"), table, fn, fills);
  if (!upd.empty()) out.push_back(std::move(upd));
  return out;
}

// One short transaction per table: the column renames, what operations attach, and the
// trigger turned around for the names and directions that hold from now on. Its reverse
// is the exact inverse, also in one transaction.
void PlanBuilder::EmitSwap(const TableWork& w) {
  if (w.renames.empty() && w.swap_forward.empty() && w.fills_after_swap.empty()) return;
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const std::vector<ddl::Fill> after = FillsAfterSwap(w);
  const std::vector<std::string> drop_triggers = {ddl::DropTrigger(TriggerName("ins"), table),
                                                  ddl::DropTrigger(TriggerName("upd"), table)};
  std::vector<std::string> fwd = w.swap_guards;
  const std::vector<ddl::Fill> sync = SyncFills(w);
  if (!sync.empty()) fwd.insert(fwd.end(), drop_triggers.begin(), drop_triggers.end());
  for (const auto& [from, to] : w.renames) fwd.push_back(ddl::RenameColumn(table, from, to));
  fwd.insert(fwd.end(), w.swap_forward.begin(), w.swap_forward.end());
  if (!after.empty()) {
    auto sql = TriggerSql(t, after);
    fwd.insert(fwd.end(), sql.begin(), sql.end());
  }
  std::vector<std::string> rev;
  if (!after.empty()) rev.insert(rev.end(), drop_triggers.begin(), drop_triggers.end());
  rev.insert(rev.end(), w.swap_reverse.begin(), w.swap_reverse.end());
  for (auto it = w.renames.rbegin(); it != w.renames.rend(); ++it)
    rev.push_back(ddl::RenameColumn(table, it->second, it->first));
  if (!sync.empty()) {
    auto sql = TriggerSql(t, sync);
    rev.insert(rev.end(), sql.begin(), sql.end());
  } else if (!after.empty()) {
    rev.push_back(ddl::DropFunction({"pgphase", FunctionName(t)}));
  }
  std::string summary = "in one transaction:";
  if (!w.renames.empty()) {
    std::string names;
    for (const auto& [from, to] : w.renames)
      names += (names.empty() ? " " : ", ") + from + " -> " + to;
    summary += " rename" + names + ";";
  }
  if (!w.swap_forward.empty()) summary += " the column changes;";
  if (!after.empty()) summary += " point the sync trigger at the new names";
  if (summary.back() == ';') summary.pop_back();
  std::vector<Statement> reverse = {{ddl::Transaction(rev), Lock::kAccessExclusive, true}};
  reverse.insert(reverse.end(), w.swap_reverse_after.begin(), w.swap_reverse_after.end());
  Add(Phase::kSwap, "swap." + t.name, summary,
      {ddl::Transaction(fwd), Lock::kAccessExclusive, true}, std::move(reverse));
}

const TableInfo& PlanBuilder::BeforePlan(const TableInfo& table) const {
  const TableInfo* before = original_.FindTable(table.schema, table.name);
  return before != nullptr ? *before : table;
}

BackfillJob PlanBuilder::NewBackfillJob(const TableInfo& table) const {
  BackfillJob job;
  job.schema = table.schema;
  job.table = table.name;
  // Keys by the names they have while the backfill runs (before any rename at swap).
  job.key = KeysetKey(BeforePlan(table));
  job.estimated_rows = table.estimated_rows;
  return job;
}

bool PlanBuilder::BackfillsByCtid(const TableWork& w) const {
  return !w.assignments.empty() && KeysetKey(BeforePlan(*w.table)).empty();
}

std::vector<ddl::Fill> PlanBuilder::SyncFills(const TableWork& w) const {
  std::vector<ddl::Fill> fills = w.fills;
  const bool by_ctid = BackfillsByCtid(w);
  // A volatile default fills inserted rows, but an old-app UPDATE of a row the backfill has
  // not reached yet would leave the column NULL: fatal under the NOT NULL helper check, and
  // a row the ctid walk may have passed (it moved behind the walk) in ctid mode.
  for (const ddl::Fill& f : w.default_fills)
    if (by_ctid || f.not_null) fills.push_back(f);
  if (by_ctid)
    for (auto& f : fills) f.fill_null_on_update = true;
  return fills;
}

void PlanBuilder::EmitSync(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const ddl::Rel fn{"pgphase", FunctionName(t)};
  const std::string base = "sync." + t.name;
  const std::vector<ddl::Fill> fills = SyncFills(w);
  if (!fills.empty()) {
    Add(Phase::kSync, base + ".function", "create the dual-write function for " + t.name,
        {ddl::CreateFillFunction(fn, table, fills), Lock::kNone, true},
        {{ddl::DropFunction(fn), Lock::kNone, true}});
    const std::string ins = TriggerName("ins");
    Add(Phase::kSync, base + ".insert_trigger", "fill new columns on INSERT into " + t.name,
        {ddl::CreateFillInsertTrigger(ins, table, fn, fills), Lock::kShareRowExclusive, true},
        {{ddl::DropTrigger(ins, table), Lock::kAccessExclusive, true}});
    const std::string upd = TriggerName("upd");
    const std::string upd_sql = ddl::CreateFillUpdateTrigger(upd, table, fn, fills);
    if (!upd_sql.empty()) {
      std::string summary = "keep new columns in step on UPDATE of " + t.name;
      if (BackfillsByCtid(w))
        summary += ", and fill them on any UPDATE while NULL (the backfill walks ctid ranges)";
      Add(Phase::kSync, base + ".update_trigger", summary,
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
  BackfillJob job = NewBackfillJob(t);
  if (job.ByCtid() && BeforePlan(t).partitioned) {
    return Status::Invalid(fmt::format(
        "table {} needs a backfill but has no primary key and no unique index over NOT NULL "
        "columns to batch by, and a partitioned table cannot be batched by ctid ranges",
        QuoteQualified(t.schema, t.name)));
  }
  std::string cols;
  for (const auto& a : w.assignments) {
    job.assignments.push_back({a.column, a.expr});
    cols += (cols.empty() ? "" : ", ") + a.column;
  }
  Step s;
  s.id = "backfill." + t.name;
  s.summary = fmt::format("fill {} for existing rows of {} in {} batches", cols, t.name,
                          job.ByCtid() ? "ctid-range" : "keyset");
  s.backfill = std::move(job);
  AddStep(Phase::kBackfill, std::move(s));
  return Status::Ok();
}

void PlanBuilder::EmitContract(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const std::string base = "contract." + t.name;
  if (!SyncFills(w).empty() || !w.fills_after_swap.empty()) {
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
      EmitSwap(it->second);
      EmitContract(it->second);
    }
    plan_.tables.push_back(DisplayName(*t));
  }
  for (auto& [phase, step] : after_table_work_) AddStep(phase, std::move(step));
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
  // The keys keyset backfills walk, on tables that exist now, with columns it does not change.
  for (const Step& step : plan_.phase(Phase::kBackfill).steps) {
    if (!step.backfill || step.backfill->ByCtid()) continue;
    const BackfillJob& job = *step.backfill;
    const TableInfo* before = original_.FindTable(job.schema, job.table);
    if (before == nullptr || changed(TableKey(*before))) continue;
    KeyExpectation key{job.schema, job.table, {}};
    for (const auto& k : job.key) key.columns.push_back(k.name);
    const bool key_changed =
        std::any_of(key.columns.begin(), key.columns.end(),
                    [&](const auto& c) { return changed(TableKey(*before) + '\0' + c); });
    const bool seen = std::any_of(
        plan_.expected_keys.begin(), plan_.expected_keys.end(), [&](const KeyExpectation& k) {
          return k.schema == key.schema && k.table == key.table && k.columns == key.columns;
        });
    if (!key_changed && !seen) plan_.expected_keys.push_back(std::move(key));
  }
  std::sort(plan_.tables.begin(), plan_.tables.end());
  return plan_;
}

}  // namespace pgphase
