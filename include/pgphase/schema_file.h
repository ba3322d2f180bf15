// Reading a CatalogSnapshot from a schema file instead of a server (`plan --schema FILE`).
//
// The file is the output of `pg_dump --schema-only` (a Rails structure.sql is one), or DDL
// written in the same statements. It is parsed with libpg_query, and each statement fills the
// snapshot as the catalog module's queries would read it from a server the file was loaded
// into (catalog_reader.h): types as format_type spells them, defaults, checks and constraint
// definitions as pg_get_expr and pg_get_constraintdef print them for a session whose
// search_path finds `public` (pg_dump's `public.` qualifiers are taken off), index definitions
// as pg_get_indexdef prints them, the dependents of each column as pg_describe_object names
// them. Row estimates are 0 (a file has none).
//
// Statements that change nothing the snapshot holds (SET, set_config, comments, owners,
// grants, schemas, types, extensions, sequences' options) are read and dropped; psql's
// `\restrict` lines and other meta-commands are skipped. Every other statement, and every part
// of one that the snapshot cannot represent (a partition, an inherited table, a policy), is a
// warning with its line. Pure; no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/sql.h"
#include "pgphase/status.h"

namespace pgphase {

struct SchemaFile {
  CatalogSnapshot catalog;
  // The functions the file creates, by schema and name, and the least stable volatility of
  // each one's overloads (as pg_proc would give them).
  std::map<FunctionName, Volatility> functions;
  // "file:line: what was not represented", in file order.
  std::vector<std::string> warnings;
};

// The tables of `schemas` as `text` (named `file` in messages) creates them.
// Errors (kInvalid): the file does not parse ("file:line:col: ...").
Result<SchemaFile> ReadSchemaFile(std::string_view text, std::string_view file,
                                  const std::vector<std::string>& schemas);

// The volatility pg_proc gives a pg_catalog function `name` (the least stable of its
// overloads), from PostgreSQL's own catalog as scripts/gen_builtin_functions.sh last read it:
// what a plan without a server knows of built-in functions. nullopt: no such function.
std::optional<Volatility> BuiltinVolatility(std::string_view name);

}  // namespace pgphase
