// PlanBuilder: accumulates the steps operations contribute, then lays them out in phase
// order. Per-table work that several operations share (one sync trigger per table, one
// backfill pass per table, one verification pass per table, one swap transaction per table)
// is collected here and emitted once, in Finish(). Private to the plan module; one builder per
// BuildPlan call.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/ddl_version.h"
#include "pgphase/plan.h"

namespace pgphase {

// A column the table's sync trigger keeps filled (and, usually, the backfill fills too).
struct ColumnSync {
  ddl::Fill fill;        // what the trigger computes, until swap
  bool backfill = true;  // existing rows are filled too
  // false: a volatile default fills rows the old app inserts, so the trigger is only needed
  // where the default cannot help (an UPDATE of an unfilled NOT NULL row, a ctid walk).
  bool trigger = true;
  // Set: from swap on, the trigger fills this instead of `fill` (a shadow column's old
  // column, from `down`). Unset: `fill` carries on after swap, renames applied.
  std::optional<ddl::Fill> after_swap;
  // The column as the migration names it, for messages ("" when it is fill.column).
  std::string name;
  // Set: `fill` is the new column of a pair (Fill::Mode::kPairNew) and this its old column
  // (kPairOld), both filled by the trigger from sync until contract. Never backfilled.
  std::optional<ddl::Fill> paired;
  // false: the expression names a relation expand creates (a serial column's sequence), so
  // it is neither resolved by the server nor prechecked over the rows before expand.
  bool probe = true;
  // With `after_swap`, under version schemas: the old version keeps writing the old column
  // through its view from swap on, so the new column is filled from those writes too. This is
  // its fill then (Fill::Mode::kPairNew, by the names before swap: renames applied), the pair
  // of `after_swap` (kPairOld) until contract.
  std::optional<ddl::Fill> after_swap_new;
};

// What one operation contributes to its table's swap transaction (and its reverse).
struct SwapChange {
  std::vector<Statement> guards;  // run first (checks that may refuse the swap)
  std::vector<std::pair<std::string, std::string>> renames;  // column from -> to
  std::vector<Statement> forward;                            // after the renames
  std::vector<Statement> reverse;  // undoes `forward`, inside the reverse transaction
  // Run after the reverse transaction, each on its own (they may scan: restoring NOT NULL,
  // re-creating an index CONCURRENTLY).
  std::vector<Statement> after_reverse;
};

class PlanBuilder {
 public:
  PlanBuilder(const ChangeSpec& spec, const CatalogSnapshot& catalog, const PlanOptions& options);

  const ChangeSpec& spec() const { return spec_; }
  const PlanOptions& options() const { return options_; }
  const std::string& schema() const { return spec_.settings.schema; }
  // The schema as it will be after the operations planned so far: operations update it
  // (a created table appears, a renamed column is renamed) so that later operations in
  // the same migration are checked against what earlier ones do.
  const CatalogSnapshot& catalog() const { return catalog_; }
  CatalogSnapshot& working_catalog() { return catalog_; }
  // Table `name` of the spec's schema in the working catalog, to check or record what an
  // operation changes; nullptr when there is none.
  TableInfo* MutableTable(const std::string& name);
  // The schema as it was when planning started (what the old app sees).
  const CatalogSnapshot& original_catalog() const { return original_; }
  // `table` as it was before this plan: what a backfill walks (renames happen at swap).
  const TableInfo& BeforePlan(const TableInfo& table) const;

  // Appends a step to `phase` (a statement step, or a fully formed one: non-transactional
  // steps carry done_check and cleanup).
  void Add(Phase phase, std::string id, std::string summary, Statement statement,
           std::vector<Statement> reverse = {});
  void AddStep(Phase phase, Step step);
  // Appends a step to `phase` after the per-table work (triggers, backfill, their contract
  // drops): for steps that need the sync triggers gone first (DROP COLUMN at contract).
  void AddAfterTableWork(Phase phase, Step step);

  // Registers a column the sync trigger of `table` fills (see ColumnSync).
  void Sync(const TableInfo& table, ColumnSync sync);
  // Where the values of `column` of `table` (by the name later operations use) are until
  // swap. Filled (this plan's trigger and backfill fill it, Sync): the column an add_column
  // adds, a shadow column or a pair's new column. Otherwise the column itself, by the name it
  // has before a rename at swap.
  struct UntilSwap {
    std::string column;
    bool filled = false;
  };
  UntilSwap ColumnUntilSwap(const TableInfo& table, const std::string& column) const;
  // Adds to the swap transaction of `table`.
  void Swap(const TableInfo& table, SwapChange change);
  // A precheck (Plan::prechecks) besides the ones of the syncs, which Finish adds.
  void AddPrecheck(Precheck p) { extra_prechecks_.push_back(std::move(p)); }
  // A column of `table` that pgphase owns and keeps equal to an expression of its row (made
  // with a deterministic expression: verify.h). Validate verifies every row, before any other
  // validate step but the conversion checks: one batched pass per table over all its columns,
  // repairing what differs.
  void Verify(const TableInfo& table, ddl::OwnedColumn column);
  // A NOT NULL helper check (added in validate) that contract drops.
  void AddNotNullHelper(const TableInfo& table, const std::string& column,
                        const std::string& constraint);

