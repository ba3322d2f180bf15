// ChangeSpec: one migration file, parsed and checked for shape (not against a database).
//
// The vocabulary is pgroll's (DESIGN "The six phases"); pgphase's own additions live
// under the top-level `settings:` key. Unknown keys are an error, never ignored.
// Plain values (the spec module, spec_reader.h, reads them from YAML; the planner takes
// them), shared by every module as model types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pgphase/duration.h"
#include "pgphase/status.h"

namespace pgphase {

// Where something was written: "plans/0007.yaml:12:5". line/column are 1-based; 0 = unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col", or "file" when line is 0. Inline: the planner uses it without
  // linking the spec module (and so yaml-cpp).
  std::string ToString() const {
    if (line == 0) return file;
    std::string out = file + ":" + std::to_string(line);
    if (column != 0) out += ":" + std::to_string(column);
    return out;
  }
};

// Raw SQL written by the user (`up`, `down`, `default`, `check`). A distinct type so
// every place user SQL enters generated statements can be found.
struct SqlExpr {
  std::string text;
  SourceLocation where;
};

struct CheckSpec {
  std::string name;
  SqlExpr constraint;
  bool no_inherit = false;
};

struct ReferencesSpec {
  std::string name;
  std::string table;
  std::string column;
  std::string on_delete;   // "" (no action), or upper-cased: CASCADE, SET NULL, RESTRICT, ...
  std::string on_update;   // likewise
  std::string match_type;  // "" or SIMPLE, FULL
  bool deferrable = false;
  bool initially_deferred = false;
};

// `generated:` of a column: GENERATED ALWAYS AS (expression) STORED, or an identity.
struct GeneratedSpec {
  std::optional<SqlExpr> expression;
  std::optional<std::string> identity;          // "ALWAYS" or "BY DEFAULT"
  std::optional<std::string> sequence_options;  // raw, e.g. "START 1 INCREMENT 1"
};

struct ColumnSpec {
  std::string name;
  std::string type;
  bool nullable = false;  // pgroll's default: NOT NULL unless `nullable: true`
  bool unique = false;
  // The unique constraint's name when it is not <table>_<column>_key: not a YAML key, set
  // when an alter_column's `unique: {name: ...}` is combined into the column (plan/merge.cc).
  std::optional<std::string> unique_name;
  bool pk = false;
  std::optional<SqlExpr> default_value;
  std::optional<CheckSpec> check;
  std::optional<ReferencesSpec> references;
  std::optional<std::string> comment;
  std::optional<GeneratedSpec> generated;
  SourceLocation where;
};

struct AddColumnOp {
  std::string table;
  ColumnSpec column;
  std::optional<SqlExpr> up;
};

// Table-level constraint (create_table.constraints[], create_constraint).
struct ConstraintSpec {
  std::string name;
  std::string type;  // check, unique, primary_key, foreign_key, exclude
  std::vector<std::string> columns;
  std::optional<SqlExpr> check;
  // foreign_key: references.table and references.columns (several), on_delete etc.
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete, on_update, match_type;
  bool deferrable = false;
  bool initially_deferred = false;
  bool no_inherit = false;
  bool nulls_not_distinct = false;
  std::vector<std::string> include_columns;  // index_parameters.include_columns
  std::string storage_parameters;            // index_parameters.storage_parameters
  // exclude:
  std::string index_method;
  std::optional<SqlExpr> exclude_elements;
  std::optional<SqlExpr> predicate;
  SourceLocation where;
};

struct CreateTableOp {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<ConstraintSpec> constraints;
  std::optional<std::string> comment;
};

struct DropTableOp {
  std::string name;
};

struct RenameTableOp {
  std::string from;
  std::string to;
};

struct RenameColumnOp {
  std::string table;
  std::string from;
  std::string to;
};

struct DropColumnOp {
  std::string table;
  std::string column;
  std::optional<SqlExpr> down;  // fills the old column for writes by the new app
};

// alter_column: every field optional, combinable. For default and comment an explicit
// YAML null means "remove" (set_* true, value unset).
struct AlterColumnOp {
  std::string table;
  std::string column;
  std::optional<std::string> name;  // rename
  std::optional<std::string> type;
  std::optional<bool> nullable;
  bool set_default = false;
  std::optional<SqlExpr> default_value;
  bool set_comment = false;
  std::optional<std::string> comment;
  std::optional<std::string> unique_name;  // unique: {name: ...}
  std::optional<CheckSpec> check;
  std::optional<ReferencesSpec> references;
  std::optional<SqlExpr> up;
  std::optional<SqlExpr> down;
};

struct IndexColumnSpec {
  std::string column;
  std::string collate;
  std::string sort;   // "" , ASC, DESC
  std::string nulls;  // "", FIRST, LAST
  std::string opclass;
  std::string opclass_params;  // raw, e.g. "siglen = 32"
};

struct CreateIndexOp {
  std::string name;
  std::string table;
  std::vector<IndexColumnSpec> columns;
  bool unique = false;
  std::string method;  // "" (btree), hash, gist, spgist, gin, brin
  std::optional<SqlExpr> predicate;
  std::string storage_parameters;  // raw: "fillfactor = 70"
};

