// pgroll's operation tests (xataio/pgroll, pkg/migrations/op_*_test.go) as data: each case
// is one of theirs, with its tables, migration and values, run the way pgroll runs it:
// start (pgphase: apply through swap), the checks after start, rollback (reverse), the checks
// after rollback, start again and complete (apply through contract), the checks after
// complete. Every case runs twice: with version schemas, where the old app uses the
// baseline's schema and the new app the migration's, as pgroll's versions do; and without,
// where both use the tables.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pgphase::it {

enum class AppVersion { kOld, kNew };

// One statement of one application version, and what it must give:
// - rows, for a query: each row's fields joined by ",", rows by "; ", NULL as "NULL";
// - "" for a statement that must succeed and returns no rows;
// - "ERROR <sqlstate>" for one that must fail with that SQLSTATE.
struct Probe {
  AppVersion app;
  std::string sql;
  std::string want;
};

struct PgrollCase {
  std::string name;        // the test's name: [A-Za-z0-9]
  std::string origin;      // pgroll's test function / case name
  std::string setup;       // SQL: what pgroll's earlier migrations of the case made
  std::string migration;   // the migration's name
  std::string operations;  // its YAML, from `operations:` on
  std::vector<Probe> after_start;
  std::vector<Probe> after_rollback;
  std::vector<Probe> after_complete;
  // Why the case cannot pass without version schemas (it needs two shapes at once); empty
  // when it passes in both modes. docs/how-it-works.md lists every such case.
  std::string needs_version_schemas = {};
  // For pgroll's validation cases: start must be refused (exit 2) with this in its message,
  // and change nothing.
  std::string refused = {};
  // With version schemas, also settings.writer_by_search_path: the case needs the triggers
  // to tell the versions apart by the session, as pgroll's do.
  bool writer_by_search_path = false;
  // Why the case does not pass with version schemas yet (a known gap, listed in
  // docs/how-it-works.md with the others); empty when it does.
  std::string version_schemas_gap = {};
};

// `c`, skipped with version schemas for `why`.
inline PgrollCase GapWithVersionSchemas(PgrollCase c, std::string why) {
  c.version_schemas_gap = std::move(why);
  return c;
}

// `c`, run with settings.writer_by_search_path.
inline PgrollCase BySearchPath(PgrollCase c) {
  c.writer_by_search_path = true;
  return c;
}

// A validation case: `plan` and `apply` refuse the migration with `message`.
inline PgrollCase Refused(std::string name, std::string origin, std::string setup,
                          std::string migration, std::string operations, std::string message) {
  return {std::move(name),
          std::move(origin),
          std::move(setup),
          std::move(migration),
          std::move(operations),
          {},
          {},
          {},
          "",
          std::move(message)};
}

// gtest prints a case by its name.
inline void PrintTo(const PgrollCase& c, std::ostream* os) { *os << c.name; }

// Probe shorthands.
inline Probe Old(std::string sql, std::string want = "") {
  return {AppVersion::kOld, std::move(sql), std::move(want)};
}
inline Probe New(std::string sql, std::string want = "") {
  return {AppVersion::kNew, std::move(sql), std::move(want)};
}

// The case tables, one per pgroll test file.
std::vector<PgrollCase> SetDefaultCases();
std::vector<PgrollCase> DropNotNullCases();
std::vector<PgrollCase> RenameColumnCases();
std::vector<PgrollCase> SetCommentCases();
std::vector<PgrollCase> DropColumnCases();
std::vector<PgrollCase> AddColumnCases();
std::vector<PgrollCase> IndexCases();
std::vector<PgrollCase> TableCases();
std::vector<PgrollCase> SetNotNullCases();
std::vector<PgrollCase> SetUniqueCases();
std::vector<PgrollCase> SetCheckCases();
std::vector<PgrollCase> CreateTableCases();
std::vector<PgrollCase> CreateConstraintCases();
std::vector<PgrollCase> DropConstraintCases();
std::vector<PgrollCase> DropMulticolumnConstraintCases();
std::vector<PgrollCase> MultiOperationCases();
std::vector<PgrollCase> SetForeignKeyCases();
std::vector<PgrollCase> ChangeTypeCases();
std::vector<PgrollCase> AlterColumnCases();

}  // namespace pgphase::it