  // Records that `table` (which exists) is renamed to `to`: expand ends with a view `to` over
  // it, its swap transaction re-creates that view over the columns it has from swap on, and
  // contract ends with the view dropped and the table renamed. Every statement before names
  // the table by its name before the plan.
  void RenameTable(const TableInfo& table, const std::string& to);
  // True when this plan renames `table` (RenameTable).
  bool Renames(const TableInfo& table) const;

  void TouchTable(const TableInfo& table);
  // True when an operation planned so far has work on `table` (its steps come in that order).
  bool Touched(const TableInfo& table) const;
  // Records that this plan renames, retypes or drops `column` of schema.table (or the
  // whole table when column is empty), so the drift check does not expect it unchanged.
  void MarkChanged(const std::string& schema, const std::string& table,
                   const std::string& column = "");
  // Records that this migration adds `column` to `table`; false if it already does.
  bool ClaimNewColumn(const TableInfo& table, const std::string& column);
  void Note(std::string note) { plan_.notes.push_back(std::move(note)); }

  // Version schemas (PlanOptions::version_schemas): what this migration's version shows
  // differently from the tables as they stand at the end of swap (ddl::VersionShape).
  bool version_schemas() const { return options_.version_schemas; }
  // The schema of the new version when a column pair's triggers tell the versions apart by
  // the writing session's search_path (PlanOptions::writer_by_search_path), else "".
  std::string WriterSchema() const;
  void HideInVersion(const std::string& table) { version_shape_.hidden_tables.push_back(table); }
  void HideInVersion(const std::string& table, const std::string& column) {
    version_shape_.hidden_columns.push_back({table, column});
  }
  void ShowInVersionAs(ddl::VersionShape::Alias alias) {
    version_shape_.aliases.push_back(std::move(alias));
  }
  // The migration's own SQL changes the schema at contract (`sql` with onComplete): the new
  // version schema gets what it made at the end of contract.
  void ChangesAtContract() { changes_at_contract_ = true; }
  // The name of this migration's sync trigger of `kind` ("ins", "upd") on any table.
  std::string TriggerName(const std::string& kind) const;

  // A backfill job of `table` without assignments: its names, the key of the table as the
  // backfill walks it (empty: ctid ranges), the row estimate.
  BackfillJob NewBackfillJob(const TableInfo& table) const;

  // Emits the per-table sync, backfill, swap and contract steps and returns the plan.
  // Fails when a partitioned table that needs a backfill has no usable key (a table
  // without one is batched by ctid ranges, which a partitioned table has none of).
  Result<Plan> Finish();

 private:
  struct TableWork {
    const TableInfo* table = nullptr;
    std::vector<ColumnSync> syncs;
    std::vector<std::pair<std::string, std::string>> not_null_helpers;  // column, constraint
    std::vector<ddl::OwnedColumn> verified;
    SwapChange swap;
    std::string renamed_to;  // RenameTable's new name, or ""
  };
  TableWork& Work(const TableInfo& table);
  // The trigger's fills from swap on: the fills that carry over (sources renamed, with
  // their old names kept as the expressions' variables), then the `after_swap` ones.
  std::vector<ddl::Fill> FillsAfterSwap(const TableWork& w) const;
  // The trigger's fills until swap (see builder.cc).
  std::vector<ddl::Fill> SyncFills(const TableWork& w) const;
  // Where the trigger of `w` records what a guarded fill could not compute (the key by the
  // names it has from swap on, when `after_swap`).
  ddl::FillErrors Errors(const TableWork& w, bool after_swap) const;
  // CREATE OR REPLACE FUNCTION and the triggers for `fills`.
  std::vector<Statement> TriggerStatements(const TableInfo& t, const std::vector<ddl::Fill>& fills,
                                           const ddl::FillErrors& errors) const;
  // True when `w` needs a backfill and the table has no key to batch by (ctid ranges).
  bool BackfillsByCtid(const TableWork& w) const;
  void EmitSync(const TableWork& w);
  Status EmitBackfill(const TableWork& w);
  // The verification of `w`'s owned columns, nullopt when there are none.
  std::optional<Step> VerifyStep(const TableWork& w) const;
  void EmitSwap(const TableWork& w);
  void EmitContract(const TableWork& w);
  // The view of a renamed table (RenameTable) in expand and the rename that ends contract.
  void EmitRenameView(const TableWork& w);
  void EmitRename(const TableWork& w);
  // Plan::table_rows: the estimate of each table a statement scans or rewrites.
  void RecordTableRows();
  void EmitConversionChecks();
  void EmitVersionSchemas();
  void DropRenamedTableViewsFirst();
  void NoteResultShapeChanges();
  void RecordExpectations();
  std::string FunctionName(const TableInfo& t) const;

  const ChangeSpec& spec_;
  const PlanOptions& options_;
  const CatalogSnapshot& original_;
  CatalogSnapshot catalog_;  // working copy
  Plan plan_;
  std::vector<const TableInfo*> table_order_;  // in order of first use
  std::map<std::string, TableWork> work_;      // by "schema.table"
  std::vector<std::string> new_columns_;       // table key + NUL + column this plan adds
  std::vector<std::string> changed_;           // table key (+ NUL + column) this plan changes
  std::vector<std::pair<Phase, Step>> after_table_work_;
  ddl::VersionShape version_shape_;
  bool changes_at_contract_ = false;
  std::vector<Precheck> extra_prechecks_;
};

}  // namespace pgphase
