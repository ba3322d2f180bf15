#include "pgphase/ddl_table.h"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "pgphase/sql.h"
#include "sql/clauses.h"
#include "sql/parse_result.h"

namespace pgphase::ddl {
namespace {

using Json = nlohmann::json;

std::string Deferral(bool deferrable, bool initially_deferred) {
  if (!deferrable) return "";
  return initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string IndexTail(const std::vector<std::string>& include, const std::string& params) {
  std::string out;
  if (!include.empty()) out += " INCLUDE (" + JoinQuoted(include) + ")";
  if (!params.empty()) out += " WITH (" + params + ")";
  return out;
}

std::string ColumnClause(const ColumnDef& c) {
  std::string out = ColumnCoreClause(c);
  if (c.unique) out += " UNIQUE";
  if (!c.check_name.empty()) {
    out += fmt::format(" CONSTRAINT {} CHECK {}{}", Q(c.check_name), c.check_expr,
                       c.check_no_inherit ? " NO INHERIT" : "");
  }
  if (c.fk) out += fmt::format(" CONSTRAINT {} {}", Q(c.fk_name), ReferencesClause(*c.fk));
  return out;
}

bool SameRel(const Rel& a, const Rel& b) { return a.schema == b.schema && a.name == b.name; }

// --- parser checks ---

using sql_internal::ParseResult;
using sql_internal::Rejected;

// Parses `sql`; returns its "stmts" array.
Result<Json> Parse(std::string_view what, const std::string& sql) {
  if (sql.find('\0') != std::string::npos) return Rejected(what, "contains a NUL byte");
  ParseResult parsed(sql);
  if (parsed.get().error) {
    const PgQueryError& e = *parsed.get().error;
    return Rejected(what, e.message ? e.message : "parse error");
  }
  Json tree = Json::parse(parsed.get().parse_tree, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) return Rejected(what, "the parser returned an unreadable tree");
  return tree.value("stmts", Json::array());
}

bool OnlyKeys(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return false;
  return true;
}

// The one statement of `stmts`, of node type `type`, covering the whole input; else null.
const Json* SoleStatement(const Json& stmts, const char* type) {
  if (!stmts.is_array() || stmts.size() != 1) return nullptr;
  const Json& entry = stmts[0];
  if (entry.value("stmt_len", 0) != 0 || !entry.contains("stmt")) return nullptr;
  if (!entry["stmt"].contains(type)) return nullptr;
  return &entry["stmt"][type];
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// A CREATE TABLE x (a int ...) with `fragment` inside, and nothing else.
Status CheckInCreateTable(std::string_view what, const std::string& sql) {
  Result<Json> stmts = Parse(what, sql);
  if (!stmts.ok()) return stmts.status();
  const Json* create = SoleStatement(*stmts, "CreateStmt");
  if (create == nullptr || !OnlyKeys(*create, {"relation", "tableElts", "options", "oncommit"}) ||
      create->value("tableElts", Json::array()).size() != 1) {
    return Rejected(what, "must be exactly that, with no other SQL around it");
  }
  return Status::Ok();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Why a statement cannot run inside pgphase's transaction, or "".
bool IsReindexConcurrently(const Json& stmt) {
  return stmt.contains("ReindexStmt") &&
         Lower(stmt.dump()).find("concurrently") != std::string::npos;
}

std::string NotInTransaction(const Json& stmt) {
  if (stmt.contains("TransactionStmt"))
    return "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT) is not allowed: pgphase "
           "runs the statements in one transaction of its own";
  for (const char* type : {"VacuumStmt", "CreatedbStmt", "DropdbStmt", "AlterSystemStmt",
                           "CreateTableSpaceStmt", "DropTableSpaceStmt"}) {
    if (stmt.contains(type)) return fmt::format("{} cannot run inside a transaction block", type);
  }
  if (stmt.contains("IndexStmt") && stmt["IndexStmt"].value("concurrent", false))
    return "CREATE INDEX CONCURRENTLY cannot run inside a transaction block; use create_index";
  if (stmt.contains("DropStmt") && stmt["DropStmt"].value("concurrent", false))
    return "DROP INDEX CONCURRENTLY cannot run inside a transaction block; use drop_index";
  if (IsReindexConcurrently(stmt))
    return "REINDEX CONCURRENTLY cannot run inside a transaction block with other statements; "
           "give it a sql operation of its own";
  return "";
}

// "a"."b" from a list of String nodes (a qualified name as the parser gives it).
std::optional<std::string> QualifiedName(const Json& names) {
  if (!names.is_array() || names.empty()) return std::nullopt;
  std::string out;
  for (const Json& n : names) {
    if (!n.contains("String")) return std::nullopt;
    out += (out.empty() ? "" : ".") + Q(n["String"].value("sval", ""));
  }
  return out;
}

std::optional<std::string> RangeVarName(const Json& range_var) {
  if (!range_var.is_object() || !range_var.contains("relname")) return std::nullopt;
  std::string out;
  if (range_var.contains("schemaname")) out = Q(range_var["schemaname"]) + ".";
  return out + Q(range_var["relname"]);
}

// The DROP undoing one CREATE statement, or nullopt when it cannot be inferred safely.
std::optional<std::string> DropFor(const Json& stmt) {
  auto with = [](const char* drop, const std::optional<std::string>& name) {
    return name ? std::optional<std::string>(std::string(drop) + " " + *name) : std::nullopt;
  };
  if (stmt.contains("CreateStmt")) {
    const Json& s = stmt["CreateStmt"];
    if (s.value("if_not_exists", false)) return std::nullopt;
    return with("DROP TABLE", RangeVarName(s.value("relation", Json())));
  }
  if (stmt.contains("CreateEnumStmt"))
    return with("DROP TYPE", QualifiedName(stmt["CreateEnumStmt"].value("typeName", Json())));
  if (stmt.contains("CreateRangeStmt"))
    return with("DROP TYPE", QualifiedName(stmt["CreateRangeStmt"].value("typeName", Json())));
  if (stmt.contains("CompositeTypeStmt"))
    return with("DROP TYPE", RangeVarName(stmt["CompositeTypeStmt"].value("typevar", Json())));
  if (stmt.contains("CreateDomainStmt"))
    return with("DROP DOMAIN", QualifiedName(stmt["CreateDomainStmt"].value("domainname", Json())));
  if (stmt.contains("CreateSeqStmt")) {
    const Json& s = stmt["CreateSeqStmt"];
    if (s.value("if_not_exists", false)) return std::nullopt;
    return with("DROP SEQUENCE", RangeVarName(s.value("sequence", Json())));
  }
  if (stmt.contains("ViewStmt")) {
    const Json& s = stmt["ViewStmt"];
    if (s.value("replace", false)) return std::nullopt;
    return with("DROP VIEW", RangeVarName(s.value("view", Json())));
  }
  if (stmt.contains("IndexStmt")) {
    const Json& s = stmt["IndexStmt"];
    if (s.value("if_not_exists", false) || !s.contains("idxname")) return std::nullopt;
    // An index lives in its table's schema.
    const Json& rel = s.value("relation", Json::object());
    std::string name = rel.contains("schemaname") ? Q(rel["schemaname"]) + "." : "";
    return "DROP INDEX " + name + Q(s["idxname"]);
  }
  if (stmt.contains("CreateSchemaStmt")) {
    const Json& s = stmt["CreateSchemaStmt"];
    if (s.value("if_not_exists", false) || s.contains("schemaElts") || !s.contains("schemaname"))
      return std::nullopt;
    return "DROP SCHEMA " + Q(s["schemaname"]);
  }
  if (stmt.contains("CreateExtensionStmt")) {
    const Json& s = stmt["CreateExtensionStmt"];
    if (s.value("if_not_exists", false) || !s.contains("extname")) return std::nullopt;
    return "DROP EXTENSION " + Q(s["extname"]);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<Statement>> InferDropStatements(std::string_view sql) {
  Result<Json> stmts = Parse("SQL", std::string(sql));
  if (!stmts.ok()) return std::nullopt;
  std::vector<Statement> drops;
  for (const Json& entry : *stmts) {
    if (!entry.contains("stmt")) continue;
    std::optional<std::string> drop = DropFor(entry["stmt"]);
    if (!drop) return std::nullopt;
    Statement s{*drop, Lock::kAccessExclusive};
    s.deletes_data = true;
    drops.insert(drops.begin(), std::move(s));
  }
  if (drops.empty()) return std::nullopt;
  return drops;
}

TableClause CheckClause(const std::string& name, const std::string& expr, bool no_inherit) {
  return {fmt::format("CONSTRAINT {} CHECK {}{}", Q(name), expr, no_inherit ? " NO INHERIT" : ""),
          std::nullopt};
}

TableClause UniqueClause(const std::string& name, bool primary_key,
                         const std::vector<std::string>& columns, bool nulls_not_distinct,
                         const std::vector<std::string>& include,
                         const std::string& storage_parameters, bool deferrable,
                         bool initially_deferred) {
  return {
      fmt::format("CONSTRAINT {} {}{} ({}){}{}", Q(name), primary_key ? "PRIMARY KEY" : "UNIQUE",
                  nulls_not_distinct ? " NULLS NOT DISTINCT" : "", JoinQuoted(columns),
                  IndexTail(include, storage_parameters), Deferral(deferrable, initially_deferred)),
      std::nullopt};
}

TableClause ForeignKeyClause(const ForeignKey& fk) {
  return {fmt::format("CONSTRAINT {} FOREIGN KEY ({}) {}", Q(fk.name), JoinQuoted(fk.columns),
                      ReferencesClause(fk.references)),
          fk.references.table};
}

TableClause ExcludeClause(const std::string& name, const std::string& method,
                          const std::string& elements, const std::vector<std::string>& include,
                          const std::string& storage_parameters,
                          const std::optional<std::string>& predicate, bool deferrable,
                          bool initially_deferred) {
  std::string out = fmt::format("CONSTRAINT {} EXCLUDE USING {} ({}){}", Q(name), Q(method),
                                elements, IndexTail(include, storage_parameters));
  if (predicate) out += " WHERE " + *predicate;
  return {out + Deferral(deferrable, initially_deferred), std::nullopt};
}

Statement CreateTable(const Rel& t, const std::vector<ColumnDef>& columns,
                      const std::vector<std::string>& primary_key,
                      const std::vector<TableClause>& constraints) {
  std::string body;
  bool references_other = false;
  for (const auto& c : columns) {
    body += (body.empty() ? "" : ",\n  ") + ColumnClause(c);
    references_other = references_other || (c.fk && !SameRel(c.fk->table, t));
  }
  if (!primary_key.empty()) body += ",\n  PRIMARY KEY (" + JoinQuoted(primary_key) + ")";
  for (const auto& c : constraints) {
    body += ",\n  " + c.sql;
    references_other = references_other || (c.references && !SameRel(*c.references, t));
  }
  return {fmt::format("CREATE TABLE {} (\n  {}\n)", t.Quoted(), body),
          references_other ? Lock::kShareRowExclusive : Lock::kNone};
}

Statement DropTable(const Rel& t) {
  Statement s{"DROP TABLE IF EXISTS " + t.Quoted(), Lock::kAccessExclusive};
  s.deletes_data = true;
  return s;
}

Statement CommentOnTable(const Rel& t, const std::optional<std::string>& text) {
  return {fmt::format("COMMENT ON TABLE {} IS {}", t.Quoted(), text ? QuoteLiteral(*text) : "NULL"),
          Lock::kShareUpdateExclusive};
}

Statement RenameTable(const Rel& from, const std::string& to) {
  Statement s{fmt::format("ALTER TABLE {} RENAME TO {}", from.Quoted(), Q(to)),
              Lock::kAccessExclusive};
  s.renames = true;
  return s;
}

Statement CreatePassThroughView(const Rel& view, const Rel& table) {
  return {fmt::format("CREATE VIEW {} AS SELECT * FROM {}", view.Quoted(), table.Quoted()),
          Lock::kAccessShare};
}

Statement CreateColumnsView(const Rel& view, const Rel& table,
                            const std::vector<std::string>& columns) {
  std::vector<std::string> quoted;
  for (const auto& c : columns) quoted.push_back(Q(c));
  return {fmt::format("CREATE VIEW {} AS SELECT {} FROM {}", view.Quoted(), fmt::join(quoted, ", "),
                      table.Quoted()),
          Lock::kAccessShare};
}

Statement DropView(const Rel& view) {
  return {"DROP VIEW IF EXISTS " + view.Quoted(), Lock::kAccessExclusive};
}

Statement SetReplicaIdentity(const Rel& t, const std::string& type, const std::string& index) {
  const std::string what = type == "INDEX" ? "USING INDEX " + Q(index) : type;
  return {fmt::format("ALTER TABLE {} REPLICA IDENTITY {}", t.Quoted(), what),
          Lock::kAccessExclusive};
}

Statement UserSql(std::string_view sql, bool alone) {
  Statement s{TrimStatements(sql), Lock::kAccessExclusive};
  s.untracked = true;
  if (alone) {
    s.lock = Lock::kShareUpdateExclusive;
    s.transactional = false;
    s.builds_index = true;
  }
  return s;
}

Status CheckStorageParameters(std::string_view params) {
  if (IsBlank(params)) return Rejected("storage parameters", "empty");
  return CheckInCreateTable("storage parameters",
                            "CREATE TABLE x (a int) WITH (" + std::string(params) + ")");
}

Status CheckSequenceOptions(std::string_view options) {
  if (IsBlank(options)) return Rejected("sequence options", "empty");
  return CheckInCreateTable(
      "sequence options",
      "CREATE TABLE x (a bigint GENERATED BY DEFAULT AS IDENTITY (" + std::string(options) + "))");
}

Status CheckExcludeElements(std::string_view method, std::string_view elements) {
  const std::string_view what = "exclusion elements";
  if (IsBlank(elements)) return Rejected(what, "empty");
  Result<Json> stmts =
      Parse(what, fmt::format("ALTER TABLE x ADD CONSTRAINT c EXCLUDE USING {} ({})",
                              Q(std::string(method)), elements));
  if (!stmts.ok()) return stmts.status();
  const Json* alter = SoleStatement(*stmts, "AlterTableStmt");
  const Status smuggled =
      Rejected(what, "must be a list of `column WITH operator`, with no other SQL");
  if (alter == nullptr) return smuggled;
  const Json& cmds = alter->value("cmds", Json::array());
  if (cmds.size() != 1) return smuggled;
  const Json& def = cmds[0].value("AlterTableCmd", Json::object()).value("def", Json::object());
  if (!def.contains("Constraint")) return smuggled;
  if (!OnlyKeys(def["Constraint"],
                {"contype", "conname", "location", "access_method", "exclusions"}))
    return smuggled;
  return Status::Ok();
}

namespace {

void CollectRelations(const Json& node, std::vector<std::pair<std::string, std::string>>* out) {
  if (node.is_array()) {
    for (const auto& child : node) CollectRelations(child, out);
    return;
  }
  if (!node.is_object()) return;
  // A RangeVar: wrapped as {"RangeVar": {...}} in node lists (FROM), bare where the field
  // can only hold one (INSERT INTO, ALTER TABLE). Only RangeVar has `relname`.
  if (node.contains("relname") && node["relname"].is_string()) {
    std::pair<std::string, std::string> rel{node.value("schemaname", ""), node["relname"]};
    if (std::find(out->begin(), out->end(), rel) == out->end()) out->push_back(std::move(rel));
  }
  for (const auto& [key, value] : node.items()) CollectRelations(value, out);
}

}  // namespace

Result<StatementsAnalysis> CheckStatements(std::string_view sql) {
  if (IsBlank(sql)) return Rejected("SQL", "empty");
  Result<Json> stmts = Parse("SQL", std::string(sql));
  if (!stmts.ok()) return stmts.status();
  StatementsAnalysis a;
  const bool one = stmts->size() == 1 && stmts->at(0).contains("stmt");
  if (one && IsReindexConcurrently(stmts->at(0)["stmt"])) {
    a.count = 1;
    a.alone = true;
    CollectRelations(stmts->at(0)["stmt"], &a.relations);
    return a;
  }
  for (const Json& entry : *stmts) {
    if (!entry.contains("stmt")) continue;  // an empty statement between two semicolons
    const std::string why = NotInTransaction(entry["stmt"]);
    if (!why.empty()) return Rejected("SQL", why);
    ++a.count;
    CollectRelations(entry["stmt"], &a.relations);
  }
  if (a.count == 0) return Rejected("SQL", "no statement in it");
  return a;
}

std::string TrimStatements(std::string_view sql) {
  size_t end = sql.size();
  while (end > 0 && (sql[end - 1] == ';' || std::isspace(static_cast<unsigned char>(sql[end - 1]))))
    --end;
  size_t begin = 0;
  while (begin < end && std::isspace(static_cast<unsigned char>(sql[begin]))) ++begin;
  return std::string(sql.substr(begin, end - begin));
}

}  // namespace pgphase::ddl
