// Steps and values more than one operation planner makes, built one way. Private to the plan
// module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/ddl_index.h"
#include "pgphase/plan.h"
#include "pgphase/spec.h"
#include "plan/builder.h"

namespace pgphase {

// A CREATE INDEX CONCURRENTLY step for `index` on `t`: outside a transaction, done when the
// index exists and is valid, cleanup (an invalid leftover of an interrupted build) and
// reverse DROP INDEX CONCURRENTLY IF EXISTS. `id` is the whole step id.
Step IndexBuildStep(std::string id, std::string summary, const TableInfo& t,
                    const ddl::IndexDef& index);

// Adds `index` to `t` in the working catalog, and its name to the relation names. `valid`:
// whether it is built before this plan's backfills walk the table (an index built in
// validate is not, so it is never a keyset key of this plan).
void RecordIndex(PlanBuilder& b, TableInfo& t, const ddl::IndexDef& index, bool primary,
                 bool valid = true);

// Adds constraint `name` of pg_constraint.contype `type` over `columns` to `t` in the
// working catalog; `references` is a foreign key's referenced table (in t's schema).
void RecordConstraint(TableInfo& t, const std::string& name, char type,
                      std::vector<std::string> columns, const std::string& references = "");

// Renames a column in the working catalog, with the key and index column lists.
void RenameInCatalog(TableInfo& t, const std::string& from, const std::string& to);

// Validate's steps of a NOT NULL proven without blocking writes: the helper CHECK (`helper`,
// col IS NOT NULL) NOT VALID, VALIDATE it (naming the rows that are NULL when it fails), then
// SET NOT NULL, which the validated check proves without a scan (reverse: DROP NOT NULL);
// contract drops the helper. The helper is added only in validate, after the backfill: a
// value the sync trigger could not compute must not make an application write fail earlier.
// Ids "validate.<base>.not_null_helper", ".not_null_check" and ".set_not_null".
void AddNotNullProof(PlanBuilder& b, const TableInfo& t, const std::string& column,
                     const std::string& helper, const std::string& base);

// Contract's first step for a NOT NULL column that contract drops and the sync trigger fills
// for the new application (an old column, a dropped one with `down`): DROP NOT NULL, so that
// between the trigger's drop and the column's a new-app INSERT omitting it does not fail.
// Id "contract.<base>.old_nullable".
void AddNullableAtContract(PlanBuilder& b, const TableInfo& t, const std::string& column,
                           const std::string& base);

// The ColumnDef of a column spec: name, type (checked to be one type name), NOT NULL unless
// nullable (a primary key column always), the default (which may not name columns), a
// generated expression (embedded; the caller checks which columns it may name) or an
// identity with its sequence options. Not its unique, check or references. Errors are
// "<kind>.<field>.<key>: ..." at the column (or the default).
Result<ddl::ColumnDef> ColumnDefOf(const ColumnSpec& c, std::string_view kind,
                                   std::string_view field);

// The foreign key a column's `references:` asks for, in `schema`.
ddl::ForeignKey ForeignKeyOf(const ReferencesSpec& r, const std::string& column,
                             const std::string& schema);
// The foreign key of a table constraint (create_table constraints[], create_constraint).
ddl::ForeignKey ForeignKeyOf(const ConstraintSpec& c, const std::string& schema);

}  // namespace pgphase
