// ChangeSpec: one migration file, parsed and checked for shape (not against a database).
//
// The vocabulary is pgroll's (DESIGN "The six phases"); pgphase's own additions live
// under the top-level `settings:` key. Unknown keys are an error, never ignored.
// The loader never touches a database; checks against the live catalog happen in the
// planner.
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

  std::string ToString() const;  // "file:line:col", or "file" when line is 0
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
};

struct ReferencesSpec {
  std::string name;
  std::string table;
  std::string column;
  std::string on_delete;  // "" (no action), or as written: CASCADE, SET NULL, RESTRICT, ...
};

struct ColumnSpec {
  std::string name;
  std::string type;
  bool nullable = false;  // pgroll's default: NOT NULL unless `nullable: true`
  bool unique = false;
  bool pk = false;
  std::optional<SqlExpr> default_value;
  std::optional<CheckSpec> check;
  std::optional<ReferencesSpec> references;
  std::optional<std::string> comment;
  SourceLocation where;
};

struct AddColumnOp {
  std::string table;
  ColumnSpec column;
  std::optional<SqlExpr> up;
};

// Operations pgphase plans. Later operations join this variant.
using Operation = std::variant<AddColumnOp>;

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
  std::optional<Millis> target_batch_time;
  std::optional<int64_t> batch_size_min;
  std::optional<int64_t> batch_size_max;
};

struct ChangeSpec {
  std::string name;  // file stem: "0007_orders_amount"
  std::string file;  // path as given
  std::string text;  // the file's bytes, for checksum and state
  Settings settings;
  std::optional<std::string> version_schema;  // pgroll's key; accepted, not acted on
  std::vector<OperationEntry> operations;
};

// Parses YAML text. `file` names the source in messages and gives the migration name
// (its stem). Errors: ExitCode::kInvalid with "file:line:col: path.to.key: what".
Result<ChangeSpec> ParseSpec(const std::string& text, const std::string& file);

// Reads and parses one file.
Result<ChangeSpec> LoadSpecFile(const std::string& path);

// Expands files and directories (a directory gives its *.yaml / *.yml files) into
// a list of files in migration-name order. Errors if a path does not exist or a
// directory has no migration files.
Result<std::vector<std::string>> ExpandSpecPaths(const std::vector<std::string>& paths);

}  // namespace pgphase
