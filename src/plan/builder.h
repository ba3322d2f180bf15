// PlanBuilder: accumulates the steps operations contribute, then lays them out in
// phase order. Per-table work that several operations share (one sync trigger per
// table, one backfill pass per table) is collected here and emitted once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/plan.h"

namespace pgphase {

class PlanBuilder {
 public:
  PlanBuilder(const ChangeSpec& spec, const CatalogSnapshot& catalog);

  const ChangeSpec& spec() const { return spec_; }
  // The schema as it will be after the operations planned so far: operations update it
  // (a created table appears, a renamed column is renamed) so that later operations in
  // the same migration are checked against what earlier ones do.
  const CatalogSnapshot& catalog() const { return catalog_; }
  CatalogSnapshot& working_catalog() { return catalog_; }
  // The schema as it was when planning started (what the old app sees).
  const CatalogSnapshot& original_catalog() const { return original_; }

  // Appends a transactional statement step to `phase`.
  void Add(Phase phase, std::string id, std::string summary, Statement statement,
           std::vector<Statement> reverse = {});
  // Appends a fully formed step (non-transactional ones carry done_check and cleanup).
  void AddStep(Phase phase, Step step);

  // Registers a column the sync trigger of `table` fills, and the backfill of it. Without
  // `needs_sync_trigger` (a volatile default fills inserted rows), the trigger fills it only
  // when the backfill walks ctid ranges, for the rows an UPDATE moves behind the walk.
  void AddFill(const TableInfo& table, ddl::Fill fill, bool needs_sync_trigger);
  // Registers a backfill assignment without a trigger (a volatile default covers inserts).
  void AddBackfill(const TableInfo& table, ddl::Assignment assignment);
  // Registers a column the sync trigger fills without any backfill (drop_column's `down`).
  void AddTriggerFill(const TableInfo& table, ddl::Fill fill);
  // Registers a pgphase-owned fill that stops at swap (a shadow column filled from `up`);
  // `after_swap` is what the trigger does from swap on (the old column filled from `down`).
  void AddSwappedFill(const TableInfo& table, ddl::Fill before_swap, ddl::Fill after_swap);
  // A column rename done by the table's swap transaction (reversed by its reverse).
  void AddSwapRename(const TableInfo& table, const std::string& from, const std::string& to);
  // Statements run inside the table's swap transaction after the renames, and their undo,
  // run inside the reverse transaction before the renames are undone.
  void AddSwapStatements(const TableInfo& table, std::vector<std::string> forward,
                         std::vector<std::string> reverse);
  // Statements run after the table's swap reverse transaction, each on its own (they may
  // scan: restoring NOT NULL, re-creating an index CONCURRENTLY).
  void AddSwapReverseAfter(const TableInfo& table, std::vector<Statement> reverse);
  // Statements run inside the swap transaction before anything else (guards).
  void AddSwapGuard(const TableInfo& table, std::string guard);
  // Appends a step to `phase` after the per-table work (triggers, backfill, their contract
  // drops): for steps that need the sync triggers gone first (DROP COLUMN at contract).
  void AddAfterTableWork(Phase phase, Step step);
  // A NOT NULL helper check to add once the sync trigger is in place, and to drop at contract.
  void AddNotNullHelper(const TableInfo& table, const std::string& column,
                        const std::string& constraint);

  void TouchTable(const TableInfo& table);
  // Records that this plan renames, retypes or drops `column` of schema.table (or the
  // whole table when column is empty), so the drift check does not expect it unchanged.
  void MarkChanged(const std::string& schema, const std::string& table,
                   const std::string& column = "");
  // Records that this migration adds `column` to `table`; false if it already does.
  bool ClaimNewColumn(const TableInfo& table, const std::string& column);
  void Note(std::string note) { plan_.notes.push_back(std::move(note)); }
  // The name of this migration's sync trigger of `kind` ("ins", "upd") on any table.
  std::string TriggerName(const std::string& kind) const;

  // `table` as it was before this plan: what a backfill walks (renames happen at swap).
  const TableInfo& BeforePlan(const TableInfo& table) const;
  // A backfill job of `table` without assignments: its names, the key of the table as the
  // backfill walks it (empty: ctid ranges), the row estimate.
  BackfillJob NewBackfillJob(const TableInfo& table) const;

  // Emits the per-table sync, backfill and contract steps and returns the plan.
  // Fails when a partitioned table that needs a backfill has no usable key (a table
  // without one is batched by ctid ranges, which a partitioned table has none of).
  Result<Plan> Finish();

