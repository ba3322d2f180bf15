// Plan: the ordered steps of one migration, as a pure value.
//
// BuildPlan(spec, catalog, options) never touches a connection, a clock or the
// environment: the same inputs give a byte-identical plan and byte-identical SQL.
// The executor stores the plan (as JSON) when a migration is first applied and runs
// that stored plan on every resume, so a plan never changes under a running migration.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/ddl.h"
#include "pgphase/duration.h"
#include "pgphase/lint.h"
#include "pgphase/spec.h"
#include "pgphase/sql.h"
#include "pgphase/statement.h"
#include "pgphase/status.h"

namespace pgphase {

enum class Phase { kExpand = 0, kSync, kBackfill, kValidate, kSwap, kContract };
inline constexpr std::array<Phase, 6> kAllPhases = {Phase::kExpand,   Phase::kSync,
                                                    Phase::kBackfill, Phase::kValidate,
                                                    Phase::kSwap,     Phase::kContract};
std::string_view PhaseName(Phase phase);  // "expand", ...
std::optional<Phase> ParsePhase(std::string_view name);
inline int PhaseIndex(Phase phase) { return static_cast<int>(phase); }

// The hazards of a statement of a step in `phase` (a forward step, or with `reverse` one of its
// undo statements): HazardsOf, and
//   kBreaksOldApp: a forward rename, or drop of a table or column, at swap or contract: the
//     old application's statements that name it fail from here on;
//   kBreaksNewApp: an undo statement that renames or drops one: the new application's fail.
// Renames and drops before swap touch only what the migration adds or pairs (both names of
// a renamed column live until contract), so they carry neither.
std::vector<Hazard> StepHazards(const Statement& statement, Phase phase, bool reverse);

struct KeyColumn {
  std::string name;
  std::string type;  // as format_type gives it; key values travel as text cast to it
};

// Batched fill of one table. The executor builds the batch statements from this
// (src/exec), so batch size can adapt at run time.
struct BackfillJob {
  std::string schema;
  std::string table;
  // Keyset order: the primary key, else a unique NOT NULL key. Empty: the table has
  // neither, and the batches are ctid ranges (pages) instead (ddl::BackfillCtidBatch).
  std::vector<KeyColumn> key;
  std::vector<ddl::Assignment> assignments;  // SET column = expr WHERE column IS NULL
  // Empty: each batch fills the assigned columns of its rows where they are still NULL.
  // Set (embedded SQL): each batch writes the assignments as given, overwriting, to the rows
  // that match this predicate (create_constraint's `up`, for the rows its check rejects).
  std::string only_where;
  // With only_where: a verification, in validate, of columns pgphase owns (a shadow column
  // kept equal to `up`). only_where is their mismatch (ddl::OwnedColumnMismatch), the
  // assignments repair it, and each batch reports the rows it repaired and re-checks them
  // (ddl::BackfillBatch's `report`).
  bool verify = false;
  // Assigned columns whose expression names a relation this migration creates in expand (a
  // serial column's sequence): the executor cannot ask the server to resolve it beforehand.
  std::vector<std::string> unprobed;
  int64_t estimated_rows = 0;  // at plan time, for progress

  bool ByCtid() const { return key.empty(); }
};

// The statement one batch of `job` runs (ddl::BackfillBatch for a keyset walk, the first batch
// without a lower bound; ddl::BackfillCtidBatch for a ctid walk, where `first_batch` does not
// matter). The executor runs it and `plan` shows it. `upper_bound`: a keyset batch of one part
// of a parallel backfill, which stops at the part's last key (ddl::BackfillBatch).
Statement BatchSql(const BackfillJob& job, bool first_batch, bool upper_bound = false);

// The rows of a table whose new value a guarded fill could not compute (the sync trigger
// recorded them in pgphase.sync_errors): the executor re-evaluates each recorded row, forgets
// the ones that now convert (fixed, or deleted), and refuses (exit 2, naming them) while any
// still fails. Put first in the phase that needs those rows.
struct ConversionCheck {
  std::string schema;
  std::string table;
  std::vector<KeyColumn> key;            // as recorded; empty for a table without one
  std::vector<ddl::Assignment> columns;  // each guarded column and the expression filling it
};

// Before anything changes, the expression that will fill `column` is evaluated over the
// existing rows of the table in read-only batches (keyset, or ctid ranges when `key` is
// empty): a value it cannot convert (an error, or NULL where the column will be NOT NULL)
// is refused up front, naming the rows.
struct Precheck {
  std::string schema;
  std::string table;
  std::vector<KeyColumn> key;
  std::string column;      // as the migration names it
  std::string expr;        // embedded user SQL
  bool not_null = false;   // NULL is a failure too
  std::string only_where;  // the rows it applies to; "" for every row
};

struct Step {
  std::string id;       // unique within the plan: "expand.add_column.users.shout"
  std::string summary;  // one line for humans
  // Exactly one of statement / backfill / conversion_check is set.
  std::optional<Statement> statement;
  std::optional<BackfillJob> backfill;
  std::optional<ConversionCheck> conversion_check;
  // Undo, run in order, when the phase is reversed. Empty: nothing to undo.
  std::vector<Statement> reverse;
  // For non-transactional statements: a query returning one boolean, true when the
  // step's effect is already complete (e.g. the index exists and is valid).
  std::string done_check;
  // For non-transactional statements: run before (re)trying, to clear what an
  // interrupted attempt left behind (e.g. an invalid index).
  std::vector<Statement> cleanup;
  // For a statement that validates a constraint: a query returning up to ten rows that
  // violate it (one text column each, the row's key), which the executor runs to name them
  // when the statement fails with check_violation.
  std::string diagnose;
};

struct PhasePlan {
  Phase phase = Phase::kExpand;
  std::vector<Step> steps;
};

// A column the plan relies on, as it was when the plan was made. Before each phase
// the executor checks these against the live catalog and refuses to run on drift.
struct ColumnExpectation {
  std::string schema;
  std::string table;
  std::string column;
  std::string type;

