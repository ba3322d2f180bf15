// Analysis of user expressions and type names with libpg_query (the PostgreSQL parser).
//
// The text is parsed exactly as it will be embedded: "SELECT " + EmbedExpression(expr)
// for expressions, "SELECT CAST(NULL AS " + type + ")" for types. The closing
// parenthesis after the user's text makes a trailing "--" comment or an unbalanced
// parenthesis a parse error, so what passes here cannot swallow or escape the SQL
// around it when embedded.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgphase/sql.h"
#include "sql/expr_tree.h"
#include "sql/parse_result.h"

namespace pgphase {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kExprPrefix = "SELECT (";
constexpr std::string_view kExprSuffix = ")";
constexpr std::string_view kTypePrefix = "SELECT CAST(NULL AS ";
constexpr std::string_view kTypeSuffix = ")";

using sql_internal::ParseResult;
using sql_internal::Rejected;

// Characters of UTF-8 text, as the parser counts them in cursor positions.
size_t CountChars(std::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// The parser's message with its cursor (1-based, in characters of the wrapped text)
// moved into the user's text. A cursor past the user's text means the parser only
// failed at the closing parenthesis of the wrapper.
Status ParserError(std::string_view what, const PgQueryError& error, size_t prefix_chars,
                   std::string_view user_text) {
  std::string why = error.message ? error.message : "parse error";
  if (error.cursorpos > 0) {
    const long pos =
        std::max(1L, static_cast<long>(error.cursorpos) - static_cast<long>(prefix_chars));
    why += " at character " + std::to_string(pos) + " of the " + std::string(what);
    if (pos > static_cast<long>(CountChars(user_text))) why += " (its end)";
  }
  return Rejected(what, why);
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// Parses prefix + text + suffix; returns the "stmts" array of the parse tree.
Result<Json> ParseWrapped(std::string_view what, std::string_view prefix, std::string_view text,
                          std::string_view suffix) {
  if (IsBlank(text)) return Rejected(what, "empty");
  if (text.find('\0') != std::string_view::npos) return Rejected(what, "contains a NUL byte");
  const std::string sql = std::string(prefix) + std::string(text) + std::string(suffix);
  ParseResult parsed(sql);
  if (parsed.get().error) return ParserError(what, *parsed.get().error, prefix.size(), text);
  Json tree = Json::parse(parsed.get().parse_tree, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded() || !tree.contains("stmts")) {
    return Rejected(what, "the parser returned an unreadable tree");
  }
  return std::move(tree["stmts"]);
}

bool OnlyKeys(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return false;
  }
  return true;
}

// Checks that `stmts` is exactly one plain "SELECT <one unnamed target>" covering the
// whole input, and returns that target's value node. Anything else means the user's
// text closed our parenthesis and added SQL of its own.
Result<Json> SoleTarget(std::string_view what, const Json& stmts) {
  const Status smuggled =
      Rejected(what, "must be exactly one " + std::string(what) + ", with no other SQL around it");
  if (!stmts.is_array() || stmts.size() != 1) return smuggled;
  const Json& entry = stmts[0];
  // stmt_len is only set when a ';' ends the statement before the end of the input.
  if (entry.value("stmt_len", 0) != 0 || !entry.contains("stmt")) return smuggled;
  const Json& stmt = entry["stmt"];
  if (!stmt.contains("SelectStmt")) return smuggled;
  const Json& select = stmt["SelectStmt"];
  if (!OnlyKeys(select, {"targetList", "limitOption", "op"}) ||
      select.value("op", "") != "SETOP_NONE" ||
      select.value("limitOption", "") != "LIMIT_OPTION_DEFAULT") {
    return smuggled;
  }
  const Json& targets = select.value("targetList", Json::array());
  if (targets.size() != 1 || !targets[0].contains("ResTarget")) return smuggled;
  const Json& target = targets[0]["ResTarget"];
  if (!OnlyKeys(target, {"val", "location"}) || !target.contains("val")) return smuggled;
  return target["val"];
}

// True when `text` starts (after whitespace) with the keyword SELECT or WITH.
bool StartsWithQueryKeyword(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  for (std::string_view keyword : {"select", "with"}) {
    if (text.size() - i < keyword.size()) continue;
    bool match = true;
    for (size_t k = 0; k < keyword.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(text[i + k])) == keyword[k];
    }
    if (!match) continue;
    const size_t end = i + keyword.size();
    if (end == text.size()) return true;
    const unsigned char next = static_cast<unsigned char>(text[end]);
    // "selected_at" is a column, not the keyword.
    if (!std::isalnum(next) && next != '_' && next != '$' && next < 0x80) return true;
  }
  return false;
}

// Node types that only combine constants: an expression built from these alone has
// the same value on every row and at every time.
bool IsConstantNode(const std::string& type) {
  static constexpr std::string_view kConstantNodes[] = {
      "A_Const",  "TypeCast",    "TypeName",      "A_Expr",      "BoolExpr",
      "NullTest", "BooleanTest", "CollateClause", "A_ArrayExpr", "RowExpr",
      "CaseExpr", "CaseWhen",    "CoalesceExpr",  "MinMaxExpr",  "String",
      "Integer",  "Float",       "Boolean",       "BitString",   "List",
  };
  return std::find(std::begin(kConstantNodes), std::end(kConstantNodes), type) !=
         std::end(kConstantNodes);
}

// Something found at a character offset of the parsed text, to be put in source order.
template <class T>
struct Located {
  int location;
  T value;
};

struct Walk {
  std::vector<Located<std::string>> refs;
  bool has_subquery = false;
  bool reads_other_rows = false;
  bool has_function_call = false;
  std::vector<Located<FunctionName>> functions;
  bool reads_session_value = false;
  std::vector<Located<std::string>> cast_types;
  bool only_constant_nodes = true;
  bool has_param = false;
};

// The String parts of a name list (funcname, TypeName.names), in order.
std::vector<std::string> NameParts(const Json& names) {
  std::vector<std::string> parts;
  for (const Json& n : names)
    if (n.contains("String")) parts.push_back(n["String"].value("sval", ""));
  return parts;
}

void VisitFuncCall(const Json& call, Walk& walk) {
  std::vector<std::string> parts = NameParts(call.value("funcname", Json::array()));
  if (parts.empty()) return;
  FunctionName f;
  f.name = parts.back();
  if (parts.size() > 1) f.schema = parts[parts.size() - 2];
  walk.functions.push_back({call.value("location", -1), std::move(f)});
}

void VisitTypeCast(const Json& cast, Walk& walk) {
  const Json& type = cast.value("typeName", Json::object());
  std::vector<std::string> parts = NameParts(type.value("names", Json::array()));
  // The type name's own location: a typed literal (date '2024-01-01') has none on its cast.
  if (!parts.empty()) walk.cast_types.push_back({type.value("location", -1), parts.back()});
}

void VisitColumnRef(const Json& column_ref, Walk& walk) {
  const Json& fields = column_ref.value("fields", Json::array());
  if (fields.empty()) return;
  const Json& last = fields.back();  // t.col reads col; t.* and * read no named column
  if (!last.contains("String")) return;
  walk.refs.push_back({column_ref.value("location", -1), last["String"].value("sval", "")});
}

// Visits every node of the tree. Node types are the capitalised keys of the JSON
// (fields are lower case), so the walk needs no list of node shapes.
void WalkTree(const Json& node, Walk& walk) {
  if (node.is_array()) {
    for (const Json& child : node) WalkTree(child, walk);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (!key.empty() && std::isupper(static_cast<unsigned char>(key[0]))) {
      if (!IsConstantNode(key)) walk.only_constant_nodes = false;
      if (key == "ColumnRef") VisitColumnRef(value, walk);
      if (key == "SubLink") walk.has_subquery = true;
      if (key == "SelectStmt" && !value.value("fromClause", Json::array()).empty())
        walk.reads_other_rows = true;
      if (key == "ParamRef") walk.has_param = true;
      if (key == "FuncCall" || key == "SQLValueFunction") walk.has_function_call = true;
      if (key == "FuncCall") VisitFuncCall(value, walk);
      if (key == "SQLValueFunction") walk.reads_session_value = true;
      if (key == "TypeCast") VisitTypeCast(value, walk);
    }
    WalkTree(value, walk);
  }
}

// The JSON walk visits keys in sorted order, not in the order the text has them.
template <class T>
std::vector<T> InSourceOrderDeduplicated(std::vector<Located<T>> items) {
  std::stable_sort(items.begin(), items.end(), [](const Located<T>& a, const Located<T>& b) {
    return a.location < b.location;
  });
  std::vector<T> out;
  for (auto& item : items) {
    if (std::find(out.begin(), out.end(), item.value) == out.end()) {
      out.push_back(std::move(item.value));
    }
  }
  return out;
}

// A full SELECT used as an expression must yield one column to be a scalar sub-select.
Status CheckScalarSubselect(const Json& value) {
  const Json* select = nullptr;
  if (value.contains("SubLink") && value["SubLink"].contains("subselect")) {
    select = &value["SubLink"]["subselect"];
  }
  if (select == nullptr || !select->contains("SelectStmt")) return Status::Ok();
  const Json& targets = (*select)["SelectStmt"].value("targetList", Json::array());
  if (!targets.empty() && targets.size() != 1) {
    return Rejected("expression", "a SELECT used as an expression must return exactly one column");
  }
  return Status::Ok();
}

}  // namespace

