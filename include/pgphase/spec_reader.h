// Reading migration files into ChangeSpec values (the spec module, yaml-cpp inside).
// Strict: unknown keys are an error, never ignored. Never touches a database; checks against
// the live catalog happen in the planner.
#pragma once

#include <string>
#include <vector>

#include "pgphase/spec.h"
#include "pgphase/status.h"

namespace pgphase {

// Parses YAML text. `file` names the source in messages and gives the migration name
// (its stem). Errors: ExitCode::kInvalid with "file:line:col: path.to.key: what".
Result<ChangeSpec> ParseSpec(const std::string& text, const std::string& file);

// Reads and parses one file.
Result<ChangeSpec> LoadSpecFile(const std::string& path);

// Expands files and directories (a directory gives its *.yaml / *.yml files) into
// a list of files in migration-name order. Errors if a path does not exist or a
// directory has no migration files.
Result<std::vector<std::string>> ExpandSpecPaths(const std::vector<std::string>& paths);

// The JSON Schema (draft-07) of the migration format: every operation, key, type, keyword
// and description, from the table the readers take their keys from (so a file the schema
// accepts has the keys the reader accepts). It checks shape, not the rules between keys
// (alter_column changes something, a generated column has no default): those stay the
// reader's. `lint_rules` are the names sql.unsafe_ok may list.
std::string MigrationJsonSchema(const std::vector<std::string>& lint_rules);

}  // namespace pgphase