struct DropIndexOp {
  std::string name;
};

struct ColumnExpr {
  std::string column;
  SqlExpr expr;
};

struct CreateConstraintOp {
  std::string table;
  ConstraintSpec constraint;
  std::vector<ColumnExpr> up;    // per column
  std::vector<ColumnExpr> down;  // per column
};

// drop_constraint (single column, pgroll's older form).
struct DropConstraintOp {
  std::string table;
  std::string name;
  std::vector<ColumnExpr> up;  // drop_constraint's up/down become one entry, column ""
  std::vector<ColumnExpr> down;
};
// drop_multicolumn_constraint: the same fields, `up` and `down` per column.
struct DropMulticolumnConstraintOp : DropConstraintOp {};

struct RenameConstraintOp {
  std::string table;
  std::string from;
  std::string to;
};

struct SetReplicaIdentityOp {
  std::string table;
  std::string type;   // FULL, DEFAULT, NOTHING, INDEX
  std::string index;  // for INDEX
};

struct SqlOp {
  SqlExpr up;
  std::optional<SqlExpr> down;
  bool on_complete = false;  // run at contract instead of expand
  // The lint rules (pgphase/lint.h) whose error-level findings in `up` and `down` the
  // migration accepts on purpose; any other error-level finding refuses the plan.
  std::vector<std::string> unsafe_ok;
  SourceLocation unsafe_ok_where;
};

// The registration table: every operation pgphase reads and plans, by its YAML key and its
// type, in pgroll's documentation order. From this one list come the Operation variant, the
// spec reader's table (each row's reader is ReadOperation(key, value, Type*), in
// src/spec/ops/<key>.cc) and the planner's dispatch (each row's planner is
// PlanOperation(const Type&, where, PlanBuilder&), in src/plan/ops/<key>.cc). Adding an
// operation: its struct above, one row here, its reader and its planner.
#define PGPHASE_OPERATIONS(X)                                 \
  X(add_column, AddColumnOp)                                  \
  X(create_table, CreateTableOp)                              \
  X(alter_column, AlterColumnOp)                              \
  X(drop_column, DropColumnOp)                                \
  X(rename_column, RenameColumnOp)                            \
  X(rename_table, RenameTableOp)                              \
  X(drop_table, DropTableOp)                                  \
  X(create_index, CreateIndexOp)                              \
  X(drop_index, DropIndexOp)                                  \
  X(create_constraint, CreateConstraintOp)                    \
  X(drop_constraint, DropConstraintOp)                        \
  X(drop_multicolumn_constraint, DropMulticolumnConstraintOp) \
  X(rename_constraint, RenameConstraintOp)                    \
  X(set_replica_identity, SetReplicaIdentityOp)               \
  X(sql, SqlOp)

namespace detail {
// std::variant of the types after the first (the list is generated as ", A, B, ..." after it).
template <class Leading, class... Ts>
struct VariantOfRest {
  using type = std::variant<Ts...>;
};
}  // namespace detail
#define PGPHASE_OPERATION_TYPE(kind, Type) , Type
using Operation = detail::VariantOfRest<void PGPHASE_OPERATIONS(PGPHASE_OPERATION_TYPE)>::type;
#undef PGPHASE_OPERATION_TYPE

struct OperationEntry {
  std::string kind;  // the YAML key: "add_column"
  SourceLocation where;
  Operation op;
};

// The top-level `settings:` block (pgphase's own keys).
struct Settings {
  std::string schema = "public";  // schema the operations' tables live in
  std::optional<Millis> lock_timeout;
  std::optional<Millis> statement_timeout;
  std::optional<Millis> scan_timeout;  // 0ms: no limit
  std::optional<Millis> target_batch_time;
  std::optional<Millis> max_app_wait;  // 0ms: batches ignore the application's waits
  std::optional<int64_t> batch_size_min;
  std::optional<int64_t> batch_size_max;
  std::optional<int64_t> workers;  // connections a backfill fills parts of its table on
  // false: skip the precheck of existing rows before expand (the data is known to convert).
  std::optional<bool> precheck;
  // true: each application version reads and writes the tables through a schema of views of
  // its own (docs/how-it-works.md, "Version schemas"); the flag --version-schemas too.
  std::optional<bool> version_schemas;
  // true (with version_schemas): a column pair's triggers tell the versions apart by the
  // writing session's search_path, as pgroll's do, instead of by which column it wrote.
  std::optional<bool> writer_by_search_path;
};

struct ChangeSpec {
  std::string name;  // file stem: "0007_orders_amount"
  std::string file;  // path as given
  std::string text;  // the file's bytes, for checksum and state
  Settings settings;
  // pgroll's key: the name of this migration's version schema is <schema>_<version_schema>
  // (else <schema>_<name>), when version schemas are on.
  std::optional<std::string> version_schema;
  std::vector<OperationEntry> operations;
};

}  // namespace pgphase
