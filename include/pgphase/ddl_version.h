// Version schemas: a schema of views, one per table, that shows one application version the
// names and types it was written for, over the physical tables (docs/how-it-works.md,
// "Version schemas"). Pure string functions, like ddl.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/ddl.h"

namespace pgphase::ddl {

// The comment that marks a schema as one of pgphase's version schemas ("pgphase version
// schema of <schema>, migration <name>"): the catalog and the dependents checks leave the
// views of such schemas out, since pgphase recreates or drops them itself (catalog.cc spells
// the same text: the catalog module cannot see this one).
inline constexpr std::string_view kVersionSchemaMarker = "pgphase version schema";

// What the version shows, besides every table of the schema with its columns as they are named
// when the schema is made (pgphase's own tables and columns, `_pgphase*`, left out): tables
// and columns still in place that it hides (dropped by the migration, kept until contract),
// and columns it shows under another name (a shadow column under the name it takes at
// contract), with the default it has only from contract on (a view can have its own).
struct VersionShape {
  struct Column {
    std::string table, column;
  };
  struct Alias {
    std::string table, physical, shown;
    std::string replaces;      // the column whose place it takes in the view's order, or ""
    std::string default_expr;  // embedded; "" for none: the view's own default for the column
  };
  struct Table {
    std::string physical, shown;
  };
  std::vector<Table> renamed_tables;  // the view takes the table's new name (renamed at contract)
  std::vector<std::string> hidden_tables;
  std::vector<Column> hidden_columns;
  std::vector<Alias> aliases;
};

// Tables and columns are named as they are physically at the end of swap.
//
// One transaction: CREATE SCHEMA `name` and its marker comment; one view per table of
// `of_schema` (partitions left out), named as the table is (or will be), its columns in the table's
// order as `shape` says, made WITH (security_invoker) so that the table's privileges and row
// security apply to whoever queries it; each table's grants (its owner's included) copied
// onto its view, with USAGE on the schema to every grantee; the schema recorded in
// pgphase.version_schemas (`migration` "" for a baseline). The views are simple enough to be
// automatically updatable: INSERT, UPDATE, DELETE and RETURNING pass through, and a column
// an INSERT leaves out gets the table's default.
Statement CreateVersionSchema(const std::string& name, const std::string& of_schema,
                              const std::string& migration, const VersionShape& shape);
// The version schema `name` brought up to its tables after contract, when a migration's own
// SQL (`sql` with onComplete) made tables or columns then: one transaction that makes the view
// of each table of `of_schema` that has none, adds to each view the columns its table has
// and it lacks (after its own, so that what the application reads keeps its order), and
// copies the grants (CreateVersionSchema). Views already complete are left alone.
Statement CompleteVersionSchema(const std::string& name, const std::string& of_schema);
// ALTER VIEW IF EXISTS view ALTER COLUMN column SET DEFAULT expr: the view's own default,
// which an INSERT through it that leaves the column out gets instead of the table's; and
// DROP DEFAULT, back to the table's. Without expr the default is a NULL of `type` that
// PostgreSQL keeps (it stores no default for a NULL constant, which would leave the table's).
Statement SetViewDefault(const Rel& view, const std::string& column,
                         const std::optional<std::string>& expr, const std::string& type);
Statement DropViewDefault(const Rel& view, const std::string& column);
// DROP SCHEMA IF EXISTS name CASCADE, and its row in pgphase.version_schemas.
Statement DropVersionSchema(const std::string& name);
// A DO block that raises (SQLSTATE 55006, object_in_use), naming them, when other sessions use
// the version schema `name`: a backend holding a lock on one of its views (sampled five times
// over half a second: application statements hold them only while they run), or a role or database
// whose configured search_path names it. With the setting pgphase.ignore_version_sessions on
// (`contract --ignore-version-sessions`) it only warns.
Statement CheckVersionSchemaUnused(const std::string& name);
// The SQL fragment "AND NOT <the pg_depend row d is the rule of a view in a version schema>",
// for queries that list what depends on a column.
std::string NotInVersionSchema(const std::string& depend_alias);

}  // namespace pgphase::ddl
