// Pieces the statement builders of the sql module share (private to the module): quoting
// shorthands and the clauses more than one statement renders.
#pragma once

#include <string>
#include <vector>

#include "pgphase/ddl.h"
#include "pgphase/sql.h"

namespace pgphase::ddl {

inline std::string Q(const std::string& name) { return QuoteIdent(name); }

// "a", "b" (each quoted), joined with `sep`.
std::string JoinQuoted(const std::vector<std::string>& names, const std::string& sep = ", ");

// ALTER TABLE "s"."t" <action>
std::string AlterTable(const Rel& t, const std::string& action);

// DO $tag$<body>$tag$
std::string DoBlock(const std::string& body);

// REFERENCES t (cols) [MATCH m] [ON DELETE a] [ON UPDATE a] [DEFERRABLE [INITIALLY DEFERRED]]
std::string ReferencesClause(const References& r);

// name type [DEFAULT e] [GENERATED ...] [NOT NULL]: what ADD COLUMN and a CREATE TABLE column
// have in common.
std::string ColumnCoreClause(const ColumnDef& c);

}  // namespace pgphase::ddl
