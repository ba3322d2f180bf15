// Quoting and analysis of SQL text. Pure functions: no connection, no I/O.
//
// Every identifier that enters generated SQL goes through QuoteIdent; every string
// literal through QuoteLiteral. User expressions are analysed with libpg_query (the
// PostgreSQL parser) before they are embedded anywhere.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/status.h"

namespace pgphase {

// Always double-quotes, doubling embedded quotes: users -> "users", a"b -> "a""b".
// Deterministic: quoting never depends on whether the name is a keyword.
std::string QuoteIdent(std::string_view name);

// "schema"."name"
std::string QuoteQualified(std::string_view schema, std::string_view name);

// A string literal safe under any standard_conforming_strings setting:
// 'it''s'; text containing a backslash becomes E'a\\b'.
std::string QuoteLiteral(std::string_view value);

// A dollar-quote tag ("$pgphase$", "$pgphase1$", ...) that does not occur in body.
std::string DollarQuoteTag(std::string_view body);

// What the PostgreSQL parser says about one user expression.
struct ExprAnalysis {
  // Unqualified or qualified column names the expression reads, de-duplicated, in
  // order of first appearance. For a qualified reference (t.col) the last name part.
  // References inside sub-selects that name other tables are included too
  // (conservative: a superset of what the expression reads from its own row).
  std::vector<std::string> column_refs;
  bool has_subquery = false;       // contains a sub-SELECT
  bool has_function_call = false;  // contains any function call
  // True when the expression is built only from literals, casts, and operators on
  // them: safe as a metadata-only column default.
  bool is_constant = false;
};

// Parses `expr` as a single scalar expression. Errors (ExitCode::kInvalid) when it
// does not parse or when it is not exactly one expression (for example
// "1); DROP TABLE t; SELECT (1"). The message contains the parser's own words and the
// character offset within expr when the parser gives one. An expression that is a
// full SELECT (pgroll allows `up: SELECT ...`) is accepted as a scalar sub-select.
Result<ExprAnalysis> AnalyzeExpression(std::string_view expr);

// Wraps an accepted expression for embedding: "(" + expr + ")", with a leading full
// SELECT turned into a scalar sub-select.
std::string EmbedExpression(std::string_view expr);

// Column name -> type (as format_type spells it) of the table an expression reads.
using ColumnTypes = std::map<std::string, std::string>;

// Whether evaluating `expr` (accepted by AnalyzeExpression) on some row, and storing the
// result in a column of `target_type`, can raise an error. Conservative: false only when
// every part is known not to fail for any value (column references, constants, casts and
// stores that widen or go to text, text functions such as upper() and concatenation,
// comparisons, CASE, COALESCE); arithmetic (overflow, division by zero), casts that parse
// text, sub-selects and any function not on the list may raise.
bool MayRaise(std::string_view expr, const ColumnTypes& columns, const std::string& target_type);

// Checks that `type` parses as a PostgreSQL type name ("numeric(12,2)", "text[]",
// "timestamp with time zone"). Errors (ExitCode::kInvalid) otherwise, including
// anything that would smuggle in more SQL.
Status CheckTypeName(std::string_view type);

// Type names as PostgreSQL's format_type spells them, so that a type written in a spec can be
// compared with (and recorded like) a type read from the catalog: "INT4" -> "integer",
// "varchar(20)" -> "character varying(20)", "serial" -> "integer", "timestamptz" ->
// "timestamp with time zone", "Text[]" -> "text[]". Names it does not know (domains, enums,
// other schemas' types) come back lower-cased with single spaces, which is how format_type
// prints an unquoted name.
std::string CanonicalType(const std::string& written);

// True when changing a column from `from` to `to` (both canonical) needs no rewrite and no
// index rebuild: varchar(n) to varchar(m >= n), unbounded varchar, or text.
bool IsWideningType(const std::string& from, const std::string& to);

// Builds an identifier from parts joined with '_', at most 63 bytes (NAMEDATALEN-1).
// When too long, the joined name is cut and an 8-hex-digit hash of the whole is
// appended, so distinct long names stay distinct and the result is deterministic.
std::string BoundedName(const std::vector<std::string>& parts);

}  // namespace pgphase
