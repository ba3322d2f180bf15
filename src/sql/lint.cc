#include "pgphase/lint.h"

#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "sql/parse_result.h"

namespace pgphase {
namespace {

using Json = nlohmann::json;

struct Rule {
  std::string_view id;
  Severity severity;
  std::string_view message;
  std::string_view safe;
};

// The fixed list, by id: what each finds and the safe form.
constexpr std::array<Rule, 20> kRules = {{
    {"create-index-not-concurrently", Severity::kError,
     "CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds",
     "create_index (CREATE INDEX CONCURRENTLY, outside a transaction)"},
    {"alter-column-type", Severity::kError,
     "ALTER COLUMN TYPE rewrites the table under ACCESS EXCLUSIVE",
     "alter_column with type, up and down (a shadow column, backfilled)"},
    {"validating-foreign-key", Severity::kError,
     "ADD FOREIGN KEY validates every row while both tables are locked",
     "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT (alter_column references)"},
    {"set-not-null", Severity::kError, "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE",
     "alter_column nullable: false (a NOT VALID check, validated, then SET NOT NULL)"},
    {"validating-check", Severity::kError, "ADD CHECK validates every row under ACCESS EXCLUSIVE",
     "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT (create_constraint)"},
    {"vacuum-full", Severity::kError,
     "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE; it has no online form",
     "plain VACUUM, or pg_repack"},
    {"volatile-default", Severity::kError,
     "ADD COLUMN with a volatile DEFAULT rewrites the table under ACCESS EXCLUSIVE",
     "add_column with the default (a nullable column, backfilled in batches)"},
    {"unique-constraint", Severity::kError, "ADD UNIQUE builds its index while writes are blocked",
     "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX "
     "(create_constraint type: unique)"},
    {"lock-table", Severity::kError, "LOCK TABLE blocks the application; it has no online form",
     "none: leave locking to the statements"},
    {"cluster", Severity::kError,
     "CLUSTER rewrites the table under ACCESS EXCLUSIVE; it has no online form", "pg_repack"},
    {"add-primary-key", Severity::kError,
     "ADD PRIMARY KEY builds its index while the table is locked",
     "CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX "
     "(create_constraint type: primary_key)"},
    {"reindex", Severity::kError, "REINDEX blocks writes while it rebuilds",
     "REINDEX CONCURRENTLY (outside a transaction)"},
    {"truncate", Severity::kError, "TRUNCATE deletes every row under ACCESS EXCLUSIVE",
     "DELETE in batches, if at all"},
    {"drop-without-if-exists", Severity::kWarning, "DROP without IF EXISTS fails when run again",
     "DROP ... IF EXISTS"},
    {"generated-stored-column", Severity::kError,
     "ADD COLUMN ... GENERATED ... STORED rewrites the table under ACCESS EXCLUSIVE",
     "add_column with up (a plain column filled by the sync trigger and the backfill)"},
    {"json-type", Severity::kWarning, "json has no equality operator and is reparsed on every use",
     "jsonb"},
    {"refresh-not-concurrently", Severity::kError,
     "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks its readers",
     "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)"},
    {"rename", Severity::kError,
     "RENAME of a table or column breaks the application that uses the old name",
     "rename_table or rename_column (both names work until contract)"},
    {"wide-index", Severity::kWarning, "an index of more than three columns is rarely used fully",
     "an index of the leading columns the queries filter on"},
    {"syntax", Severity::kError, "the SQL does not parse", "fix the SQL"},
}};

LintFinding Found(std::string_view id, int offset) {
  for (const Rule& r : kRules) {
    if (r.id == id)
      return {std::string(r.id), r.severity, offset, std::string(r.message), std::string(r.safe)};
  }
  return {std::string(id), Severity::kError, offset, "", ""};
}

bool HasOption(const Json& list, std::string_view name) {
  if (!list.is_array()) return false;
  for (const Json& o : list)
    if (o.contains("DefElem") && o["DefElem"].value("defname", "") == name) return true;
  return false;
}

// A FuncCall to a function PostgreSQL marks volatile, anywhere in the expression.
bool CallsVolatile(const Json& node) {
  static constexpr std::array<std::string_view, 7> kVolatile = {
      "random",    "gen_random_uuid", "uuid_generate_v4", "clock_timestamp",
      "timeofday", "nextval",         "uuid_generate_v1"};
  if (node.is_object() && node.contains("FuncCall")) {
    const Json& names = node["FuncCall"].value("funcname", Json::array());
    if (!names.empty()) {
      const std::string last = names.back().value("String", Json::object()).value("sval", "");
      for (auto v : kVolatile)
        if (last == v) return true;
    }
  }
  if (node.is_object() || node.is_array()) {
    for (const Json& child : node)
      if (CallsVolatile(child)) return true;
  }
  return false;
}

bool IsJson(const Json& column_def) {
  const Json& names = column_def.value("typeName", Json::object()).value("names", Json::array());
  return names.size() == 1 && names[0].value("String", Json::object()).value("sval", "") == "json";
}

void CheckColumnDef(const Json& def, int at, std::vector<LintFinding>& out) {
  if (IsJson(def)) out.push_back(Found("json-type", at));
  for (const Json& c : def.value("constraints", Json::array())) {
    const Json& k = c.value("Constraint", Json::object());
    const std::string type = k.value("contype", "");
    if (type == "CONSTR_GENERATED") out.push_back(Found("generated-stored-column", at));
    if (type == "CONSTR_DEFAULT" && CallsVolatile(k.value("raw_expr", Json())))
      out.push_back(Found("volatile-default", at));
  }
}

void CheckConstraint(const Json& k, int at, std::vector<LintFinding>& out) {
  const std::string type = k.value("contype", "");
  const bool using_index = k.contains("indexname");
  if (type == "CONSTR_FOREIGN" && !k.value("skip_validation", false))
    out.push_back(Found("validating-foreign-key", at));
  if (type == "CONSTR_CHECK" && !k.value("skip_validation", false))
    out.push_back(Found("validating-check", at));
  if (type == "CONSTR_UNIQUE" && !using_index) out.push_back(Found("unique-constraint", at));
  if (type == "CONSTR_PRIMARY" && !using_index) out.push_back(Found("add-primary-key", at));
}

void CheckAlterTable(const Json& s, int at, std::vector<LintFinding>& out) {
  for (const Json& entry : s.value("cmds", Json::array())) {
    const Json& cmd = entry.value("AlterTableCmd", Json::object());
    const std::string sub = cmd.value("subtype", "");
    const Json& def = cmd.value("def", Json::object());
    if (sub == "AT_AlterColumnType") out.push_back(Found("alter-column-type", at));
    if (sub == "AT_SetNotNull") out.push_back(Found("set-not-null", at));
    if (sub == "AT_AddColumn" && def.contains("ColumnDef"))
      CheckColumnDef(def["ColumnDef"], at, out);
    if (sub == "AT_AddConstraint" && def.contains("Constraint"))
      CheckConstraint(def["Constraint"], at, out);
  }
}

// "schema.name" (schema "" when unqualified) of a RangeVar.
std::string RelationKey(const Json& range_var) {
  return range_var.value("schemaname", "") + "." + range_var.value("relname", "");
}

// The table a statement acts on, when it is one this SQL created before it: the application
// cannot be using it yet, so what locks or rewrites it is harmless.
bool OnNewTable(const Json& stmt, const std::set<std::string>& created) {
  for (const char* type : {"IndexStmt", "AlterTableStmt", "RenameStmt"}) {
    if (stmt.contains(type) && stmt[type].contains("relation"))
      return created.count(RelationKey(stmt[type]["relation"])) > 0;
  }
  return false;
}

void CheckStatement(const Json& stmt, int at, std::vector<LintFinding>& out) {
  if (stmt.contains("IndexStmt")) {
    const Json& s = stmt["IndexStmt"];
    if (!s.value("concurrent", false)) out.push_back(Found("create-index-not-concurrently", at));
    if (s.value("indexParams", Json::array()).size() > 3) out.push_back(Found("wide-index", at));
  }
  if (stmt.contains("AlterTableStmt")) CheckAlterTable(stmt["AlterTableStmt"], at, out);
  if (stmt.contains("VacuumStmt") && HasOption(stmt["VacuumStmt"].value("options", Json()), "full"))
    out.push_back(Found("vacuum-full", at));
  if (stmt.contains("LockStmt")) out.push_back(Found("lock-table", at));
  if (stmt.contains("ClusterStmt")) out.push_back(Found("cluster", at));
  if (stmt.contains("ReindexStmt") &&
      !HasOption(stmt["ReindexStmt"].value("params", Json()), "concurrently"))
    out.push_back(Found("reindex", at));
  if (stmt.contains("TruncateStmt")) out.push_back(Found("truncate", at));
  if (stmt.contains("DropStmt") && !stmt["DropStmt"].value("missing_ok", false))
    out.push_back(Found("drop-without-if-exists", at));
  if (stmt.contains("RefreshMatViewStmt") && !stmt["RefreshMatViewStmt"].value("concurrent", false))
    out.push_back(Found("refresh-not-concurrently", at));
  if (stmt.contains("RenameStmt")) {
    const std::string type = stmt["RenameStmt"].value("renameType", "");
    if (type == "OBJECT_COLUMN" || type == "OBJECT_TABLE") out.push_back(Found("rename", at));
  }
  if (stmt.contains("CreateStmt")) {
    for (const Json& e : stmt["CreateStmt"].value("tableElts", Json::array()))
      if (e.contains("ColumnDef") && IsJson(e["ColumnDef"])) out.push_back(Found("json-type", at));
  }
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

std::vector<LintFinding> LintSql(std::string_view sql) {
  const sql_internal::ParseResult parsed{std::string(sql)};
  std::vector<LintFinding> out;
  if (parsed.get().error != nullptr) {
    LintFinding f =
        Found("syntax", parsed.get().error->cursorpos > 0 ? parsed.get().error->cursorpos - 1 : 0);
    f.message += std::string(": ") + parsed.get().error->message;
    return {f};
  }
  const Json tree = Json::parse(parsed.get().parse_tree, nullptr, /*allow_exceptions=*/false);
  std::set<std::string> created;
  for (const Json& entry : tree.value("stmts", Json::array())) {
    const Json& stmt = entry.value("stmt", Json::object());
    if (stmt.contains("CreateStmt")) created.insert(RelationKey(stmt["CreateStmt"]["relation"]));
    if (OnNewTable(stmt, created)) continue;
    int at = entry.value("stmt_location", 0);
    // The statement's text starts after the whitespace before it.
    while (at < static_cast<int>(sql.size()) && std::isspace(static_cast<unsigned char>(sql[at])))
      ++at;
    CheckStatement(stmt, at, out);
  }
  return out;
}

bool IsLintRule(std::string_view rule) {
  for (const Rule& r : kRules)
    if (r.id == rule) return true;
  return false;
}

std::pair<int, int> LineColumnAt(std::string_view text, int offset) {
  int line = 1, column = 1;
  for (int i = 0; i < offset && i < static_cast<int>(text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace pgphase
