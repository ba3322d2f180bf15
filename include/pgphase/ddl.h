// Builders for every statement pgphase generates. Pure functions: identifiers are quoted
// here (QuoteIdent), user expressions arrive already embedded (EmbedExpression) and are
// inserted verbatim. Each returns a Statement that says what it does (statement.h): its
// lock, whether it scans or rewrites the table, drops data, builds or drops an index.
// Output is canonical: one statement, no trailing semicolon, single spaces, so plans are
// byte-identical for the same inputs. Queries the executor asks (done checks, probes) are
// plain text.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgphase/statement.h"

namespace pgphase::ddl {

// A table (or any relation) named by schema and name.
struct Rel {
  std::string schema;
  std::string name;
  std::string Quoted() const;                              // "schema"."name"
  std::string Key() const { return schema + "." + name; }  // Statement::table
};

// What a foreign key references, and how it behaves.
struct References {
  Rel table;
  std::vector<std::string> columns;
  std::string on_delete, on_update, match_type;  // "" or upper-case keywords
  bool deferrable = false;
  bool initially_deferred = false;
};
struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  References references;
};

// One column of CREATE TABLE or ADD COLUMN.
struct ColumnDef {
  std::string name;
  std::string type;  // checked with CheckTypeName
  bool not_null = false;
  bool unique = false;  // inline UNIQUE (PostgreSQL names it <table>_<column>_key)
  std::optional<std::string> default_expr;    // embedded
  std::optional<std::string> generated_expr;  // embedded: GENERATED ALWAYS AS (...) STORED
  std::string identity;                       // "", "ALWAYS" or "BY DEFAULT"
  std::string identity_options;               // checked sequence options, or ""
  std::string check_name;                     // with check_expr (embedded)
  std::string check_expr;
  bool check_no_inherit = false;
  std::string fk_name;  // with fk
  std::optional<References> fk;
};

// --- columns ---
// ALTER TABLE t ADD COLUMN IF NOT EXISTS name type [DEFAULT] [GENERATED ...] [NOT NULL]:
// ACCESS EXCLUSIVE; a generated or identity column makes PostgreSQL compute every existing
// row (a rewrite). IF NOT EXISTS changes nothing for apply (the planner refuses a column
// that exists, and a step is recorded done in the transaction that ran it); it makes the
// rendered script safe to run again.
// The column's unique, check and foreign key are not part of it: the planner adds them as
// constraints of their own, so that none is validated under this lock.
Statement AddColumn(const Rel& t, const ColumnDef& def);
Statement DropColumn(const Rel& t, const std::string& column);  // IF EXISTS
Statement SetDefault(const Rel& t, const std::string& column, const std::string& expr);
Statement DropDefault(const Rel& t, const std::string& column);
// SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT
// NULL) proves it: the caller says which (`proven`).
Statement SetNotNull(const Rel& t, const std::string& column, bool proven);
Statement DropNotNull(const Rel& t, const std::string& column);
// CREATE SEQUENCE seq AS type (a serial column's; locks no table) and its reverse, DROP
// SEQUENCE IF EXISTS.
Statement CreateSequence(const Rel& seq, const std::string& type);
Statement DropSequence(const Rel& seq);
// ALTER SEQUENCE seq OWNED BY t.column (dropped with the column), or OWNED BY NONE when
// `column` is empty.
Statement SequenceOwnedBy(const Rel& seq, const Rel& t, const std::string& column);
// COMMENT ON COLUMN ... IS 'text' (or IS NULL when text is unset).
Statement CommentOnColumn(const Rel& t, const std::string& column,
                          const std::optional<std::string>& text);

// --- constraints ---
// ADD CONSTRAINT name CHECK (expr) [NO INHERIT] NOT VALID: new writes are checked, existing
// rows are not read.
Statement AddCheckNotValid(const Rel& t, const std::string& name, const std::string& expr,
                           bool no_inherit = false);
// ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID: SHARE ROW EXCLUSIVE on both tables.
Statement AddForeignKeyNotValid(const Rel& t, const ForeignKey& fk);
// VALIDATE CONSTRAINT: reads every row under SHARE UPDATE EXCLUSIVE (writes go on).
Statement ValidateConstraint(const Rel& t, const std::string& name);
Statement DropConstraint(const Rel& t, const std::string& name);  // IF EXISTS
// Without IF EXISTS: a contract step that finds nothing to drop means the schema drifted,
// which the operator must hear about.
Statement DropConstraintStrict(const Rel& t, const std::string& name);
Statement RenameConstraint(const Rel& t, const std::string& from, const std::string& to);
// ALTER TABLE t ADD CONSTRAINT name UNIQUE|PRIMARY KEY USING INDEX index
// [DEFERRABLE [INITIALLY DEFERRED]]
Statement AddConstraintUsingIndex(const Rel& t, const std::string& name, bool primary_key,
                                  const std::string& index, bool deferrable = false,
                                  bool initially_deferred = false);

// --- indexes ---
// (CREATE INDEX CONCURRENTLY is in ddl_index.h.)
Statement DropIndexConcurrently(const Rel& index);  // IF EXISTS
// ALTER INDEX schema.from RENAME TO to
Statement RenameIndex(const std::string& schema, const std::string& from, const std::string& to);
// SELECT returning true when the index exists and is valid.
std::string IndexIsValidQuery(const Rel& index);
// SELECT of up to ten rows of `t` for which `predicate` (embedded SQL) is false, one text
// column each: the row's key ("(1,a)" for a composite one; its ctid when `key_columns` is
// empty). Names the rows a VALIDATE of CHECK (predicate) fails on.
std::string ViolatingRowsQuery(const Rel& t, const std::vector<std::string>& key_columns,
                               const std::string& predicate);

// --- triggers ---
// One column a sync trigger fills from an expression.
struct Fill {
  Fill() = default;
  Fill(std::string c, std::string e, std::vector<std::string> s, bool nn = false)
      : column(std::move(c)), expr(std::move(e)), sources(std::move(s)), not_null(nn) {}

  std::string column;
  std::string expr;                  // embedded user SQL, evaluated with the row's columns in scope
  std::vector<std::string> sources;  // columns of the table that expr reads
  bool not_null = false;             // the column will be NOT NULL: also fill when NULL on UPDATE
  // The table's backfill walks ctid ranges: an UPDATE can move a row the backfill has not
  // reached yet to a page it has passed, so every UPDATE that finds the column NULL fills it.
  bool fill_null_on_update = false;
  // Either of the two above: the UPDATE trigger fires on any UPDATE (no OF narrowing).
  bool FillsWhenNull() const { return not_null || fill_null_on_update; }
  // Who may write the column besides the trigger:
  //   kApp       the application may set it; the trigger fills it on INSERT when NULL and on
  //              UPDATE when a source changed and the column did not (add_column);
  //   kInsertOnly as kApp on INSERT, never on UPDATE (drop_column's `down`);
  //   kOwned     only pgphase writes it (a shadow column before swap, the old column after):
  //              always computed on INSERT, recomputed on UPDATE whenever a source changed,
  //              whatever the statement wrote into it.
  //   kPairNew,  the two columns of a pair, both the application's (a renamed column, whose
  //   kPairOld   old and new names both live from sync until contract): the kPairNew fill
  //              computes the new column from the old app's side, the kPairOld fill (its
  //              `partner`) the old column from the new app's side. The side a statement
  //              wrote wins: an INSERT that gives the new column fills the old one, else the
  //              new one is filled; an UPDATE that changes the new column (not in a pgphase
  //              backfill, kFillingSetting) refills the old one, else an UPDATE of the old
  //              side's sources refills the new one. Each function must hold both.
  enum class Mode { kApp, kInsertOnly, kOwned, kPairNew, kPairOld };
  Mode mode = Mode::kApp;
  // The new version schema, when the writer is told by the session (pgroll's way): a session
  // whose search_path has this schema is the new application's. For a kPairNew fill, its
  // writes fill the old column, and every other one's the new column. For a kApp fill, its
  // INSERT is not filled: the new application writes the column itself, so a NOT NULL column
  // it leaves out is refused, as pgroll refuses it.
  std::string writer_schema;
  std::string partner;  // kPairNew, kPairOld: the pair's other column
  // The names `expr` uses for `sources`, when they differ from the columns' names (a source
  // renamed at swap keeps its old name inside expressions written before the rename).
  // Empty, or one per source.
  std::vector<std::string> source_vars;
  // `expr` may raise for some row (MayRaise): the function catches the error, leaves the
  // column as the statement wrote it, and records the row (FillErrors), so the write succeeds.
  bool guard = false;
};

