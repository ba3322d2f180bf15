// ReadSchemaFile: the statements of a schema file into a CatalogSnapshot (schema_file.h).
// This file reads the statements that are not about one table's own parts, and orders the
// result as the catalog queries order theirs; schema_table.cc reads tables.
#include "catalog/schema_reader.h"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <set>

#include "catalog/builtin_functions.h"
#include "pgphase/lint.h"
#include "pgphase/sql_text.h"

namespace pgphase {
namespace schema_file {
namespace {

// Statements that change nothing a snapshot holds: read and dropped.
const std::set<std::string, std::less<>> kNothingToRead = {
    "VariableSetStmt",       "CreateSchemaStmt",    "AlterOwnerStmt",  "GrantStmt",
    "GrantRoleStmt",         "CreateExtensionStmt", "CreateEnumStmt",  "AlterEnumStmt",
    "CreateDomainStmt",      "DefineStmt",          "CreateRangeStmt", "AlterDefaultPrivilegesStmt",
    "CreatePublicationStmt", "AlterFunctionStmt",   "CreateCastStmt"};

// psql's meta-commands (`\restrict KEY`, `\connect`) blanked out, offsets kept.
std::string WithoutMetaCommands(std::string_view text) {
  std::string out(text);
  size_t line = 0;
  while (line < out.size()) {
    size_t end = out.find('\n', line);
    if (end == std::string::npos) end = out.size();
    size_t first = line;
    while (first < end && (out[first] == ' ' || out[first] == '\t')) ++first;
    if (first < end && out[first] == '\\') std::fill(out.begin() + line, out.begin() + end, ' ');
    line = end + 1;
  }
  return out;
}

// The first offset at or after `from` that is not white space or a comment.
size_t StatementStart(std::string_view text, size_t from, size_t end) {
  while (from < end) {
    if (std::isspace(static_cast<unsigned char>(text[from]))) {
      ++from;
    } else if (text.substr(from, 2) == "--") {
      const size_t nl = text.find('\n', from);
      from = nl == std::string_view::npos ? end : nl + 1;
    } else if (text.substr(from, 2) == "/*") {
      const size_t close = text.find("*/", from + 2);
      from = close == std::string_view::npos ? end : close + 2;
    } else {
      break;
    }
  }
  return from;
}

Volatility VolatilityOf(const Json& options) {
  for (const Json& o : options) {
    const Json& d = o.value("DefElem", Json::object());
    if (d.value("defname", "") != "volatility") continue;
    const std::string v = d.at("arg").at("String").value("sval", "");
    if (v == "immutable") return Volatility::kImmutable;
    if (v == "stable") return Volatility::kStable;
  }
  return Volatility::kVolatile;
}

void CollectRefs(const Json& node, ViewRefs& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "RangeVar") {
        const std::string target = SchemaOf(value) + "." + value.value("relname", "");
        refs.relations.emplace_back(value.value("relname", ""), target);
        if (value.contains("alias"))
          refs.relations.emplace_back(value.at("alias").value("aliasname", ""), target);
      } else if (key == "ColumnRef") {
        std::vector<std::string> fields = Strings(value.value("fields", Json::array()));
        if (!fields.empty()) refs.columns.push_back(std::move(fields));
      } else {
        CollectRefs(value, refs);
      }
    }
  } else if (node.is_array()) {
    for (const Json& item : node) CollectRefs(item, refs);
  }
}

}  // namespace

std::string SchemaOf(const Json& range_var) {
  const std::string schema = range_var.value("schemaname", "");
  return schema.empty() ? std::string(kDefaultSchema) : schema;
}

std::vector<std::string> Strings(const Json& list) {
  std::vector<std::string> out;
  for (const Json& item : list)
    if (item.contains("String")) out.push_back(item.at("String").value("sval", ""));
  return out;
}

std::string Described(const std::string& schema, const std::string& name) {
  const std::string quoted = QuoteIdentIfNeeded(name);
  return schema == kDefaultSchema ? quoted : QuoteIdentIfNeeded(schema) + "." + quoted;
}

void Reader::Warn(size_t at, const std::string& what) {
  warnings_.push_back(
      fmt::format("{}:{}: {}", file_, LineColumnAt(text_, static_cast<int>(at)).first, what));
}

std::string Reader::Text(size_t from, size_t end) const {
  return sqltext::Trimmed(text_, from, end);
}

