// Type names as PostgreSQL's format_type spells them, so that a type written in a spec can be
// compared with (and recorded like) a type read from the catalog. Private to the plan module.
#pragma once

#include <string>

namespace pgphase {

// "INT4" -> "integer", "varchar(20)" -> "character varying(20)", "serial" -> "integer",
// "timestamptz" -> "timestamp with time zone", "Text[]" -> "text[]". Names it does not know
// (domains, enums, other schemas' types) come back lower-cased with single spaces, which is
// how format_type prints an unquoted name.
std::string CanonicalType(const std::string& written);

// True when changing a column from `from` to `to` (both canonical) needs no rewrite and no
// index rebuild: varchar(n) to varchar(m >= n), unbounded varchar, or text.
bool IsWideningType(const std::string& from, const std::string& to);

// True when converting values of `canonical` (or arrays of it) to or from text depends on
// session settings: the date/time types (TimeZone, DateStyle, IntervalStyle) and money
// (lc_monetary). Casts to or from them are therefore not deterministic.
bool DependsOnSessionSettings(const std::string& canonical);

// False for the built-in types (or arrays of them) that have no `=` operator, so that
// IS DISTINCT FROM cannot compare two of their values: json, jsonpath, xml, point, polygon,
// txid_snapshot, pg_snapshot.
bool HasEqualityOperator(const std::string& canonical);

}  // namespace pgphase