// Set to 'on' (SET LOCAL) by the transactions of pgphase's backfill and verification: their
// writes of a pair's new column are not the new application's (Fill::Mode::kPairOld).
inline constexpr const char* kFillingSetting = "pgphase.filling";

// The SET LOCAL statements that begin each transaction of a backfill or verification batch:
// the kFillingSetting mark, and synchronous_commit off. A batch's commit then does not wait
// for its WAL to reach the disk (or a synchronous standby): a crash may lose the last batches
// that committed, but each takes its checkpoint row with it, so a resume does them again, and
// any later commit that waits (the phase's end) makes them durable first.
std::vector<std::string> BatchSettings();

// pgphase's function that records a value a guarded fill could not compute:
// (migration, table, column, row key text[], sqlstate, message). Created with the state
// schema (src/exec/state.cc); SECURITY DEFINER, so any application role may call it.
inline constexpr const char* kRecordSyncErrorFunction = "pgphase.record_sync_error";

// Where a guarded fill's errors are recorded: the migration, the table as "schema.name", and
// the columns of the row's key as the trigger sees them (empty: a table without one).
struct FillErrors {
  std::string migration;
  std::string table;
  std::vector<std::string> key_columns;
};
// CREATE FUNCTION fn() RETURNS trigger: fills each column as its Fill::Mode says (and, for
// a fill that FillsWhenNull(), any row where it is still NULL on UPDATE). Sources are bound
// as PL/pgSQL variables of the column's %TYPE so user expressions can name columns directly.
// Called only through the triggers below, made from the same fills: where their WHEN is
// exactly one fill's condition, the function does not test it again.
Statement CreateFillFunction(const Rel& fn, const Rel& table, const std::vector<Fill>& fills,
                             const FillErrors& errors = {});
Statement DropFunction(const Rel& fn);  // IF EXISTS, no arguments
// BEFORE INSERT trigger firing only when a filled column is NULL (always, when any fill
// is kOwned or one of a pair).
Statement CreateFillInsertTrigger(const std::string& name, const Rel& table, const Rel& fn,
                                  const std::vector<Fill>& fills);
// BEFORE UPDATE [OF sources] trigger whose WHEN mirrors the function's UPDATE conditions,
// so an UPDATE that touches none of the sources never calls the function. No OF when any
// fill FillsWhenNull(): then every UPDATE of a row whose column is NULL must reach it.
// nullopt when no fill needs an UPDATE trigger.
std::optional<Statement> CreateFillUpdateTrigger(const std::string& name, const Rel& table,
                                                 const Rel& fn, const std::vector<Fill>& fills);
Statement DropTrigger(const std::string& name, const Rel& table);  // IF EXISTS

// --- backfill ---
struct Assignment {
  std::string column;
  std::string expr;  // embedded user SQL
};
bool operator==(const Assignment& a, const Assignment& b);
// One keyset batch, parameters: $1..$k the last key (text, absent when first), then the
// batch size. Returns one row: rows scanned (bigint), then each key column of the batch's
// last row as text (NULL when the batch was empty). The batch's bound is found by an
// index-only scan and the UPDATE reads the key range up to it; nothing is materialized
// or returned per row (each would cost a few percent of the batch).
// Only rows whose assigned columns are still NULL are written (COALESCE), so a row a
// trigger or the new app already filled keeps its value.
// With `only_where` (an SQL predicate), the batch instead writes the assignments as given
// to the rows of the range that match it (BackfillJob::only_where).
// With `report` too (a verification's repair, BackfillJob::verify), the row goes on with
// the report columns (below): the written rows are returned, and whether each still
// matches `only_where` once written (its re-check). Rows come back only when some matched,
// so a batch that writes nothing costs what it did without `report`.
// With `upper_bound` (one part of a parallel backfill), the batch reads only keys up to and
// including an upper bound, given after the batch size: $n+1..$n+k.
// ROW EXCLUSIVE; `scans`: a walk's batches together read every row of the table.
Statement BackfillBatch(const Rel& t, const std::vector<std::string>& key_columns,
                        const std::vector<std::string>& key_types,
                        const std::vector<Assignment>& assignments, bool first_batch,
                        const std::string& only_where = "", bool report = false,
                        bool upper_bound = false);