void Reader::Statement(const Json& stmt, size_t from, size_t end) {
  from_ = StatementStart(text_, from, end);
  end_ = end;
  const std::string kind = stmt.begin().key();
  const Json& n = stmt.begin().value();
  if (kind == "CreateStmt") return CreateTable(n);
  if (kind == "AlterTableStmt") return AlterTable(n);
  if (kind == "IndexStmt") return Index(n);
  if (kind == "CreateSeqStmt") return Sequence(n);
  if (kind == "AlterSeqStmt") return OwnedBy(n.value("options", Json::array()));
  if (kind == "ViewStmt") return View(n.at("view"), n.at("query"), "view");
  if (kind == "CreateFunctionStmt") return Function(n);
  if (kind == "CreateTrigStmt") return Trigger(n);
  if (kind == "CommentStmt") return Comment(n);
  if (kind == "CompositeTypeStmt") return AddRelation(n.at("typevar"));
  if (kind == "CreateTableAsStmt" && n.value("objtype", "") == "OBJECT_MATVIEW")
    return View(n.at("into").at("rel"), n.at("query"), "materialized view");
  if (kind == "SelectStmt" && Text(from_, end_).find("set_config(") != std::string::npos) return;
  if (kNothingToRead.count(kind) != 0) return;
  Warn(from_, kind + " is not represented in a catalog snapshot: ignored (" +
                  Text(from_, std::min(end_, from_ + 60)) + ")");
}

void Reader::AddRelation(const Json& range_var) {
  relations_.emplace_back(SchemaOf(range_var), range_var.value("relname", ""));
}

void Reader::Sequence(const Json& n) {
  AddRelation(n.at("sequence"));
  OwnedBy(n.value("options", Json::array()));
}

// OWNED BY schema.table.column: the column's sequence (a serial's), which depends on it.
void Reader::OwnedBy(const Json& options) {
  for (const Json& o : options) {
    const Json& d = o.value("DefElem", Json::object());
    if (d.value("defname", "") != "owned_by") continue;
    std::vector<std::string> parts =
        Strings(d.at("arg").value("List", Json::object()).value("items", Json::array()));
    if (parts.size() < 2) continue;  // OWNED BY NONE
    if (parts.size() == 2) parts.insert(parts.begin(), std::string(kDefaultSchema));
    TableInfo* t = catalog_.FindTable(parts[0], parts[1]);
    ColumnInfo* c = t == nullptr ? nullptr : FindColumn(*t, parts[2]);
    if (c == nullptr) return Warn(from_, "OWNED BY names no column the file created");
    // The sequence is the statement's: the relation added last.
    c->sequence_schema = relations_.back().first;
    c->sequence = relations_.back().second;
    dependents_.push_back(
        {parts[0], parts[1], parts[2], "sequence " + Described(c->sequence_schema, c->sequence)});
  }
}

void Reader::View(const Json& view, const Json& query, std::string_view kind) {
  AddRelation(view);
  ViewRefs refs;
  refs.what = std::string(kind) + " " + Described(SchemaOf(view), view.value("relname", ""));
  CollectRefs(query, refs);
  views_.push_back(std::move(refs));
  view_schemas_.emplace_back(SchemaOf(view), view.value("relname", ""));
}

void Reader::Function(const Json& n) {
  std::vector<std::string> name = Strings(n.value("funcname", Json::array()));
  if (name.size() == 1) name.insert(name.begin(), std::string(kDefaultSchema));
  const FunctionName f{name[0], name.back()};
  const Volatility v = VolatilityOf(n.value("options", Json::array()));
  auto [it, fresh] = functions_.emplace(f, v);
  if (!fresh) it->second = std::max(it->second, v);
}

void Reader::Trigger(const Json& n) {
  TableInfo* t = Table(n.at("relation"));
  if (t == nullptr) return;
  const std::string name = n.value("trigname", "");
  t->triggers.push_back(name);
  if (name.rfind("pgphase_", 0) == 0) return;  // pgphase's own: not a dependent
  const std::string what = "trigger " + name + " on table " + Described(t->schema, t->name);
  for (const std::string& column : Strings(n.value("columns", Json::array())))
    dependents_.push_back({t->schema, t->name, column, what});
  if (n.contains("whenClause")) {
    ViewRefs refs;
    refs.what = what;
    CollectRefs(n.at("whenClause"), refs);
    for (const auto& fields : refs.columns)
      dependents_.push_back({t->schema, t->name, fields.back(), what});
  }
}

void Reader::Comment(const Json& n) {
  if (n.value("objtype", "") != "OBJECT_SCHEMA") return;
  if (n.value("comment", "").rfind("pgphase version schema of ", 0) == 0)
    version_schemas_.push_back(n.at("object").at("String").value("sval", ""));
}

