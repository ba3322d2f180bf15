#include "plan/builder.h"

#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "pgphase/ddl_table.h"
#include "pgphase/sql.h"
#include "plan/check.h"
#include "plan/keys.h"

namespace pgphase {
namespace {

// Map key: NUL cannot occur in a PostgreSQL name, so distinct tables never collide.
std::string TableKey(const TableInfo& t) { return t.schema + '\0' + t.name; }
std::string DisplayName(const TableInfo& t) { return t.schema + "." + t.name; }
ddl::Rel RelOf(const TableInfo& t) { return {t.schema, t.name}; }

}  // namespace

PlanBuilder::PlanBuilder(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                         const PlanOptions& options)
    : spec_(spec), options_(options), original_(catalog), catalog_(catalog) {
  plan_.migration = spec.name;
  for (Phase p : kAllPhases) plan_.phase(p).phase = p;
  if (spec.version_schema && !options.version_schemas) {
    Note(fmt::format(
        "version_schema '{}' names this migration's version schema only when version schemas "
        "are on (settings.version_schemas, or --version-schemas): without them both application "
        "versions use the tables themselves",
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

TableInfo* PlanBuilder::MutableTable(const std::string& name) {
  return catalog_.FindTable(schema(), name);
}

PlanBuilder::TableWork& PlanBuilder::Work(const TableInfo& table) {
  TouchTable(table);
  TableWork& w = work_[TableKey(table)];
  w.table = &table;
  return w;
}

void PlanBuilder::RenameTable(const TableInfo& table, const std::string& to) {
  Work(table).renamed_to = to;
}

bool PlanBuilder::Renames(const TableInfo& table) const {
  auto it = work_.find(TableKey(table));
  return it != work_.end() && !it->second.renamed_to.empty();
}

void PlanBuilder::TouchTable(const TableInfo& table) {
  if (std::find(table_order_.begin(), table_order_.end(), &table) == table_order_.end())
    table_order_.push_back(&table);
}

bool PlanBuilder::Touched(const TableInfo& table) const {
  return std::find(table_order_.begin(), table_order_.end(), &table) != table_order_.end();
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

void PlanBuilder::Sync(const TableInfo& table, ColumnSync sync) {
  Work(table).syncs.push_back(std::move(sync));
}

PlanBuilder::UntilSwap PlanBuilder::ColumnUntilSwap(const TableInfo& table,
                                                    const std::string& column) const {
  auto it = work_.find(TableKey(table));
  if (it == work_.end()) return {column};
  const TableWork& w = it->second;
  for (const ColumnSync& s : w.syncs) {
    if (!s.backfill) continue;
    std::string name = s.fill.column;
    for (const auto& [from, to] : w.swap.renames)
      if (name == from) name = to;
    // A pair under the same name (version schemas) takes it at contract.
    if (name == column || (s.paired && s.name == column)) return {s.fill.column, true};
  }
  std::string name = column;
  for (auto r = w.swap.renames.rbegin(); r != w.swap.renames.rend(); ++r)
    if (name == r->second) name = r->first;
  return {name};
}

void PlanBuilder::Swap(const TableInfo& table, SwapChange change) {
  if (change.guards.empty() && change.renames.empty() && change.forward.empty() &&
      change.reverse.empty() && change.after_reverse.empty())
    return;
  SwapChange& w = Work(table).swap;
  auto append = [](std::vector<Statement>& to, std::vector<Statement>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  append(w.guards, change.guards);
  w.renames.insert(w.renames.end(), change.renames.begin(), change.renames.end());
  append(w.forward, change.forward);
  // Undone in the opposite order.
  w.reverse.insert(w.reverse.begin(), std::make_move_iterator(change.reverse.begin()),
                   std::make_move_iterator(change.reverse.end()));
  append(w.after_reverse, change.after_reverse);
}

void PlanBuilder::AddAfterTableWork(Phase phase, Step step) {
  after_table_work_.emplace_back(phase, std::move(step));
}

void PlanBuilder::Verify(const TableInfo& table, ddl::OwnedColumn column) {
  Work(table).verified.push_back(std::move(column));
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

namespace {

// The fills of `w`'s syncs that the trigger carries until swap, in order.
std::vector<const ColumnSync*> TriggerSyncs(const std::vector<ColumnSync>& syncs, bool trigger) {
  std::vector<const ColumnSync*> out;
  for (const ColumnSync& s : syncs)
    if (s.trigger == trigger) out.push_back(&s);
  return out;
}

bool HasAfterSwap(const std::vector<ColumnSync>& syncs) {
  return std::any_of(syncs.begin(), syncs.end(),
                     [](const ColumnSync& s) { return s.after_swap.has_value(); });
}

// `f` by the names its columns have from swap on; its expression keeps the names it was
// written with (Fill::source_vars).
ddl::Fill RenamedAtSwap(ddl::Fill f,
                        const std::vector<std::pair<std::string, std::string>>& renames) {
  auto renamed = [&](std::string name) {
    for (const auto& [from, to] : renames)
      if (name == from) name = to;
    return name;
  };
  if (f.source_vars.empty()) f.source_vars = f.sources;
  for (auto& source : f.sources) source = renamed(source);
  f.column = renamed(f.column);
  if (f.sources == f.source_vars) f.source_vars.clear();
  return f;
}

}  // namespace

std::vector<ddl::Fill> PlanBuilder::FillsAfterSwap(const TableWork& w) const {
  std::vector<ddl::Fill> out;
  for (const ColumnSync* s : TriggerSyncs(w.syncs, true)) {
    if (s->after_swap) {
      if (s->after_swap_new) out.push_back(RenamedAtSwap(*s->after_swap_new, w.swap.renames));
      continue;
    }
    out.push_back(RenamedAtSwap(s->fill, w.swap.renames));
    if (s->paired) out.push_back(*s->paired);  // a pair is renamed by nothing
  }
  for (const ColumnSync& s : w.syncs)
    if (s.after_swap) out.push_back(*s.after_swap);
  return out;
}

// The trigger's fills until swap: the syncs that need the trigger; the volatile-default
// ones of NOT NULL columns (an old-app UPDATE of an unfilled row must not leave NULL under
// the helper check); when the backfill walks ctid ranges (an UPDATE may move a row behind
// it), every volatile-default one, and each fill then fills NULLs on any UPDATE.
std::vector<ddl::Fill> PlanBuilder::SyncFills(const TableWork& w) const {
  std::vector<ddl::Fill> fills;
  for (const ColumnSync* s : TriggerSyncs(w.syncs, true)) {
    fills.push_back(s->fill);
    if (s->paired) fills.push_back(*s->paired);
  }
  const bool by_ctid = BackfillsByCtid(w);
  for (const ColumnSync* s : TriggerSyncs(w.syncs, false))
    if (by_ctid || s->fill.not_null) fills.push_back(s->fill);
  if (by_ctid)
    for (auto& f : fills) f.fill_null_on_update = true;
  return fills;
}

ddl::FillErrors PlanBuilder::Errors(const TableWork& w, bool after_swap) const {
  std::vector<std::string> key = KeyNames(BeforePlan(*w.table));
  if (after_swap)
    for (auto& k : key)
      for (const auto& [from, to] : w.swap.renames)
        if (k == from) k = to;
  return {spec_.name, DisplayName(*w.table), key};
}

std::vector<Statement> PlanBuilder::TriggerStatements(const TableInfo& t,
                                                      const std::vector<ddl::Fill>& fills,
                                                      const ddl::FillErrors& errors) const {
  const ddl::Rel table = RelOf(t);
  const ddl::Rel fn{"pgphase", FunctionName(t)};
  std::vector<Statement> out = {ddl::CreateFillFunction(fn, table, fills, errors),
                                ddl::CreateFillInsertTrigger(TriggerName("ins"), table, fn, fills)};
  if (auto upd = ddl::CreateFillUpdateTrigger(TriggerName("upd"), table, fn, fills))
    out.push_back(std::move(*upd));
  return out;
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
  const bool backfills =
      std::any_of(w.syncs.begin(), w.syncs.end(), [](const ColumnSync& s) { return s.backfill; });
  return backfills && KeysetKey(BeforePlan(*w.table)).empty();
}

void PlanBuilder::EmitSync(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const ddl::Rel fn{"pgphase", FunctionName(t)};
  const std::string base = "sync." + t.name;
  const std::vector<ddl::Fill> fills = SyncFills(w);
  if (!fills.empty()) {
    Add(Phase::kSync, base + ".function", "create the dual-write function for " + t.name,
        ddl::CreateFillFunction(fn, table, fills, Errors(w, false)), {ddl::DropFunction(fn)});
    const std::string ins = TriggerName("ins");
    Add(Phase::kSync, base + ".insert_trigger", "fill new columns on INSERT into " + t.name,
        ddl::CreateFillInsertTrigger(ins, table, fn, fills), {ddl::DropTrigger(ins, table)});
    const std::string upd = TriggerName("upd");
    if (auto upd_sql = ddl::CreateFillUpdateTrigger(upd, table, fn, fills)) {
      std::string summary = "keep new columns in step on UPDATE of " + t.name;
      if (BackfillsByCtid(w))
        summary += ", and fill them on any UPDATE while NULL (the backfill walks ctid ranges)";
      Add(Phase::kSync, base + ".update_trigger", summary, std::move(*upd_sql),
          {ddl::DropTrigger(upd, table)});
    }
  }
}

Status PlanBuilder::EmitBackfill(const TableWork& w) {
  BackfillJob job = NewBackfillJob(*w.table);
  std::string cols;
  for (const ColumnSync& s : w.syncs) {
    if (!s.backfill) continue;
    job.assignments.push_back({s.fill.column, s.fill.expr});
    if (!s.probe) job.unprobed.push_back(s.fill.column);
    cols += (cols.empty() ? "" : ", ") + s.fill.column;
  }
  if (job.assignments.empty()) return Status::Ok();
  const TableInfo& t = *w.table;
  if (job.ByCtid() && BeforePlan(t).partitioned) {
    return Status::Invalid(fmt::format(
        "table {} needs a backfill but has no primary key and no unique index over NOT NULL "
        "columns to batch by, and a partitioned table cannot be batched by ctid ranges",
        QuoteQualified(t.schema, t.name)));
  }
  Step s;
  s.id = "backfill." + t.name;
  s.summary = fmt::format("fill {} for existing rows of {} in {} batches", cols, t.name,
                          job.ByCtid() ? "ctid-range" : "keyset");
  s.backfill = std::move(job);
  AddStep(Phase::kBackfill, std::move(s));
  return Status::Ok();
}

std::optional<Step> PlanBuilder::VerifyStep(const TableWork& w) const {
  if (w.verified.empty()) return std::nullopt;
  BackfillJob job = NewBackfillJob(*w.table);
  std::string cols;
  for (const ddl::OwnedColumn& c : w.verified) {
    job.assignments.push_back({c.column, c.expr});
    cols += (cols.empty() ? "" : ", ") + c.column;
  }
  job.only_where = ddl::OwnedColumnMismatch(w.verified);
  job.verify = true;
  Step s;
  s.id = "validate." + w.table->name + ".verify";
  s.summary = fmt::format(
      "verify {} = up(row) on every row of {} in {} batches, repairing the rows that differ", cols,
      w.table->name, job.ByCtid() ? "ctid-range" : "keyset");
  s.backfill = std::move(job);
  return s;
}

// One short transaction per table: the column renames, what operations attach, and the
// trigger turned around for the names and directions that hold from now on. Its reverse
// is the exact inverse, also in one transaction.
// A renamed table's view (RenameTable) is dropped first and re-created last, over the columns
// the new app has from now on: the renames and type changes are not blocked by it, and it does
// not keep reading a column that swap renamed away.
void PlanBuilder::EmitSwap(const TableWork& w) {
  const SwapChange& swap = w.swap;
  const bool renamed = !w.renamed_to.empty();
  if (swap.renames.empty() && swap.forward.empty() && !HasAfterSwap(w.syncs) && !renamed) return;
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const ddl::Rel view{t.schema, w.renamed_to};
  const std::vector<ddl::Fill> after = FillsAfterSwap(w);
  const std::vector<ddl::Fill> sync = SyncFills(w);
  const std::vector<Statement> drop_triggers = {ddl::DropTrigger(TriggerName("ins"), table),
                                                ddl::DropTrigger(TriggerName("upd"), table)};
  auto append = [](std::vector<Statement>& to, const std::vector<Statement>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  std::vector<Statement> fwd;
  if (renamed) fwd.push_back(ddl::DropView(view));  // before the guards, which would count it
  append(fwd, swap.guards);
  if (!sync.empty()) append(fwd, drop_triggers);
  for (const auto& [from, to] : swap.renames) fwd.push_back(ddl::RenameColumn(table, from, to));
  append(fwd, swap.forward);
  if (!after.empty()) append(fwd, TriggerStatements(t, after, Errors(w, true)));
  if (renamed) fwd.push_back(ddl::CreateColumnsView(view, table, ColumnNames(t)));
  std::vector<Statement> rev;
  if (renamed) rev.push_back(ddl::DropView(view));
  if (!after.empty()) append(rev, drop_triggers);
  append(rev, swap.reverse);
  for (auto it = swap.renames.rbegin(); it != swap.renames.rend(); ++it)
    rev.push_back(ddl::RenameColumn(table, it->second, it->first));
  if (!sync.empty()) {
    append(rev, TriggerStatements(t, sync, Errors(w, false)));
  } else if (!after.empty()) {
    rev.push_back(ddl::DropFunction({"pgphase", FunctionName(t)}));
  }
  if (renamed) rev.push_back(ddl::CreatePassThroughView(view, table));
  std::string summary = "in one transaction:";
  if (!swap.renames.empty()) {
    std::string names;
    for (const auto& [from, to] : swap.renames)
      names += (names.empty() ? " " : ", ") + from + " -> " + to;
    summary += " rename" + names + ";";
  }
  if (!swap.forward.empty()) summary += " the column changes;";
  if (!after.empty()) summary += " point the sync trigger at the new names;";
  if (renamed) summary += " the view " + w.renamed_to + " over the columns from now on";
  if (summary.back() == ';') summary.pop_back();
  std::vector<Statement> reverse = {ddl::Transaction(rev)};
  append(reverse, swap.after_reverse);
  Add(Phase::kSwap, "swap." + t.name, summary, ddl::Transaction(fwd), std::move(reverse));
}

void PlanBuilder::EmitRenameView(const TableWork& w) {
  if (w.renamed_to.empty()) return;
  const TableInfo& t = *w.table;
  const ddl::Rel view{t.schema, w.renamed_to};
  Add(Phase::kExpand, "expand.rename_table." + t.name + ".view",
      fmt::format("view {} over table {}, so the new name reads and writes the table", w.renamed_to,
                  t.name),
      ddl::CreatePassThroughView(view, RelOf(t)), {ddl::DropView(view)});
}

void PlanBuilder::EmitRename(const TableWork& w) {
  if (w.renamed_to.empty()) return;
  const TableInfo& t = *w.table;
  Add(Phase::kContract, "contract.rename_table." + t.name,
      fmt::format("in one transaction: drop the view {} and rename table {} to {}", w.renamed_to,
                  t.name, w.renamed_to),
      ddl::Transaction(
          {ddl::DropView({t.schema, w.renamed_to}), ddl::RenameTable(RelOf(t), w.renamed_to)}));
}

void PlanBuilder::EmitContract(const TableWork& w) {
  const TableInfo& t = *w.table;
  const ddl::Rel table = RelOf(t);
  const std::string base = "contract." + t.name;
  if (!SyncFills(w).empty() || HasAfterSwap(w.syncs)) {
    Add(Phase::kContract, base + ".insert_trigger", "drop the INSERT sync trigger",
        ddl::DropTrigger(TriggerName("ins"), table));
    Add(Phase::kContract, base + ".update_trigger", "drop the UPDATE sync trigger",
        ddl::DropTrigger(TriggerName("upd"), table));
    Add(Phase::kContract, base + ".function", "drop the dual-write function",
        ddl::DropFunction({"pgphase", FunctionName(t)}));
  }
  for (const auto& [column, constraint] : w.not_null_helpers) {
    Add(Phase::kContract, base + "." + column + ".not_null_check",
        "drop the helper check (NOT NULL is now set on the column)",
        ddl::DropConstraint(table, constraint));
  }
}

// Before the phases that need the rows a guarded fill could not compute (validate: the new
// columns must be complete before they are proved; swap: the old values must not be lost),
// every table with such fills gets a check, first in the phase. And every backfilled column
// that may fail to compute, or must not be NULL, is checked over the existing rows before
// anything changes (Plan::prechecks).
void PlanBuilder::EmitConversionChecks() {
  std::vector<Step> checks;
  for (const TableInfo* t : table_order_) {
    auto it = work_.find(TableKey(*t));
    if (it == work_.end()) continue;
    const TableWork& w = it->second;
    ConversionCheck check{t->schema, t->name, NewBackfillJob(*t).key, {}};
    for (const ddl::Fill& f : SyncFills(w))
      if (f.guard) check.columns.push_back({f.column, f.expr});
    for (const ColumnSync& s : w.syncs) {
      if (!s.backfill || !s.probe || (!s.fill.guard && !s.fill.not_null)) continue;
      plan_.prechecks.push_back({t->schema, t->name, check.key,
                                 s.name.empty() ? s.fill.column : s.name, s.fill.expr,
                                 s.fill.not_null, ""});
    }
    if (check.columns.empty()) continue;
    Step step;
    step.id = "conversions." + t->name;
    step.summary = "refuse while rows of " + t->name +
                   " whose new values the sync trigger could not compute remain unfixed";
    step.conversion_check = std::move(check);
    checks.push_back(std::move(step));
  }
  for (Phase phase : {Phase::kValidate, Phase::kSwap}) {
    std::vector<Step>& steps = plan_.phase(phase).steps;
    std::vector<Step> first = checks;
    for (Step& s : first) s.id = std::string(PhaseName(phase)) + "." + s.id;
    steps.insert(steps.begin(), first.begin(), first.end());
  }
  plan_.prechecks.insert(plan_.prechecks.end(), extra_prechecks_.begin(), extra_prechecks_.end());
}

// Drift expectations: the touched tables' columns as they were before this plan, minus
// what the plan itself changes, and the keys keyset backfills walk.
void PlanBuilder::RecordExpectations() {
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
}

std::string VersionSchemaName(const ChangeSpec& spec) {
  return BoundedName({spec.settings.schema, spec.version_schema.value_or(spec.name)});
}

void SetVersionOptions(const Settings& settings, PlanOptions& options) {
  options.version_schemas = settings.version_schemas.value_or(false);
  options.writer_by_search_path =
      options.version_schemas && settings.writer_by_search_path.value_or(false);
}

std::string PlanBuilder::WriterSchema() const {
  return options_.writer_by_search_path ? VersionSchemaName(spec_) : "";
}

// With version schemas, a renamed table's view in the schema itself reads every column of the
// table, the old ones of a column pair too, which contract then drops: it goes first in
// contract (the new application reads the table through its version schema).
void PlanBuilder::DropRenamedTableViewsFirst() {
  std::vector<Step> views;
  for (const TableInfo* t : table_order_) {
    auto it = work_.find(TableKey(*t));
    if (it == work_.end() || it->second.renamed_to.empty()) continue;
    Step view;
    view.id = "contract.rename_table." + t->name + ".view";
    view.summary = fmt::format(
        "drop the view {} over table {} (the new application reads the table through its "
        "version schema)",
        it->second.renamed_to, t->name);
    view.statement = ddl::DropView({t->schema, it->second.renamed_to});
    views.push_back(std::move(view));
  }
  std::vector<Step>& contract = plan_.phase(Phase::kContract).steps;
  contract.insert(contract.begin(), std::make_move_iterator(views.begin()),
                  std::make_move_iterator(views.end()));
}

// The new version is complete at the end of swap: its schema is made last in swap (and
// dropped by reversing swap). The previous one is dropped first in contract, once no session
// uses it, before anything it shows goes.
void PlanBuilder::EmitVersionSchemas() {
  if (!options_.version_schemas) return;
  const std::string name = VersionSchemaName(spec_);
  for (const auto& [key, w] : work_)
    if (!w.renamed_to.empty())
      version_shape_.renamed_tables.push_back({w.table->name, w.renamed_to});
  Add(Phase::kSwap, "swap.version_schema",
      fmt::format("create version schema {}: one view per table of {} in this migration's shape, "
                  "for the new application (search_path={})",
                  name, schema(), name),
      ddl::CreateVersionSchema(name, schema(), spec_.name, version_shape_),
      {ddl::DropVersionSchema(name)});
  if (changes_at_contract_) {
    Add(Phase::kContract, "contract.version_schema.complete",
        fmt::format("add to version schema {} the tables and columns the migration's own SQL made "
                    "at contract",
                    name),
        ddl::CompleteVersionSchema(name, schema()));
  }
  DropRenamedTableViewsFirst();
  const std::string& previous = options_.previous_version_schema;
  if (previous.empty()) {
    Note(
        fmt::format("no version schema of {} existed when this plan was made, so the old "
                    "application uses the tables themselves and sees this migration's columns "
                    "from expand on; run `pgphase baseline` first to give it one",
                    schema()));
    return;
  }
  std::vector<Step>& contract = plan_.phase(Phase::kContract).steps;
  Step check, drop;
  check.id = "contract.version_schema.unused";
  check.summary = "refuse while sessions still use the previous version schema " + previous;
  check.statement = ddl::CheckVersionSchemaUnused(previous);
  drop.id = "contract.version_schema.drop";
  drop.summary = "drop the previous version schema " + previous;
  drop.statement = ddl::DropVersionSchema(previous);
  contract.insert(contract.begin(), {std::move(check), std::move(drop)});
}

// Without version schemas, a column added to (or changed in) a table the application already
// uses changes what `SELECT *` returns: PostgreSQL then refuses every statement a driver
// prepared before ("cached plan must not change result type") until it prepares it again.
void PlanBuilder::NoteResultShapeChanges() {
  if (options_.version_schemas) return;
  const bool changes = std::any_of(table_order_.begin(), table_order_.end(), [&](auto* t) {
    if (original_.FindTable(t->schema, t->name) == nullptr) return false;
    const std::string key = TableKey(*t) + '\0';
    auto in = [&](const std::vector<std::string>& keys) {
      return std::any_of(keys.begin(), keys.end(),
                         [&](const std::string& k) { return k.rfind(key, 0) == 0; });
    };
    return in(new_columns_) || in(changed_);
  });
  if (!changes) return;
  Note(
      "columns of tables in use change from expand on: a statement a driver prepared before "
      "(`SELECT *`) fails with `cached plan must not change result type` until prepared again; "
      "--version-schemas gives each application version views of its own shape instead");
}

void PlanBuilder::RecordTableRows() {
  auto record = [&](const Statement& s) {
    if (s.table.empty() || plan_.table_rows.count(s.table)) return;
    int64_t rows = 0;  // a table the plan creates
    for (const TableInfo& t : original_.tables)
      if (ddl::Rel{t.schema, t.name}.Key() == s.table) rows = t.estimated_rows;
    plan_.table_rows[s.table] = rows;
  };
  for (const PhasePlan& p : plan_.phases) {
    for (const Step& step : p.steps) {
      if (step.statement) record(*step.statement);
      for (const Statement& r : step.reverse) record(r);
    }
  }
}

Result<Plan> PlanBuilder::Finish() {
  // Per-table work (sync trigger, backfill pass, verification, swap, their contract drops) is
  // emitted once per table, tables in order of first use.
  std::vector<Step> verify;
  for (const TableInfo* t : table_order_) {
    auto it = work_.find(TableKey(*t));
    if (it != work_.end()) {
      EmitRenameView(it->second);
      EmitSync(it->second);
      PGPHASE_RETURN_IF_ERROR(EmitBackfill(it->second));
      if (auto step = VerifyStep(it->second)) verify.push_back(std::move(*step));
      EmitSwap(it->second);
      EmitContract(it->second);
    }
    plan_.tables.push_back(DisplayName(*t));
    if (Renames(*t)) plan_.tables.push_back(t->schema + "." + work_.at(TableKey(*t)).renamed_to);
  }
  // Verification comes first in validate: constraints and indexes are built on verified data.
  std::vector<Step>& validate = plan_.phase(Phase::kValidate).steps;
  validate.insert(validate.begin(), std::make_move_iterator(verify.begin()),
                  std::make_move_iterator(verify.end()));
  for (auto& [phase, step] : after_table_work_) AddStep(phase, std::move(step));
  // Renamed tables last: every contract step before names them by their old names.
  for (const TableInfo* t : table_order_)
    if (auto it = work_.find(TableKey(*t)); it != work_.end()) EmitRename(it->second);
  EmitVersionSchemas();
  NoteResultShapeChanges();
  EmitConversionChecks();
  RecordExpectations();
  RecordTableRows();
  std::sort(plan_.tables.begin(), plan_.tables.end());
  return plan_;
}

}  // namespace pgphase