// One ctid-range batch for a table without a usable key: the rows on pages [a, b), written
// as BackfillBatch writes them, read through a TID range scan (PostgreSQL 14+). UPDATE ONLY:
// a tid names a tuple of this one relation. Parameters: $1 the table (t.Quoted(), as text),
// $2 its file node (oid) when the scan started, $3 '(a,0)' and $4 '(b,0)' (tids as text).
// When the file node differs (VACUUM FULL, CLUSTER or TRUNCATE rewrote the table, so the
// pages no longer hold what they did), nothing is scanned or written. Returns one row: rows
// scanned (the live rows of the range), then CtidScanStart's two columns, then with `report`
// the report columns (the rows' keys are their new ctids).
Statement BackfillCtidBatch(const Rel& t, const std::vector<Assignment>& assignments,
                            const std::string& only_where = "", bool report = false);

// The four columns a reporting batch adds, in this order: rows written (bigint), rows of
// them that still match only_where (bigint), then up to kReportedKeys keys of each (text[],
// NULL when none; a key as text: "42", or "(1,42)" for a composite key), in key order.
inline constexpr int kReportedKeys = 10;

// A column pgphase owns and keeps equal to an expression of the other columns of its row:
// a shadow column until swap, `expr` its `up`.
struct OwnedColumn {
  std::string column;
  std::string expr;  // embedded user SQL
  std::string type;  // the column's type (CheckTypeName), which `expr` is cast to
  // The type has no equality operator (json, xml, point, ...): compare the text forms.
  bool compare_text = false;
};
// The predicate of rows whose copies are wrong: "c" IS DISTINCT FROM CAST(expr AS type),
// OR'ed over `columns` (a verification's only_where). The value is cast explicitly: the
// column holds what assigning `expr` stored, which the same cast gives whenever the
// assignment succeeded.
std::string OwnedColumnMismatch(const std::vector<OwnedColumn>& columns);
// One row's fill (the backfill's fallback when a batch raises): UPDATE t SET `a` as a batch
// writes it, for the row whose key equals `key_equals` (a predicate with its own parameters,
// ddl_scan.h KeyEquals), or that matches `only_where`, as BackfillBatch does.
std::string BackfillRow(const Rel& t, const std::string& key_equals,
                        const std::vector<Assignment>& a, const std::string& only_where = "");

// Where a ctid scan ends and what it scans; parameter $1 the table (t.Quoted(), as text).
// Returns one row: pages (bigint; rows written beyond them later went through the sync
// trigger), file node (oid; NULL for a table without storage of its own, e.g. partitioned).
std::string CtidScanStart();

// SELECT expr FROM t LIMIT 0: makes PostgreSQL resolve every name and function in a
// user expression against the table without evaluating it once.
std::string ProbeExpression(const Rel& t, const std::string& expr);
// SELECT CAST(NULL AS type): makes PostgreSQL resolve a type name (already checked to be
// exactly one type name by CheckTypeName).
std::string ProbeType(const std::string& type);
// One row, one boolean: whether PostgreSQL assigns a value of type `from` to a column of type
// `to` (the same type, an implicit or assignment cast in pg_cast, or a string type, which
// takes any value through its text form), as ALTER COLUMN ... SET DEFAULT needs of a default
// of type `from`; domains by their base types. Both are type names CheckTypeName took.
std::string ProbeAssignable(const std::string& from, const std::string& to);
// One row, one boolean: whether the one-column foreign key `constraint` of `t` could be made
// on a column of type `to`, as ADD FOREIGN KEY decides it: the referenced key's btree operator
// family has equality of its type with `to` and of `to` with itself, or `to` casts implicitly
// to the key's type. False for a constraint that is not such a foreign key.
std::string ProbeForeignKeyType(const Rel& t, const std::string& constraint, const std::string& to);

// The volatility of functions by the names expressions call them (FunctionName): parameters
// $1 their schemas ('' for an unqualified name, which counts every schema of the session's
// search_path, pg_catalog included) and $2 their names, both text[] of the same length.
// Returns one row per name that exists: schema, name, and the pg_proc.provolatile ('i',
// 's', 'v') of its least stable overload, as text; a name with no function has no row.
std::string FunctionVolatilityQuery();

}  // namespace pgphase::ddl