  std::string Describe() const;  // "public.users.name text"
};

// A keyset backfill's key: the table must still have a primary key or a valid unique index
// over exactly these columns (NOT NULL), or its batches could skip or repeat rows.
struct KeyExpectation {
  std::string schema;
  std::string table;
  std::vector<std::string> columns;

  std::string Describe() const;  // "public.users (id)"
};

struct Plan {
  std::string migration;
  std::array<PhasePlan, 6> phases;
  std::vector<std::string> tables;  // "schema.table" the migration touches, sorted
  std::vector<std::string> notes;   // remarks for reviewers (e.g. version_schema ignored)
  // Columns of the touched tables that existed at plan time and that no step changes.
  std::vector<ColumnExpectation> expected_columns;
  // The keys of the keyset backfills on tables that existed at plan time.
  std::vector<KeyExpectation> expected_keys;
  // What the executor checks over the existing rows before the plan is registered.
  std::vector<Precheck> prechecks;
  // pg_class.reltuples at plan time of each table a statement scans or rewrites
  // (Statement::table), for the row estimate `plan` shows; 0 for a table the plan creates.
  std::map<std::string, int64_t> table_rows;

  const PhasePlan& phase(Phase p) const { return phases[PhaseIndex(p)]; }
  PhasePlan& phase(Phase p) { return phases[PhaseIndex(p)]; }
};

// What the planner needs from the database besides the catalog snapshot; the executor
// reads it before planning, tests give it by hand.
struct PlanOptions {
  // The volatility of the functions CalledFunctions(spec) names, the least stable of each
  // one's overloads. A function missing here is taken as not IMMUTABLE, so the copy that
  // calls it is not verified (and the plan says so).
  std::map<FunctionName, Volatility> function_volatility;
  // Version schemas (Settings::version_schemas or --version-schemas): the plan creates this
  // migration's version schema last in swap, and drops `previous_version_schema` (the newest
  // one before it; "" when there is none) first in contract.
  bool version_schemas = false;
  std::string previous_version_schema;
  // Settings::writer_by_search_path, with version schemas.
  bool writer_by_search_path = false;
  // The check constraints that cannot be carried over to a column's new type (CheckKey ->
  // the server's error), found by running CarriedCheckProbes: the shadow path leaves them
  // on the old column, which contract drops, and the plan says so.
  std::map<std::string, std::string> unusable_checks;
  // The columns whose default can be carried over to the new type an alter_column gives
  // them (CheckKey(schema, table, column)), found by running CarriedDefaultProbes: the new
  // column takes the old default only then (pgroll keeps a default its new type takes), and
  // the plan says when it does not.
  std::set<std::string> carried_defaults;
  // The foreign keys (CheckKey(schema, table, constraint)) on a column whose type an
  // alter_column changes that the new type can still have, found by running
  // CarriedForeignKeyProbes: the new column gets them as when the type stays; the others
  // refuse the change at plan time.
  std::set<std::string> carried_foreign_keys;
};

// PlanOptions::version_schemas and writer_by_search_path, as the migration's settings
// have them (the rest of the options come from the database).
void SetVersionOptions(const Settings& settings, PlanOptions& options);

// The name of the version schema `spec` makes: <schema>_<version_schema, else the migration's
// name>, shortened to PostgreSQL's 63 bytes as pgphase shortens its own names.
std::string VersionSchemaName(const ChangeSpec& spec);

// "schema.table.constraint", the key of PlanOptions::unusable_checks.
std::string CheckKey(const std::string& schema, const std::string& table,
                     const std::string& constraint);

// A read-only query that fails when a check constraint on a column whose type an
// alter_column changes cannot be written for the new type (`length(c) > 3` on an integer):
// the check with the column replaced by CAST(NULL AS new type), over the table, LIMIT 0.
struct CheckProbe {
  std::string key;  // CheckKey
  std::string sql;
};
std::vector<CheckProbe> CarriedCheckProbes(const ChangeSpec& spec, const CatalogSnapshot& catalog);

// A read-only query (ddl::ProbeAssignable) for each column with a default (not a sequence's)
// whose type an alter_column changes without giving `default:`: true when the default can
// be kept for the new type. `key` is CheckKey(schema, table, column).
std::vector<CheckProbe> CarriedDefaultProbes(const ChangeSpec& spec,
                                             const CatalogSnapshot& catalog);

// A read-only query (ddl::ProbeForeignKeyType) for each one-column foreign key on a column
// whose type an alter_column changes: true when the new type can have it. `key` is
// CheckKey(schema, table, constraint).
std::vector<CheckProbe> CarriedForeignKeyProbes(const ChangeSpec& spec,
                                                const CatalogSnapshot& catalog);

// The functions the expressions whose determinism the plan depends on call (every
// alter_column `up`, and every create_constraint `up`, which may fill a shadow column:
// validate verifies the copy a shadow column holds only when `up` is deterministic). An expression
// that does not parse is skipped (BuildPlan reports it).
std::vector<FunctionName> CalledFunctions(const ChangeSpec& spec);

// A lint finding in a `sql` operation's `up` or `down`: where its statement starts in the
// file, and whether the operation accepts it (its rule is in unsafe_ok).
struct SqlLintFinding {
  SourceLocation where;
  std::string field;  // "sql.up", "sql.down"
  LintFinding finding;
  bool accepted = false;