 private:
  struct TableWork {
    const TableInfo* table = nullptr;
    std::vector<ddl::Fill> fills;               // for the trigger until swap
    std::vector<ddl::Fill> default_fills;       // backfilled, inserts covered by a volatile default
    std::vector<std::string> fills_until_swap;  // columns of `fills` that stop at swap
    std::vector<ddl::Fill> fills_after_swap;    // added to the carried-over fills at swap
    std::vector<ddl::Assignment> assignments;   // for the backfill
    std::vector<std::pair<std::string, std::string>> not_null_helpers;  // column, constraint
    std::vector<std::pair<std::string, std::string>> renames;           // at swap: from, to
    std::vector<std::string> swap_guards, swap_forward, swap_reverse;
    std::vector<Statement> swap_reverse_after;
  };
  TableWork& Work(const TableInfo& table);
  // The trigger's fills from swap on: `fills` that carry over (sources renamed, with their
  // old names kept as the expressions' variables), then `fills_after_swap`.
  std::vector<ddl::Fill> FillsAfterSwap(const TableWork& w) const;
  // CREATE OR REPLACE FUNCTION and the triggers for `fills`.
  std::vector<std::string> TriggerSql(const TableInfo& t,
                                      const std::vector<ddl::Fill>& fills) const;
  // True when `w` needs a backfill and the table has no key to batch by (ctid ranges).
  bool BackfillsByCtid(const TableWork& w) const;
  // The trigger's fills until swap: `fills`; the `default_fills` of NOT NULL columns (an
  // UPDATE of an unfilled row must not leave NULL under the helper check); when the backfill
  // walks ctid ranges (an UPDATE may move a row behind it), all `default_fills`, and each
  // fill then fills NULLs on any UPDATE.
  std::vector<ddl::Fill> SyncFills(const TableWork& w) const;
  void EmitSync(const TableWork& w);
  void EmitSwap(const TableWork& w);
  Status EmitBackfill(const TableWork& w);
  void EmitContract(const TableWork& w);
  std::string FunctionName(const TableInfo& t) const;

  const ChangeSpec& spec_;
  const CatalogSnapshot& original_;
  CatalogSnapshot catalog_;  // working copy
  Plan plan_;
  std::vector<const TableInfo*> table_order_;  // in order of first use
  std::map<std::string, TableWork> work_;      // by "schema.table"
  std::vector<std::string> new_columns_;       // table key + NUL + column this plan adds
  std::vector<std::string> changed_;           // table key (+ NUL + column) this plan changes
  std::vector<std::pair<Phase, Step>> after_table_work_;
};

// The migration with operations on a column that an earlier operation of it adds or
// changes folded into that earlier one (plan/merge.cc); `notes` says what was combined.
// Errors: ExitCode::kInvalid when two of them cannot be combined (two checks on a column).
Result<ChangeSpec> CombineColumnOperations(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                                           std::vector<std::string>* notes);

// Key columns for keyset batches: the primary key, else the first valid, non-partial
// unique index over NOT NULL plain columns. Empty when the table has neither.
std::vector<KeyColumn> KeysetKey(const TableInfo& table);
// True when `index` of `table` can order and identify every row: valid, unique, not
// partial, over plain columns that are all NOT NULL.
bool IsKeyIndex(const TableInfo& table, const IndexInfo& index);

// The operation planners, one per operation kind, grouped in files like the spec readers:
// add_column.cc, table_ops.cc, column_ops.cc, index_ops.cc, constraint_ops.cc.
Status PlanAddColumn(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanCreateTable(const CreateTableOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanDropTable(const DropTableOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanRenameTable(const RenameTableOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanSetReplicaIdentity(const SetReplicaIdentityOp& op, const SourceLocation& where,
                              PlanBuilder& b);
Status PlanSql(const SqlOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanAlterColumn(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanDropColumn(const DropColumnOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanRenameColumn(const RenameColumnOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanCreateIndex(const CreateIndexOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanDropIndex(const DropIndexOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanCreateConstraint(const CreateConstraintOp& op, const SourceLocation& where,
                            PlanBuilder& b);
Status PlanDropConstraint(const DropConstraintOp& op, const SourceLocation& where, PlanBuilder& b);
Status PlanRenameConstraint(const RenameConstraintOp& op, const SourceLocation& where,
                            PlanBuilder& b);

// "file:line:col: <kind>: operation <kind> is not planned yet" for operations in progress.
Status NotPlannedYet(const std::string& kind, const SourceLocation& where);

}  // namespace pgphase
