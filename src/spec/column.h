// Readers for the YAML shapes that several operations share (private to the spec module):
// one reader per shape, so every operation accepts the same keys and refuses the same
// mistakes in the same words. Each reads the value `v` found under its key into `out`;
// errors are ErrorAt values, "file:line:col: path.to.key: what".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

// A column (add_column.column, create_table.columns[]): {name, type, nullable, unique, pk,
// default, check, references, comment, generated}; name and type required. A primary key
// column cannot be nullable, and a generated column cannot also have a default.
Status ReadColumn(const Value& v, ColumnSpec* out);

// A column type: any non-blank string, kept as written (the planner checks it).
Status ReadType(const Value& v, std::string* out);

// A comment: a string, or null for none (`out` reset).
Status ReadComment(const Value& v, std::optional<std::string>* out);

// A column's check constraint: {name, constraint, no_inherit}; name and constraint required.
Status ReadCheck(const Value& v, CheckSpec* out);

// A column's foreign key: {name, table, column, on_delete, on_update, match_type,
// deferrable, initially_deferred}; name, table and column required. Actions and the match
// type are keywords in any case, stored upper case. MATCH PARTIAL is refused (PostgreSQL
// does not implement it), and initially_deferred needs deferrable.
Status ReadReferences(const Value& v, ReferencesSpec* out);

// {expression: sql} or {identity: {user_specified_values: always | by default,
// sequence_options}}, exactly one of the two. An identity is BY DEFAULT unless told.
Status ReadGenerated(const Value& v, GeneratedSpec* out);

// {column: expression, ...} (create_constraint's and drop_multicolumn_constraint's up/down),
// each column once.
Status ReadColumnExprs(const Value& v, std::vector<ColumnExpr>* out);

// How an operation writes a table constraint: the types it takes (kConstraintTypes or
// kAddedConstraintTypes, spec/shapes.h), and the shape of its map: the constraint's keys and
// the operation's own written beside them (create_constraint's table, up, down), which
// ReadConstraint checks but leaves in the map for the operation to read.
struct ConstraintForm {
  const std::vector<std::string_view>& types;
  std::string_view shape;
};

// A table constraint (create_table.constraints[], create_constraint): {name, type, columns,
// check, no_inherit, nulls_not_distinct, deferrable, initially_deferred, references {table,
// columns, on_delete, on_update, match_type}, index_parameters {include_columns,
// storage_parameters}, exclude {index_method, elements, predicate}}, with `exclude` only
// when the form takes exclude constraints; name and type required. What each type needs:
//   check        check (only a check takes check and no_inherit)
//   unique, primary_key
//                columns
//   foreign_key  columns, and references naming as many columns
//   exclude      exclude, and no columns
// index_parameters only on unique, primary_key and exclude; nulls_not_distinct only on
// unique; initially_deferred needs deferrable. `map` receives the checked map.
Status ReadConstraint(const Value& v, const ConstraintForm& form, YamlMap* map,
                      ConstraintSpec* out);

}  // namespace pgphase::spec_internal