  // "file:line:col: error create-index-not-concurrently: sql.up: what; safe: how"
  std::string Describe() const;
  bool Refuses() const { return finding.severity == Severity::kError && !accepted; }
  // Describe(), and how to accept the finding (unsafe_ok) where a rule can be accepted.
  std::string Refusal() const;
};
// LintSql over the operation's `up` and `down`, placed in `file_text` (the spec's text, to
// find where a block scalar's lines start). Errors (kInvalid) when unsafe_ok names a rule
// that does not exist.
Result<std::vector<SqlLintFinding>> LintSqlOperation(const SqlOp& op, std::string_view file_text);
// Every `sql` operation of the spec (LintSqlOperation), and every other operation's
// expressions (up, down, default, check, predicate): one that does not parse as an
// expression is a "syntax" finding at its place in the file. In the operations' order.
Result<std::vector<SqlLintFinding>> LintSpec(const ChangeSpec& spec);
// LintSpec's first finding that refuses the spec, as an error (kInvalid); for plan and
// apply to refuse before they connect.
Status CheckLintBeforeConnecting(const ChangeSpec& spec);

// Checks every operation against the catalog and builds the plan.
// Errors: ExitCode::kInvalid, message "file:line:col: operation: what".
Result<Plan> BuildPlan(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                       const PlanOptions& options = {});

// Serialization for the state store; ParsePlanJson(PlanToJson(p)) == p.
std::string PlanToJson(const Plan& plan);
Result<Plan> ParsePlanJson(std::string_view json);

// Human renderings for `pgphase plan`.
std::string RenderPlanText(const Plan& plan);  // grouped by phase, lock per statement
// What the script of a plan sets as apply would: the timeouts apply resolves from the spec's
// settings (and its flags) and the size of a backfill's first batch; `reverse` renders the
// reverse steps instead, phases and steps last first (contract has none).
struct ScriptOptions {
  Millis lock_timeout{1000};
  Millis statement_timeout{60000};
  Millis scan_timeout{0};  // 0: no limit
  int64_t batch_size = 50000;
  bool reverse = false;
};
// The psql script of the plan: phase by phase, each statement as apply runs it (a transaction
// step in BEGIN; SET LOCAL lock_timeout, statement_timeout ...; COMMIT; a CONCURRENTLY step
// outside any, after its cleanup), each with a comment of its lock, timeout, scans, rewrites
// and hazards (HazardsOf); a backfill as its batch statement and the first batch run.
std::string RenderPlanSql(const Plan& plan, const ScriptOptions& options = {});

bool operator==(const KeyColumn& a, const KeyColumn& b);
bool operator==(const BackfillJob& a, const BackfillJob& b);
bool operator==(const ConversionCheck& a, const ConversionCheck& b);
bool operator==(const Precheck& a, const Precheck& b);
bool operator==(const Step& a, const Step& b);
bool operator==(const PhasePlan& a, const PhasePlan& b);
bool operator==(const ColumnExpectation& a, const ColumnExpectation& b);
bool operator==(const KeyExpectation& a, const KeyExpectation& b);
bool operator==(const Plan& a, const Plan& b);

// Differences between what `plan` expects and `catalog`, one line each; empty when none.
std::vector<std::string> FindDrift(const Plan& plan, const CatalogSnapshot& catalog);

}  // namespace pgphase
