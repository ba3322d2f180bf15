// Convert: plain DDL into a migration file in pgphase's vocabulary (`pgphase convert`).
//
// Each statement of the SQL becomes the operations that do the same online: ALTER TABLE ...
// ADD COLUMN, ALTER COLUMN TYPE (with `up` and `down` casts), SET/DROP NOT NULL, SET/DROP
// DEFAULT, ADD CONSTRAINT (check, unique, primary key, foreign key), DROP COLUMN, DROP
// CONSTRAINT, RENAME (column, table, constraint), CREATE INDEX and DROP INDEX, DROP TABLE.
// REINDEX becomes a `sql` operation running REINDEX CONCURRENTLY. Anything else (and a
// statement with a part pgphase cannot express) becomes a `sql` operation with its lint
// findings as comments. What the SQL does not say and the conversion had to choose is marked
// with a `# guess:` comment. Pure; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "pgphase/status.h"

namespace pgphase {

// The migration's YAML text. `file` names the SQL in messages and in the header comment.
// Errors (kInvalid): the SQL does not parse ("file:line:col: ..."), or has no statement.
Result<std::string> ConvertSql(std::string_view sql, std::string_view file);

}  // namespace pgphase