// Each view's column references, by the alias or name they are qualified with (an unqualified
// one: by the only relation of the view, or every relation that has the column).
void Reader::ResolveViews() {
  for (size_t i = 0; i < views_.size(); ++i) {
    if (std::count(version_schemas_.begin(), version_schemas_.end(), view_schemas_[i].first))
      continue;
    const ViewRefs& v = views_[i];
    for (const auto& fields : v.columns) {
      for (const auto& [alias, target] : v.relations) {
        if (fields.size() >= 2 && alias != fields[fields.size() - 2]) continue;
        const size_t dot = target.find('.');
        TableInfo* t = catalog_.FindTable(target.substr(0, dot), target.substr(dot + 1));
        if (t != nullptr && FindColumn(*t, fields.back()) != nullptr)
          dependents_.push_back({t->schema, t->name, fields.back(), v.what});
      }
    }
  }
}

SchemaFile Reader::Finish(const std::vector<std::string>& schemas) {
  ResolveViews();
  for (const Dependent& d : dependents_) {
    TableInfo* t = catalog_.FindTable(d.schema, d.table);
    ColumnInfo* c = t == nullptr ? nullptr : FindColumn(*t, d.column);
    if (c != nullptr) c->dependents.push_back(d.what);
  }
  SchemaFile out;
  auto wanted = [&](const std::string& s) {
    return std::find(schemas.begin(), schemas.end(), s) != schemas.end();
  };
  for (TableInfo& t : catalog_.tables) {
    if (!wanted(t.schema)) continue;
    for (ColumnInfo& c : t.columns) {
      std::sort(c.dependents.begin(), c.dependents.end());
      c.dependents.erase(std::unique(c.dependents.begin(), c.dependents.end()), c.dependents.end());
    }
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(t.indexes.begin(), t.indexes.end(), by_name);
    std::sort(t.constraints.begin(), t.constraints.end(), by_name);
    std::sort(t.triggers.begin(), t.triggers.end());
    out.catalog.tables.push_back(std::move(t));
  }
  std::sort(out.catalog.tables.begin(), out.catalog.tables.end(), [](const auto& a, const auto& b) {
    return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
  });
  std::sort(relations_.begin(), relations_.end());
  for (const auto& [schema, name] : relations_)
    if (wanted(schema)) out.catalog.relation_names.push_back(schema + "." + name);
  out.functions = std::move(functions_);
  out.warnings = std::move(warnings_);
  return out;
}

}  // namespace schema_file

std::optional<Volatility> BuiltinVolatility(std::string_view name) {
  auto words = [](std::string_view list) {
    std::set<std::string, std::less<>> out;
    for (size_t i = 0; i < list.size();) {
      const size_t end = std::min(list.find_first_of(" \n", i), list.size());
      if (end > i) out.emplace(list.substr(i, end - i));
      i = end + 1;
    }
    return out;
  };
  static const auto immutable = words(schema_file::kImmutableFunctions);
  static const auto stable = words(schema_file::kStableFunctions);
  if (immutable.count(name) != 0) return Volatility::kImmutable;
  static const auto volatile_ = words(schema_file::kVolatileFunctions);
  if (stable.count(name) != 0) return Volatility::kStable;
  if (volatile_.count(name) != 0) return Volatility::kVolatile;
  return std::nullopt;
}

Result<SchemaFile> ReadSchemaFile(std::string_view text, std::string_view file,
                                  const std::vector<std::string>& schemas) {
  const std::string sql = schema_file::WithoutMetaCommands(text);
  PgQueryParseResult parsed = pg_query_parse(sql.c_str());
  if (parsed.error != nullptr) {
    const auto [line, col] = LineColumnAt(sql, parsed.error->cursorpos - 1);
    Status st =
        Status::Invalid(fmt::format("{}:{}:{}: {}", file, line, col, parsed.error->message));
    pg_query_free_parse_result(parsed);
    return st;
  }
  const schema_file::Json tree = schema_file::Json::parse(parsed.parse_tree);
  pg_query_free_parse_result(parsed);
  schema_file::Reader reader(sql, file);
  for (const schema_file::Json& s : tree.value("stmts", schema_file::Json::array())) {
    const size_t from = s.value("stmt_location", 0);
    const size_t len = s.value("stmt_len", 0);
    try {
      reader.Statement(s.at("stmt"), from, len == 0 ? sql.size() : from + len);
    } catch (const schema_file::Json::exception& e) {  // a parse tree of a shape not expected
      reader.Warn(from, std::string("statement not read: ") + e.what());
    }
  }
  return reader.Finish(schemas);
}

}  // namespace pgphase
