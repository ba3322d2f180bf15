// What alter_column's two paths share (alter_column.cc checks and plans the direct path,
// alter_column_shadow.cc the shadow-column path). Private to the plan module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/ddl.h"
#include "pgphase/spec.h"
#include "plan/builder.h"

namespace pgphase {

// An alter_column checked against the working catalog.
struct AlterColumnChange {
  TableInfo* table = nullptr;         // working catalog entry
  const TableInfo* before = nullptr;  // the table as the old app sees it (shadow path only)
  ColumnInfo old;                     // the column as it is now
  std::string new_name;               // op.name or the column's name
  std::string new_type;               // the type it will have, as written
  bool type_changed = false;
  bool widening = false;  // a type change PostgreSQL makes without a rewrite
  bool new_not_null = false;
  bool shadow = false;  // through a shadow column (else direct)
  // A rename through a column pair: the shadow column takes the new name at expand, the old
  // one keeps its name until contract, and both are the application's (the old app's and
  // the new app's) from sync on. Implies shadow.
  bool pair = false;
  // With version schemas, a change PostgreSQL makes in place (a dropped NOT NULL, a default, a
  // comment) given `up` or `down`: it goes through a column pair when one is possible, so
  // that each version keeps its own column and `up` and `down` carry writes across.
  bool pair_for_up_down = false;
  // The operation as messages name it ("alter_column", or "create_constraint" when a
  // constraint's `up` goes through shadow columns: create_constraint.cc).
  std::string_view kind = "alter_column";
  // Re-created or moved by the caller around the shadow path (alter_column_referencing.cc),
  // by name: foreign keys of this table on or to the column (`carried_constraints`), other
  // tables' foreign keys to it and the sequence it owns (`referencing`).
  std::vector<std::string> carried_constraints, referencing;
  // Constraints (and the indexes of the same name) of the column that the new column goes
  // without: not carried over, they stay on the old column until the caller drops them at
  // contract (drop_constraint.cc, with version schemas).
  std::vector<std::string> dropped;
  // The caller moves the default (a sequence's nextval) or the identity to the new column.
  bool default_moves_at_swap = false;
  // Reversing swap keeps the new primary key; the caller restores the old one after it.
  bool caller_restores_key = false;
};

// An alter_column (or a rename_column, as one with `name:`; `kind` names it in notes): checks
// it, chooses the path and plans it.
// `carried_constraints`: this table's foreign keys on the column that the caller re-creates
// (AlterColumnChange).
Status PlanAlterColumn(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b,
                       std::string_view kind,
                       const std::vector<std::string>& carried_constraints = {});

// What would stay behind on the old column if `column` changed through a new one (a check,
// foreign key or exclusion constraint on it, an index an earlier operation of the migration
// creates on it, a view, trigger or other object that depends on it: ColumnInfo::dependents),
// as the reason to give; "" when nothing. c.before must be set.
// `checks_carried`: the shadow path re-creates check constraints on the new column, so they
// do not count.
std::string WhatStaysOnTheOldColumn(const AlterColumnChange& c, const std::string& column,
                                    bool checks_carried = false);

// Why `column` cannot change through a column pair, or "" when it can: the pair is a shadow
// column, under the new name or the same one, so whatever the shadow path cannot carry over to
// a new column, or would lose with the old one at contract, rules it out. c.before must be set.
std::string WhyNoColumnPair(const AlterColumnChange& c, const std::string& column);

// The shadow column of `column`, `_pgphase_new_<column>`, outside a pair.
std::string ShadowColumnName(const std::string& column);
// The name a column, index or constraint is renamed away to while its replacement takes its
// name: `_pgphase_old_<name>`.
std::string OldName(const std::string& name);

// A table created earlier in the migration (alter_column_new_table.cc): every change made
// directly, in expand.
Status PlanAlterColumnOnNewTable(const AlterColumnOp& op, const AlterColumnChange& c,
                                 PlanBuilder& b);

// A type change of a column that sequences or other tables' foreign keys depend on
// (alter_column_referencing.cc): true when `c` is one; it then plans it, with the referencing
// columns, through the shadow path.
bool IsReferencedKeyChange(const AlterColumnChange& c, const PlanBuilder& b);
Status PlanReferencedKeyChange(const AlterColumnOp& op, const SourceLocation& where,
                               AlterColumnChange& c, PlanBuilder& b);

// Foreign key `k` as it is, with its column `column` and the key column `key` named as they
// are when it is created (`column_now`, `key_now`); "" leaves them as they are.
ddl::ForeignKey ForeignKeyAsIs(const ConstraintInfo& k, const std::string& column,
                               const std::string& column_now, const std::string& key,
                               const std::string& key_now);

// The shadow path (alter_column_shadow.cc): every phase of the change.
Status PlanAlterColumnShadow(const AlterColumnOp& op, const SourceLocation& where,
                             const AlterColumnChange& c, PlanBuilder& b);

}  // namespace pgphase
