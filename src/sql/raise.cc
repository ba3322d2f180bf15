// MayRaise: whether evaluating a user expression (and storing its result in a column) can
// fail for some row. Conservative: anything not known to be safe may raise.
#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "pgphase/sql.h"
#include "sql/expr_tree.h"

namespace pgphase {
namespace {

using Json = nlohmann::json;

// What evaluating a node gives: whether it can raise, and its type when known (canonical;
// "unknown" for a string literal, "null" for NULL).
struct Eval {
  bool safe = false;
  std::optional<std::string> type;
};

Eval Unsafe() { return {false, std::nullopt}; }
Eval Safe(std::optional<std::string> type) { return {true, std::move(type)}; }

bool IsTextual(const std::string& type) {
  return type == "text" || type == "unknown" || type.rfind("character varying", 0) == 0 ||
         type.rfind("character", 0) == 0 || type == "name";
}

// Widening conversions that never fail (precision may be lost, nothing raises).
bool Widens(const std::string& from, const std::string& to) {
  static const std::array<std::pair<const char*, const char*>, 14> kWidening = {{
      {"smallint", "integer"},
      {"smallint", "bigint"},
      {"smallint", "numeric"},
      {"integer", "bigint"},
      {"integer", "numeric"},
      {"bigint", "numeric"},
      {"smallint", "double precision"},
      {"integer", "double precision"},
      {"bigint", "double precision"},
      {"real", "double precision"},
      {"date", "timestamp without time zone"},
      {"date", "timestamp with time zone"},
      {"timestamp without time zone", "timestamp with time zone"},
      {"timestamp with time zone", "timestamp without time zone"},
  }};
  return std::any_of(kWidening.begin(), kWidening.end(),
                     [&](const auto& w) { return from == w.first && to == w.second; });
}

// "character varying(20)" -> 20; unbounded or not varchar/char -> -1.
long Length(const std::string& type) {
  const size_t open = type.find('(');
  if (open == std::string::npos || !IsTextual(type)) return -1;
  try {
    return std::stol(type.substr(open + 1));
  } catch (...) {
    return -1;
  }
}

// Storing a value of type `from` in a column of type `to` (an assignment) cannot fail.
bool AssignSafe(const std::optional<std::string>& from, const std::string& to) {
  if (!from) return false;
  if (*from == "null" || *from == to) return true;
  if (to == "text" || to == "character varying") return true;  // any value has a text form
  if (Widens(*from, to)) return true;
  if (to == "numeric" && from->rfind("numeric(", 0) == 0) return true;
  const long n = Length(*from), m = Length(to);
  return IsTextual(*from) && *from != "unknown" && m > 0 && n > 0 && m >= n;
}

// An explicit CAST also truncates text to a bounded varchar or char instead of failing.
bool CastSafe(const std::optional<std::string>& from, const std::string& to) {
  if (AssignSafe(from, to)) return true;
  return from && IsTextual(*from) && IsTextual(to);
}

std::string LastName(const Json& names) {
  if (!names.is_array() || names.empty()) return "";
  return names.back().value("String", Json::object()).value("sval", "");
}

std::string TypeNameOf(const Json& type_name) {
  std::string name = LastName(type_name.value("names", Json::array()));
  const Json& mods = type_name.value("typmods", Json::array());
  if (!mods.empty()) {
    std::string args;
    for (const Json& m : mods) {
      const Json& c = m.value("A_Const", Json::object());
      args += (args.empty() ? "" : ",") +
              std::to_string(c.value("ival", Json::object()).value("ival", 0));
    }
    name += "(" + args + ")";
  }
  for (size_t i = 0; i < type_name.value("arrayBounds", Json::array()).size(); ++i) name += "[]";
  return CanonicalType(name);
}

Eval Visit(const Json& node, const ColumnTypes& columns);

// All of `nodes` are safe; the type of the first whose type is known.
Eval VisitAll(const Json& nodes, const ColumnTypes& columns) {
  Eval out = Safe(std::nullopt);
  for (const Json& n : nodes) {
    const Eval e = Visit(n, columns);
    if (!e.safe) return Unsafe();
    if (!out.type && e.type && *e.type != "null") out.type = e.type;
  }
  return out;
}

Eval Const(const Json& c) {
  if (c.value("isnull", false)) return Safe("null");
  if (c.contains("sval")) return Safe("unknown");
  if (c.contains("ival")) return Safe("integer");
  if (c.contains("fval")) return Safe("numeric");
  if (c.contains("boolval")) return Safe("boolean");
  return Safe(std::nullopt);
}

// Functions that return a value for any input (of the types they accept), with their type.
std::optional<std::string> SafeFunction(const std::string& name) {
  static const std::array<std::pair<const char*, const char*>, 22> kFunctions = {{
      {"left", "text"},
      {"right", "text"},
      {"upper", "text"},
      {"lower", "text"},
      {"initcap", "text"},
      {"btrim", "text"},
      {"ltrim", "text"},
      {"rtrim", "text"},
      {"md5", "text"},
      {"concat", "text"},
      {"concat_ws", "text"},
      {"replace", "text"},
      {"translate", "text"},
      {"reverse", "text"},
      {"length", "integer"},
      {"char_length", "integer"},
      {"octet_length", "integer"},
      {"now", "timestamp with time zone"},
      {"gen_random_uuid", "uuid"},
      {"quote_ident", "text"},
      {"quote_literal", "text"},
      {"quote_nullable", "text"},
  }};
  for (const auto& [n, t] : kFunctions)
    if (name == n) return std::string(t);
  return std::nullopt;
}

Eval Expr(const Json& e, const ColumnTypes& columns) {
  const std::string kind = e.value("kind", "");
  const std::string op = LastName(e.value("name", Json::array()));
  Json args = Json::array();
  for (const char* side : {"lexpr", "rexpr"})
    if (e.contains(side)) args.push_back(e[side]);
  const Eval both = VisitAll(args, columns);
  if (!both.safe) return Unsafe();
  if (kind == "AEXPR_NULLIF") return both;
  if (kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT" || kind == "AEXPR_IN" ||
      kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" || kind == "AEXPR_LIKE" ||
      kind == "AEXPR_ILIKE")
    return Safe("boolean");
  if (kind != "AEXPR_OP") return Unsafe();
  if (op == "||") return Safe("text");
  static const std::array<const char*, 7> kComparisons = {"=", "<>", "!=", "<", ">", "<=", ">="};
  if (std::find(kComparisons.begin(), kComparisons.end(), op) != kComparisons.end())
    return Safe("boolean");
  return Unsafe();  // arithmetic overflows or divides by zero, regex patterns can be invalid
}

Eval Visit(const Json& node, const ColumnTypes& columns) {
  if (!node.is_object() || node.size() != 1) return Unsafe();
  const std::string& type = node.begin().key();
  const Json& v = node.begin().value();
  if (type == "ColumnRef") {
    auto it = columns.find(LastName(v.value("fields", Json::array())));
    return Safe(it == columns.end() ? std::nullopt : std::optional(CanonicalType(it->second)));
  }
  if (type == "A_Const") return Const(v);
  if (type == "TypeCast") {
    const Json& arg = v.value("arg", Json::object());
    const std::string to = TypeNameOf(v.value("typeName", Json::object()));
    if (arg.contains("A_Const")) return Safe(to);  // a constant's cast fails when planned
    const Eval from = Visit(arg, columns);
    return from.safe && CastSafe(from.type, to) ? Safe(to) : Unsafe();
  }
  if (type == "FuncCall") {
    const std::optional<std::string> result =
        SafeFunction(LastName(v.value("funcname", Json::array())));
    if (!result || !VisitAll(v.value("args", Json::array()), columns).safe) return Unsafe();
    return Safe(result);
  }
  if (type == "A_Expr") return Expr(v, columns);
  if (type == "BoolExpr" || type == "NullTest" || type == "BooleanTest") {
    Json args = v.value("args", Json::array());
    if (v.contains("arg")) args.push_back(v["arg"]);
    return VisitAll(args, columns).safe ? Safe("boolean") : Unsafe();
  }
  if (type == "CoalesceExpr" || type == "MinMaxExpr")
    return VisitAll(v.value("args", Json::array()), columns);
  if (type == "CaseExpr") {
    Json parts = Json::array();
    if (v.contains("arg")) parts.push_back(v["arg"]);
    Json results = Json::array();
    for (const Json& w : v.value("args", Json::array())) {
      const Json& when = w.value("CaseWhen", Json::object());
      parts.push_back(when.value("expr", Json::object()));
      results.push_back(when.value("result", Json::object()));
    }
    if (v.contains("defresult")) results.push_back(v["defresult"]);
    if (!VisitAll(parts, columns).safe) return Unsafe();
    return VisitAll(results, columns);
  }
  return Unsafe();  // sub-selects (more than one row), anything not listed
}

}  // namespace

bool MayRaise(std::string_view expr, const ColumnTypes& columns, const std::string& target_type) {
  Result<Json> tree = sql_internal::ExpressionTree(expr);
  if (!tree.ok()) return true;
  const Eval e = Visit(*tree, columns);
  return !e.safe || !AssignSafe(e.type, CanonicalType(target_type));
}

}  // namespace pgphase
