// Quoting and analysis of SQL text. Pure functions: no connection, no I/O.
//
// Every identifier that enters generated SQL goes through QuoteIdent; every string
// literal through QuoteLiteral. User expressions are analysed with libpg_query (the
// PostgreSQL parser) before they are embedded anywhere.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "pgphase/status.h"

namespace pgphase {

// Always double-quotes, doubling embedded quotes: users -> "users", a"b -> "a""b".
// Deterministic: quoting never depends on whether the name is a keyword.
std::string QuoteIdent(std::string_view name);

// A name as PostgreSQL's quote_identifier (and so pg_get_indexdef, pg_describe_object and
// pg_dump) writes it: bare when it is a plain lower-case name and not a keyword that needs
// quoting (users, user_id), else double-quoted ("Users", "order", "a b").
std::string QuoteIdentIfNeeded(std::string_view name);

// "schema"."name"
std::string QuoteQualified(std::string_view schema, std::string_view name);

// A string literal safe under any standard_conforming_strings setting:
// 'it''s'; text containing a backslash becomes E'a\\b'.
std::string QuoteLiteral(std::string_view value);

// A dollar-quote tag ("$pgphase$", "$pgphase1$", ...) that does not occur in body.
std::string DollarQuoteTag(std::string_view body);

// A function as an expression calls it, by the name it calls it: `schema` is "" when the
// call does not qualify the name (PostgreSQL then finds it through search_path). SQL syntax
// that the parser turns into a call names its pg_catalog function (trim -> pg_catalog.btrim).
struct FunctionName {
  std::string schema;
  std::string name;

  std::string Display() const;  // "lower", "pg_catalog.btrim": for messages
};
inline bool operator==(const FunctionName& a, const FunctionName& b) {
  return a.schema == b.schema && a.name == b.name;
}
inline bool operator<(const FunctionName& a, const FunctionName& b) {
  return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
}

// pg_proc.provolatile: whether a function gives the same result for the same arguments always
// (immutable), within one statement (stable: it reads settings or the database), or never
// (volatile).
enum class Volatility { kImmutable, kStable, kVolatile };
std::string_view VolatilityName(Volatility v);  // "IMMUTABLE", "STABLE", "VOLATILE"

// What the PostgreSQL parser says about one user expression.
struct ExprAnalysis {
  // Unqualified or qualified column names the expression reads, de-duplicated, in
  // order of first appearance. For a qualified reference (t.col) the last name part.
  // References inside sub-selects that name other tables are included too
  // (conservative: a superset of what the expression reads from its own row).
  std::vector<std::string> column_refs;
  bool has_subquery = false;  // contains a sub-SELECT
  // A sub-SELECT reads a FROM list (other rows, other tables); one without FROM, such as
  // pgroll's `up: SELECT CASE ... END`, reads only the expression's own row.
  bool reads_other_rows = false;
  bool has_function_call = false;  // contains any function call
  // The functions it calls, de-duplicated, in order of first appearance.
  std::vector<FunctionName> function_calls;
  // Reads a session value: CURRENT_TIMESTAMP, LOCALTIME, CURRENT_USER, ... (SQL syntax that
  // is not a function call).
  bool reads_session_value = false;
  // The types it casts to (CAST, ::, typed literals such as date '2024-01-01'), each by the
  // last part of its name as the parser gives it ("int4", "timestamptz", "date",
  // "mytype"), de-duplicated, in order of first appearance.
  std::vector<std::string> cast_types;
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

// True when converting values of `canonical` (or arrays of it) to or from text depends on
// session settings: the date/time types (TimeZone, DateStyle, IntervalStyle) and money
// (lc_monetary). Casts to or from them are therefore not deterministic.
bool DependsOnSessionSettings(const std::string& canonical);

// False for the built-in types (or arrays of them) that have no `=` operator, so that
// IS DISTINCT FROM cannot compare two of their values: json, jsonpath, xml, point, polygon,
// txid_snapshot, pg_snapshot.
bool HasEqualityOperator(const std::string& canonical);

// Builds an identifier from parts joined with '_', at most 63 bytes (NAMEDATALEN-1).
// When too long, the joined name is cut and an 8-hex-digit hash of the whole is
// appended, so distinct long names stay distinct and the result is deterministic.
std::string BoundedName(const std::vector<std::string>& parts);

}  // namespace pgphase
