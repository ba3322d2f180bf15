// Builders for the statements of the table operations (create_table, drop_table,
// rename_table, set_replica_identity, sql), and the parser checks for the raw SQL
// fragments those operations take (storage parameters, exclusion elements, sequence
// options, whole `sql` statements). Pure functions, like ddl.h: identifiers are quoted
// here, user expressions arrive already embedded (EmbedExpression).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/status.h"

namespace pgphase::ddl {

// One table constraint clause: "CONSTRAINT "name" ...", and the table it references when it
// is a foreign key (which CREATE TABLE then locks).
struct TableClause {
  std::string sql;
  std::optional<Rel> references;
};
TableClause CheckClause(const std::string& name, const std::string& expr, bool no_inherit);
// UNIQUE [NULLS NOT DISTINCT] (cols) [INCLUDE (...)] [WITH (params)]; PRIMARY KEY likewise.
TableClause UniqueClause(const std::string& name, bool primary_key,
                         const std::vector<std::string>& columns, bool nulls_not_distinct,
                         const std::vector<std::string>& include,
                         const std::string& storage_parameters, bool deferrable,
                         bool initially_deferred);
TableClause ForeignKeyClause(const ForeignKey& fk);
// EXCLUDE USING method (elements) [INCLUDE] [WITH] [WHERE (predicate)].
TableClause ExcludeClause(const std::string& name, const std::string& method,
                          const std::string& elements, const std::vector<std::string>& include,
                          const std::string& storage_parameters,
                          const std::optional<std::string>& predicate, bool deferrable,
                          bool initially_deferred);

// CREATE TABLE t (columns..., [PRIMARY KEY (pk)], constraints...). `primary_key` empty:
// none from the columns. Nobody else can see the new table, so it locks nothing, except
// the tables its foreign keys reference (SHARE ROW EXCLUSIVE).
Statement CreateTable(const Rel& t, const std::vector<ColumnDef>& columns,
                      const std::vector<std::string>& primary_key,
                      const std::vector<TableClause>& constraints);
Statement DropTable(const Rel& t);  // IF EXISTS
Statement CommentOnTable(const Rel& t, const std::optional<std::string>& text);

// ALTER TABLE from RENAME TO to (to is a bare name in the same schema).
Statement RenameTable(const Rel& from, const std::string& to);
// CREATE VIEW v AS SELECT * FROM t: simple enough to be automatically updatable.
Statement CreatePassThroughView(const Rel& view, const Rel& table);
// CREATE VIEW v AS SELECT columns FROM t: as above, over the columns named (not every
// column, so that dropping one the view leaves out is not blocked by it).
Statement CreateColumnsView(const Rel& view, const Rel& table,
                            const std::vector<std::string>& columns);
Statement DropView(const Rel& view);  // IF EXISTS

// ALTER TABLE t REPLICA IDENTITY {DEFAULT|FULL|NOTHING|USING INDEX index}.
// `type` is one of DEFAULT, FULL, NOTHING, INDEX.
Statement SetReplicaIdentity(const Rel& t, const std::string& type, const std::string& index);

// The statements of a `sql` operation, trimmed (TrimStatements), as one statement: pgphase
// cannot tell what they lock or change, so it assumes the worst (ACCESS EXCLUSIVE) and marks
// them untracked. `alone` (StatementsAnalysis::alone): the one REINDEX CONCURRENTLY, which
// runs outside a transaction under SHARE UPDATE EXCLUSIVE, building indexes.
Statement UserSql(std::string_view sql, bool alone = false);

// --- parser checks for raw fragments (libpg_query) ---
// "fillfactor = 70, deduplicate_items = off": a WITH (...) list and nothing else.
Status CheckStorageParameters(std::string_view params);
// "title WITH =, period WITH &&": the element list of EXCLUDE USING method (...).
Status CheckExcludeElements(std::string_view method, std::string_view elements);
// "START 1 INCREMENT 1": options of an identity column's sequence.
Status CheckSequenceOptions(std::string_view options);

// What the parser says about the statements of a `sql` operation.
struct StatementsAnalysis {
  int count = 0;
  // Every relation the statements name (RangeVar: FROM, INSERT/UPDATE targets, ALTER
  // TABLE, CREATE INDEX ON, ...), as written: schema ("" when unqualified) and name, in
  // order of first appearance.
  std::vector<std::pair<std::string, std::string>> relations;
  // The SQL is one REINDEX CONCURRENTLY: PostgreSQL refuses it in a transaction block, and
  // running it again after an interruption is safe, so it runs alone, outside one.
  bool alone = false;
};
// Parses `sql` as one or more statements. Errors (kInvalid) when it does not parse, is
// empty, or contains a statement that cannot run inside the one transaction pgphase runs
// it in (BEGIN/COMMIT/ROLLBACK, VACUUM, CREATE INDEX CONCURRENTLY, CREATE/DROP DATABASE,
// REINDEX CONCURRENTLY beside other statements: alone, it is `alone`).
Result<StatementsAnalysis> CheckStatements(std::string_view sql);
// For `sql` without `down`: when every statement only creates one named object (CREATE
// TABLE, TYPE (enum, composite, range), DOMAIN, SEQUENCE, VIEW, INDEX, SCHEMA, EXTENSION;
// not IF NOT EXISTS or OR REPLACE, which may leave a pre-existing object that a DROP
// would destroy), the DROP statements that undo them, last created first. Else nullopt.
std::optional<std::vector<Statement>> InferDropStatements(std::string_view sql);
// The text with trailing whitespace and semicolons removed, as it is run and shown.
std::string TrimStatements(std::string_view sql);

}  // namespace pgphase::ddl