namespace sql_internal {

Result<nlohmann::json> ExpressionTree(std::string_view expr) {
  Result<Json> stmts = ParseWrapped("expression", kExprPrefix, expr, kExprSuffix);
  if (!stmts.ok()) return stmts.status();
  return SoleTarget("expression", *stmts);
}

}  // namespace sql_internal

std::string FunctionName::Display() const { return schema.empty() ? name : schema + "." + name; }

std::string_view VolatilityName(Volatility v) {
  switch (v) {
    case Volatility::kImmutable:
      return "IMMUTABLE";
    case Volatility::kStable:
      return "STABLE";
    case Volatility::kVolatile:
      return "VOLATILE";
  }
  return "";
}

Result<ExprAnalysis> AnalyzeExpression(std::string_view expr) {
  Result<Json> stmts = ParseWrapped("expression", kExprPrefix, expr, kExprSuffix);
  if (!stmts.ok()) return stmts.status();
  Result<Json> value = SoleTarget("expression", *stmts);
  if (!value.ok()) return value.status();
  if (StartsWithQueryKeyword(expr)) PGPHASE_RETURN_IF_ERROR(CheckScalarSubselect(*value));

  Walk walk;
  WalkTree(*value, walk);
  // Embedded in a parameterised statement (a backfill batch), $n would silently read
  // that statement's own parameters.
  if (walk.has_param) return Rejected("expression", "parameters ($1, $2, ...) are not allowed");
  ExprAnalysis analysis;
  analysis.column_refs = InSourceOrderDeduplicated(std::move(walk.refs));
  analysis.has_subquery = walk.has_subquery;
  analysis.reads_other_rows = walk.reads_other_rows;
  analysis.has_function_call = walk.has_function_call;
  analysis.function_calls = InSourceOrderDeduplicated(std::move(walk.functions));
  analysis.reads_session_value = walk.reads_session_value;
  analysis.cast_types = InSourceOrderDeduplicated(std::move(walk.cast_types));
  analysis.is_constant = walk.only_constant_nodes;
  return analysis;
}

std::string EmbedExpression(std::string_view expr) {
  // A leading SELECT/WITH needs nothing more: in parentheses it is a scalar sub-select.
  return "(" + std::string(expr) + ")";
}

Status CheckTypeName(std::string_view type) {
  Result<Json> stmts = ParseWrapped("type", kTypePrefix, type, kTypeSuffix);
  if (!stmts.ok()) return stmts.status();
  Result<Json> value = SoleTarget("type", *stmts);
  if (!value.ok()) return value.status();
  const Status not_a_type = Rejected("type", "\"" + std::string(type) + "\" is not a type name");
  if (!value->contains("TypeCast")) return not_a_type;
  const Json& cast = (*value)["TypeCast"];
  const Json& arg = cast.value("arg", Json::object());
  if (!arg.contains("A_Const") || !arg["A_Const"].value("isnull", false)) return not_a_type;
  if (cast.value("typeName", Json::object()).value("setof", false)) {
    return Rejected("type", "SETOF is not a column type");
  }
  return Status::Ok();
}

}  // namespace pgphase
