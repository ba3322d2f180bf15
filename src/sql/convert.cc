// ConvertSql: each statement of plain DDL as the operations that do it online (convert.h).
// The parse tree says what a statement does; the text between the offsets it gives is kept as
// written for types and expressions (sql_text.h).
#include "pgphase/convert.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "pgphase/lint.h"
#include "pgphase/sql.h"
#include "pgphase/sql_text.h"
#include "sql/parse_result.h"

namespace pgphase {
namespace {

using Json = nlohmann::json;
using sqltext::AfterWord;
using sqltext::AfterWordBefore;
using sqltext::ClauseEnd;
using sqltext::Trimmed;

// ---- YAML ----

std::string Quoted(std::string_view s) {
  return Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A name or keyword, plain when YAML reads it back as the same string.
std::string Scalar(std::string_view s) {
  static const std::regex kPlain("[A-Za-z_][A-Za-z0-9_]*");
  static const std::regex kYamlWords("(?:true|false|null|yes|no|on|off|y|n)",
                                     std::regex_constants::icase);
  const std::string str(s);
  if (std::regex_match(str, kPlain) && !std::regex_match(str, kYamlWords)) return str;
  return Quoted(s);
}

std::string Line(int indent, std::string_view key, const std::string& value,
                 std::string_view comment = "") {
  std::string out = std::string(indent, ' ') + std::string(key) + ":";
  if (!value.empty()) out += " " + value;
  if (!comment.empty()) out += "  # " + std::string(comment);
  return out + "\n";
}

std::string NameList(const Json& strings) {
  std::string out;
  for (const Json& s : strings)
    out += (out.empty() ? "" : ", ") + Scalar(s.value("String", Json::object()).value("sval", ""));
  return "[" + out + "]";
}

// A column name as SQL: bare when the parser reads it back as that column, else quoted.
std::string SqlName(const std::string& name) {
  const sql_internal::ParseResult parsed{"SELECT " + name};
  if (parsed.get().error == nullptr) {
    const Json tree = Json::parse(parsed.get().parse_tree, nullptr, false);
    const Json expected = {{"String", {{"sval", name}}}};
    const std::string dump = tree.dump();
    if (dump.find("\"ColumnRef\":{\"fields\":[" + expected.dump() + "]") != std::string::npos)
      return name;
  }
  return QuoteIdent(name);
}

// ---- the statement being converted ----

struct Source {
  std::string_view text;  // the whole file
  size_t end;             // where the statement ends
};

// "" for a table in the default schema (unqualified or public); nullopt for another schema:
// the migration's operations name tables of one schema (settings.schema).
std::optional<std::string> TableName(const Json& range_var) {
  const std::string schema = range_var.value("schemaname", "");
  if (!schema.empty() && schema != "public") return std::nullopt;
  return range_var.value("relname", "");
}

int Location(const Json& node) { return node.value("location", -1); }

// The smallest location in an expression's tree: where its text starts (or just inside a
// parenthesis that opens it).
int FirstLocation(const Json& node) {
  int best = -1;
  if (node.is_object() && node.contains("location") && node["location"].is_number())
    best = node["location"].get<int>();
  if (node.is_object() || node.is_array()) {
    for (const Json& child : node) {
      const int c = FirstLocation(child);
      if (c >= 0 && (best < 0 || c < best)) best = c;
    }
  }
  return best;
}

// The text inside the parentheses that follow `word` at or after `from`: CHECK (...).
std::optional<std::string> ParenthesizedAfter(const Source& src, size_t from,
                                              std::string_view word) {
  const size_t after = AfterWord(src.text, from, src.end, word);
  if (after == std::string_view::npos) return std::nullopt;
  const size_t open = src.text.find('(', after);
  if (open == std::string_view::npos || open >= src.end) return std::nullopt;
  return Trimmed(src.text, open + 1, ClauseEnd(src.text, open + 1, {}));
}

std::string_view FkAction(const Json& c, const char* key) {
  const std::string a = c.value(key, "a");
  if (a == "r") return "RESTRICT";
  if (a == "c") return "CASCADE";
  if (a == "n") return "SET NULL";
  if (a == "d") return "SET DEFAULT";
  return "";
}

std::string FkActions(const Json& c, int indent) {
  std::string out;
  if (auto a = FkAction(c, "fk_del_action"); !a.empty())
    out += Line(indent, "on_delete", Scalar(a));
  if (auto a = FkAction(c, "fk_upd_action"); !a.empty())
    out += Line(indent, "on_update", Scalar(a));
  return out;
}

// ---- ALTER TABLE commands ----

const std::initializer_list<std::string_view> kAfterType = {
    "NOT",     "NULL",       "DEFAULT",   "CONSTRAINT", "CHECK", "UNIQUE",
    "PRIMARY", "REFERENCES", "GENERATED", "COLLATE",    "USING"};

// The column's type as written: up to its first constraint or clause.
std::string TypeText(const Source& src, const Json& column_def) {
  const int at = Location(column_def.value("typeName", Json::object()));
  size_t end = ClauseEnd(src.text, at, kAfterType);
  for (const Json& c : column_def.value("constraints", Json::array())) {
    const int loc = Location(c.value("Constraint", Json::object()));
    if (loc > at && static_cast<size_t>(loc) < end) end = loc;
  }
  return Trimmed(src.text, at, end);
}

// A column constraint's text after its keyword, up to the next constraint.
std::string ConstraintText(const Source& src, const Json& constraints, size_t i, size_t skip) {
  const size_t from = Location(constraints[i]["Constraint"]) + skip;
  size_t end = ClauseEnd(src.text, from, {});
  if (i + 1 < constraints.size())
    end = std::min<size_t>(end, Location(constraints[i + 1]["Constraint"]));
  return Trimmed(src.text, from, end);
}

std::optional<std::string> ColumnConstraint(const Source& src, const std::string& table,
                                            const std::string& column, const Json& constraints,
                                            size_t i, bool new_table, bool* nullable) {
  const Json& c = constraints[i]["Constraint"];
  const std::string type = c.value("contype", "");
  const std::string guess = "guess: the SQL gives no name";
  if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") *nullable = false;
  if (type == "CONSTR_NOTNULL" || type == "CONSTR_NULL") return "";
  if (type == "CONSTR_PRIMARY") return Line(8, "pk", "true");
  if (type == "CONSTR_UNIQUE") return Line(8, "unique", "true");
  if (type == "CONSTR_DEFAULT")
    return Line(8, "default", Quoted(ConstraintText(src, constraints, i, 7)));
  if (type == "CONSTR_CHECK") {
    auto expr = ParenthesizedAfter(src, Location(c), "CHECK");
    if (!expr) return std::nullopt;
    const std::string name = c.value("conname", table + "_" + column + "_check");
    return Line(8, "check", "") +
           Line(10, "name", Scalar(name), c.contains("conname") ? "" : guess) +
           Line(10, "constraint", Quoted(*expr));
  }
  if (type == "CONSTR_FOREIGN" && c.value("pk_attrs", Json::array()).size() == 1) {
    auto ref = TableName(c["pktable"]);
    if (!ref) return std::nullopt;
    const std::string name = c.value("conname", table + "_" + column + "_fkey");
    return Line(8, "references", "") +
           Line(10, "name", Scalar(name), c.contains("conname") ? "" : guess) +
           Line(10, "table", Scalar(*ref)) +
           Line(10, "column", Scalar(c["pk_attrs"][0]["String"].value("sval", ""))) +
           FkActions(c, 10);
  }
  // Added to a table with rows, a generated or identity column rewrites it: it stays SQL, with
  // its lint finding. A new table has no rows.
  if ((type == "CONSTR_GENERATED" || type == "CONSTR_IDENTITY") && !new_table) return std::nullopt;
  if (type == "CONSTR_GENERATED") {
    auto expr = ParenthesizedAfter(src, Location(c), "AS");
    if (!expr) return std::nullopt;
    return Line(8, "generated", "") + Line(10, "expression", Quoted(*expr));
  }
  if (type == "CONSTR_IDENTITY") {
    *nullable = false;  // an identity column is NOT NULL
    const bool always = c.value("generated_when", "a") == "a";
    std::string out = Line(8, "generated", "") + Line(10, "identity", "") +
                      Line(12, "user_specified_values", always ? "ALWAYS" : Quoted("BY DEFAULT"));
    if (c.contains("options")) {
      auto options = ParenthesizedAfter(src, Location(c), "IDENTITY");
      if (!options) return std::nullopt;
      out += Line(12, "sequence_options", Quoted(*options));
    }
    return out;
  }
  return std::nullopt;  // a foreign key of several columns
}

// A column's keys at indent 8, `name` first and `nullable` last; whether it has a value for the
// rows (a default, or it is generated).
std::optional<std::string> ColumnBody(const Source& src, const std::string& table, const Json& def,
                                      bool new_table, bool* nullable, bool* filled) {
  const std::string column = def.value("colname", "");
  std::string body = Line(8, "name", Scalar(column)) + Line(8, "type", Scalar(TypeText(src, def)));
  const Json& constraints = def.value("constraints", Json::array());
  *nullable = true;
  *filled = false;
  for (size_t i = 0; i < constraints.size(); ++i) {
    auto part = ColumnConstraint(src, table, column, constraints, i, new_table, nullable);
    if (!part) return std::nullopt;
    body += *part;
    const std::string type = constraints[i]["Constraint"].value("contype", "");
    *filled = *filled || type == "CONSTR_DEFAULT" || type == "CONSTR_IDENTITY" ||
              type == "CONSTR_GENERATED";
  }
  return body + Line(8, "nullable", *nullable ? "true" : "false");
}

// Keys written at indent 8 as one entry of a list at indent 6.
std::string ListEntry(const std::string& body) { return "      - " + body.substr(8); }

std::optional<std::string> AddColumn(const Source& src, const std::string& table, const Json& def) {
  bool nullable = true, filled = false;
  auto body = ColumnBody(src, table, def, false, &nullable, &filled);
  if (!body) return std::nullopt;
  std::string out = "  - add_column:\n" + Line(6, "table", Scalar(table));
  if (!nullable && !filled)
    out += Line(6, "up", Quoted("NULL"),
                "guess: existing rows need a value for this NOT NULL column: write the "
                "expression that computes it from the row");
  return out + Line(6, "column", "") + *body;
}

std::string AlterColumn(const std::string& table, const std::string& column) {
  return "  - alter_column:\n" + Line(6, "table", Scalar(table)) +
         Line(6, "column", Scalar(column));
}

std::optional<std::string> AlterType(const Source& src, const std::string& table, const Json& cmd) {
  const std::string column = cmd.value("name", "");
  const Json& def = cmd["def"]["ColumnDef"];
  const std::string type = TypeText(src, def);
  const size_t type_at = Location(def["typeName"]);
  std::string up = fmt::format("CAST({} AS {})", SqlName(column), type);
  std::string up_note = "the cast ALTER COLUMN TYPE makes";
  if (def.contains("raw_default")) {
    const size_t from = AfterWord(src.text, type_at, src.end, "USING");
    if (from == std::string_view::npos) return std::nullopt;
    up = Trimmed(src.text, from, ClauseEnd(src.text, from, {}));
    up_note = "";
  }
  return AlterColumn(table, column) + Line(6, "type", Scalar(type)) +
         Line(6, "up", Quoted(up), up_note) +
         Line(6, "down", Quoted(SqlName(column)),
              "guess: the old type is not in the SQL; the old column takes the new value by its "
              "assignment cast: write CAST(... AS old type) where there is none");
}

std::optional<std::string> SetDefault(const Source& src, const std::string& table,
                                      const Json& cmd) {
  const std::string head = AlterColumn(table, cmd.value("name", ""));
  if (!cmd.contains("def")) return head + Line(6, "default", "null");
  const int first = FirstLocation(cmd["def"]);
  if (first < 0) return std::nullopt;
  const size_t from = AfterWordBefore(src.text, first, "DEFAULT");
  if (from == std::string_view::npos) return std::nullopt;
  return head + Line(6, "default", Quoted(Trimmed(src.text, from, ClauseEnd(src.text, from, {}))));
}

// A constraint's name, or the one PostgreSQL would choose, marked as a guess.
std::string ConstraintName(const Json& c, const std::string& table, const char* suffix, int in) {
  if (c.contains("conname")) return Line(in, "name", Scalar(c.value("conname", "")));
  // PostgreSQL's choice: <table>_pkey, <table>_<columns>_key or _fkey, <table>_check.
  std::string cols;
  for (const Json& k : c.value(c.contains("fk_attrs") ? "fk_attrs" : "keys", Json::array()))
    cols += "_" + k["String"].value("sval", "");
  const std::string s(suffix);
  const std::string name = table + (s == "check" || s == "pkey" ? "" : cols) + "_" + s;
  return Line(in, "name", Scalar(name),
              "guess: the SQL gives no name; this is the one PostgreSQL would choose");
}

// A table constraint's keys at indent `in`, `type` first.
std::optional<std::string> ConstraintBody(const Source& src, const std::string& table,
                                          const Json& c, int in) {
  const std::string type = c.value("contype", "");
  if (c.contains("indexname")) return std::nullopt;  // USING INDEX: already online
  if (type == "CONSTR_CHECK") {
    auto expr = ParenthesizedAfter(src, Location(c), "CHECK");
    if (!expr) return std::nullopt;
    return Line(in, "type", "check") + ConstraintName(c, table, "check", in) +
           Line(in, "check", Quoted(*expr));
  }
  if (type == "CONSTR_UNIQUE" || type == "CONSTR_PRIMARY") {
    const bool pk = type == "CONSTR_PRIMARY";
    return Line(in, "type", pk ? "primary_key" : "unique") +
           ConstraintName(c, table, pk ? "pkey" : "key", in) +
           Line(in, "columns", NameList(c["keys"]));
  }
  if (type == "CONSTR_FOREIGN" && c.contains("pk_attrs")) {
    auto ref = TableName(c["pktable"]);
    if (!ref) return std::nullopt;
    return Line(in, "type", "foreign_key") + ConstraintName(c, table, "fkey", in) +
           Line(in, "columns", NameList(c["fk_attrs"])) + Line(in, "references", "") +
           Line(in + 2, "table", Scalar(*ref)) + Line(in + 2, "columns", NameList(c["pk_attrs"])) +
           FkActions(c, in + 2);
  }
  return std::nullopt;
}

std::optional<std::string> AddConstraint(const Source& src, const std::string& table,
                                         const Json& c) {
  auto body = ConstraintBody(src, table, c, 6);
  if (!body) return std::nullopt;
  return "  - create_constraint:\n" + Line(6, "table", Scalar(table)) + *body;
}

std::optional<std::string> AlterTableCmd(const Source& src, const std::string& table,
                                         const Json& cmd) {
  const std::string sub = cmd.value("subtype", "");
  const std::string column = cmd.value("name", "");
  const Json& def = cmd.value("def", Json::object());
  if (sub == "AT_AddColumn" && def.contains("ColumnDef"))
    return AddColumn(src, table, def["ColumnDef"]);
  if (sub == "AT_AlterColumnType") return AlterType(src, table, cmd);
  if (sub == "AT_SetNotNull")
    return AlterColumn(table, column) +
           Line(6, "nullable", "false",
                "rows that are NULL stop validate: give `up: COALESCE(...)` to fill them");
  if (sub == "AT_DropNotNull") return AlterColumn(table, column) + Line(6, "nullable", "true");
  if (sub == "AT_ColumnDefault") return SetDefault(src, table, cmd);
  if (sub == "AT_AddConstraint" && def.contains("Constraint"))
    return AddConstraint(src, table, def["Constraint"]);
  if (sub == "AT_DropColumn" && !cmd.value("missing_ok", false))
    return "  - drop_column:\n" + Line(6, "table", Scalar(table)) +
           Line(6, "column", Scalar(column));
  if (sub == "AT_DropConstraint")
    return "  - drop_multicolumn_constraint:\n" + Line(6, "table", Scalar(table)) +
           Line(6, "name", Scalar(column));
  return std::nullopt;
}

std::optional<std::string> AlterTable(const Source& src, const Json& s) {
  auto table = TableName(s["relation"]);
  if (!table || s.value("objtype", "") != "OBJECT_TABLE") return std::nullopt;
  std::string out;
  for (const Json& entry : s.value("cmds", Json::array())) {
    auto op = AlterTableCmd(src, *table, entry.value("AlterTableCmd", Json::object()));
    if (!op) return std::nullopt;  // one part pgphase cannot express: the whole statement as SQL
    out += *op;
  }
  return out;
}

// ---- other statements ----

// CREATE TABLE as create_table: its columns, and its table constraints. A partitioned,
// inherited, typed, temporary or unlogged table has no create_table form.
std::optional<std::string> CreateTable(const Source& src, const Json& s) {
  auto table = TableName(s["relation"]);
  if (!table || s.contains("inhRelations") || s.contains("partspec") || s.contains("partbound") ||
      s.contains("ofTypename") || s["relation"].value("relpersistence", "p") != "p")
    return std::nullopt;
  std::string columns, constraints;
  for (const Json& e : s.value("tableElts", Json::array())) {
    std::optional<std::string> body;
    bool nullable = true, filled = false;
    if (e.contains("ColumnDef")) {
      body = ColumnBody(src, *table, e["ColumnDef"], true, &nullable, &filled);
      if (body) columns += ListEntry(*body);
    } else if (e.contains("Constraint")) {
      body = ConstraintBody(src, *table, e["Constraint"], 8);
      if (body) constraints += ListEntry(*body);
    }
    if (!body) return std::nullopt;
  }
  return "  - create_table:\n" + Line(6, "name", Scalar(*table)) + Line(6, "columns", "") +
         columns + (constraints.empty() ? "" : Line(6, "constraints", "") + constraints);
}

std::optional<std::string> Rename(const Json& s) {
  auto table = TableName(s.value("relation", Json::object()));
  const std::string type = s.value("renameType", "");
  const std::string to = s.value("newname", "");
  if (!table) return std::nullopt;
  if (type == "OBJECT_COLUMN")
    return "  - rename_column:\n" + Line(6, "table", Scalar(*table)) +
           Line(6, "from", Scalar(s.value("subname", ""))) + Line(6, "to", Scalar(to));
  if (type == "OBJECT_TABLE")
    return "  - rename_table:\n" + Line(6, "from", Scalar(*table)) + Line(6, "to", Scalar(to));
  if (type == "OBJECT_TABCONSTRAINT")
    return "  - rename_constraint:\n" + Line(6, "table", Scalar(*table)) +
           Line(6, "from", Scalar(s.value("subname", ""))) + Line(6, "to", Scalar(to));
  return std::nullopt;
}

std::optional<std::string> CreateIndex(const Source& src, const Json& s, size_t begin) {
  auto table = TableName(s["relation"]);
  if (!table || !s.contains("idxname") || s.contains("indexIncludingParams")) return std::nullopt;
  std::string columns;
  for (const Json& p : s.value("indexParams", Json::array())) {
    const Json& e = p.value("IndexElem", Json::object());
    if (!e.contains("name") || e.contains("collation") || e.contains("opclass"))
      return std::nullopt;
    const std::string order = e.value("ordering", "");
    if (order != "SORTBY_DEFAULT" || e.value("nulls_ordering", "") != "SORTBY_NULLS_DEFAULT")
      return std::nullopt;
    columns += (columns.empty() ? "" : ", ") + Scalar(e.value("name", ""));
  }
  std::string out = "  - create_index:\n" + Line(6, "name", Scalar(s.value("idxname", ""))) +
                    Line(6, "table", Scalar(*table)) + Line(6, "columns", "[" + columns + "]");
  if (s.value("unique", false)) out += Line(6, "unique", "true");
  if (const std::string m = s.value("accessMethod", "btree"); m != "btree")
    out += Line(6, "method", Scalar(m));
  if (s.contains("whereClause")) {
    const size_t from = AfterWord(src.text, begin, src.end, "WHERE");
    if (from == std::string_view::npos) return std::nullopt;
    out += Line(6, "predicate", Quoted(Trimmed(src.text, from, src.end)));
  }
  return out;
}

std::optional<std::string> Drop(const Json& s) {
  const std::string type = s.value("removeType", "");
  if (s.value("behavior", "") == "DROP_CASCADE") return std::nullopt;
  if (type != "OBJECT_INDEX" && type != "OBJECT_TABLE") return std::nullopt;
  std::string out;
  for (const Json& object : s.value("objects", Json::array())) {
    const Json& names = object.value("List", Json::object()).value("items", Json::array());
    if (names.empty() || names.size() > 2) return std::nullopt;
    if (names.size() == 2 && names[0]["String"].value("sval", "") != "public") return std::nullopt;
    const std::string name = names.back()["String"].value("sval", "");
    out += type == "OBJECT_INDEX" ? "  - drop_index:\n" : "  - drop_table:\n";
    out += Line(6, "name", Scalar(name));
  }
  return out;
}

// REINDEX ... CONCURRENTLY, which pgphase runs alone, outside a transaction.
std::optional<std::string> Reindex(const std::string& text, const Json& s) {
  const std::string kind = s.value("kind", "");
  if (kind == "REINDEX_OBJECT_SYSTEM") return std::nullopt;
  std::string sql = text;
  if (s.dump().find("concurrently") == std::string::npos) {
    static const std::regex kKind(
        "^(\\s*REINDEX\\s+(?:\\([^)]*\\)\\s*)?(?:INDEX|TABLE|SCHEMA|DATABASE))",
        std::regex_constants::icase);
    std::smatch m;
    if (!std::regex_search(text, m, kKind)) return std::nullopt;
    sql = m.str(1) + " CONCURRENTLY" + text.substr(m.length(1));
  }
  return "  - sql:\n" + Line(6, "up", Quoted(sql), "REINDEX made CONCURRENTLY (it runs alone)");
}

// A statement pgphase has no operation for: as written, with what lint says about it.
std::string AsSql(const std::string& text) {
  std::string out = "  - sql:\n";
  for (const LintFinding& f : LintSql(text))
    out += fmt::format("      # lint: {} {}: {}; safe: {}\n", SeverityName(f.severity), f.rule,
                       f.message, f.safe);
  return out + Line(6, "up", Quoted(text));
}

std::string ConvertStatement(const Source& src, const Json& stmt, const std::string& text,
                             size_t begin) {
  std::optional<std::string> op;
  if (stmt.contains("CreateStmt")) op = CreateTable(src, stmt["CreateStmt"]);
  if (stmt.contains("AlterTableStmt")) op = AlterTable(src, stmt["AlterTableStmt"]);
  if (stmt.contains("RenameStmt")) op = Rename(stmt["RenameStmt"]);
  if (stmt.contains("IndexStmt")) op = CreateIndex(src, stmt["IndexStmt"], begin);
  if (stmt.contains("DropStmt")) op = Drop(stmt["DropStmt"]);
  if (stmt.contains("ReindexStmt")) op = Reindex(text, stmt["ReindexStmt"]);
  return op ? *op : AsSql(text);
}

}  // namespace

Result<std::string> ConvertSql(std::string_view sql, std::string_view file) {
  const std::string text(sql);
  const sql_internal::ParseResult parsed{text};
  if (parsed.get().error != nullptr) {
    const auto [line, column] = LineColumnAt(text, std::max(0, parsed.get().error->cursorpos - 1));
    return Status::Invalid(fmt::format("{}:{}:{}: the SQL does not parse: {}", file, line, column,
                                       parsed.get().error->message));
  }
  const Json tree = Json::parse(parsed.get().parse_tree, nullptr, false);
  std::string out = fmt::format(
      "# converted from {} by pgphase convert: review every `guess:`\noperations:\n", file);
  int count = 0;
  for (const Json& entry : tree.value("stmts", Json::array())) {
    if (!entry.contains("stmt")) continue;
    const size_t begin = entry.value("stmt_location", 0);
    const size_t len = entry.value("stmt_len", 0);
    const size_t end = len == 0 ? text.size() : begin + len;
    out += ConvertStatement({text, end}, entry["stmt"], Trimmed(text, begin, end), begin);
    ++count;
  }
  if (count == 0) return Status::Invalid(std::string(file) + ": no SQL statement in it");
  return out;
}

}  // namespace pgphase
