// The tables of a schema file: CREATE TABLE, ALTER TABLE and CREATE INDEX into TableInfo, with
// each text as the server prints it (schema_file.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "catalog/schema_reader.h"
#include "pgphase/sql_text.h"

namespace pgphase::schema_file {
namespace {

// ALTER TABLE commands that change nothing a snapshot holds.
const std::set<std::string, std::less<>> kNothingToAlter = {
    "AT_ChangeOwner",       "AT_ClusterOn",   "AT_SetStatistics",  "AT_SetStorage",
    "AT_SetRelOptions",     "AT_SetOptions",  "AT_SetCompression", "AT_EnableRowSecurity",
    "AT_ForceRowSecurity",  "AT_EnableTrig",  "AT_DisableTrig",    "AT_EnableAlwaysTrig",
    "AT_EnableReplicaTrig", "AT_DisableRule", "AT_EnableRule"};

// A column definition's clause keywords: where a DEFAULT expression ends.
const std::initializer_list<std::string_view> kColumnClauses = {
    "NOT",     "NULL",   "CONSTRAINT", "CHECK",     "DEFAULT",
    "PRIMARY", "UNIQUE", "REFERENCES", "GENERATED", "COLLATE"};

std::string Unq(const std::string& text) { return sqltext::Unqualified(text, kDefaultSchema); }

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// The end of the word or quoted name at `at`.
size_t TokenEnd(std::string_view text, size_t at) {
  if (at < text.size() && text[at] == '"') {
    size_t i = at + 1;
    while (i < text.size() && !(text[i] == '"' && (i + 1 >= text.size() || text[i + 1] != '"')))
      i += text[i] == '"' ? 2 : 1;
    return std::min(i + 1, text.size());
  }
  while (at < text.size() && IsWordChar(text[at])) ++at;
  return at;
}

size_t SkipSpace(std::string_view text, size_t at) {
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  return at;
}

// The type as format_type spells it: `character varying(255)`, `integer[]`, `mood`.
std::string TypeText(const Json& type_name) {
  std::vector<std::string> names = Strings(type_name.value("names", Json::array()));
  const bool builtin = names.size() > 1 && names[0] == "pg_catalog";
  if (names.size() > 1 && (builtin || names[0] == kDefaultSchema)) names.erase(names.begin());
  std::string out;
  for (const std::string& n : names)
    out += (out.empty() ? "" : ".") + (builtin ? n : QuoteIdentIfNeeded(n));
  std::string mods;
  for (const Json& m : type_name.value("typmods", Json::array())) {
    const Json& c = m.value("A_Const", Json::object());
    if (c.contains("ival"))
      mods += (mods.empty() ? "" : ",") + std::to_string(c.at("ival").value("ival", 0));
  }
  if (!mods.empty()) out += "(" + mods + ")";
  for (size_t i = 0; i < type_name.value("arrayBounds", Json::array()).size(); ++i) out += "[]";
  return CanonicalType(out);
}

char Letter(const Json& con, const char* key, char otherwise) {
  const std::string v = con.value(key, "");
  return v.empty() ? otherwise : v[0];
}

const std::map<std::string, char, std::less<>> kConstraintTypes = {{"CONSTR_CHECK", 'c'},
                                                                   {"CONSTR_PRIMARY", 'p'},
                                                                   {"CONSTR_UNIQUE", 'u'},
                                                                   {"CONSTR_FOREIGN", 'f'},
                                                                   {"CONSTR_EXCLUSION", 'x'}};

// PostgreSQL's name for a constraint the DDL leaves unnamed.
std::string DefaultName(const TableInfo& t, char type, const std::vector<std::string>& columns) {
  if (type == 'p') return t.name + "_pkey";
  std::string out = t.name;
  for (const std::string& c : columns) out += "_" + c;
  return out + (type == 'u' ? "_key" : type == 'f' ? "_fkey" : type == 'x' ? "_excl" : "_check");
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + QuoteIdentIfNeeded(n);
  return out;
}

// A check's expression, as pg_get_expr prints conbin: inside CHECK's parentheses.
std::string CheckExpr(const std::string& definition) {
  const size_t open = definition.find('(');
  if (open == std::string::npos) return "";
  const size_t close = sqltext::ClauseEnd(definition, open + 1, {});
  return sqltext::Trimmed(definition, open + 1, close);
}

}  // namespace

TableInfo* Reader::Table(const Json& range_var) {
  TableInfo* t = catalog_.FindTable(SchemaOf(range_var), range_var.value("relname", ""));
  if (t == nullptr)
    Warn(from_, "table " + SchemaOf(range_var) + "." + range_var.value("relname", "") +
                    " is not created earlier in the file: statement ignored");
  return t;
}

ColumnInfo* Reader::FindColumn(TableInfo& t, const std::string& column) {
  for (ColumnInfo& c : t.columns)
    if (c.name == column) return &c;
  return nullptr;
}

void Reader::CreateTable(const Json& n) {
  const Json& rel = n.at("relation");
  AddRelation(rel);
  TableInfo t;
  t.schema = SchemaOf(rel);
  t.name = rel.value("relname", "");
  t.partitioned = n.contains("partspec");
  if (n.contains("partbound") || n.contains("inhRelations") || n.contains("ofTypename"))
    Warn(from_, "table " + t.name +
                    " is a partition, inherits or is of a type: the columns, constraints and "
                    "indexes it gets from its parent are not read");
  catalog_.tables.push_back(std::move(t));
  TableInfo& table = catalog_.tables.back();
  for (const Json& e : n.value("tableElts", Json::array())) {
    if (e.contains("ColumnDef")) {
      table.columns.push_back(Column(table, e.at("ColumnDef")));
    } else if (e.contains("Constraint")) {
      Constraint(table, e.at("Constraint"), {});
    } else {
      Warn(from_, "table " + table.name + ": " + e.begin().key() + " is not read");
    }
  }
}

ColumnInfo Reader::Column(TableInfo& t, const Json& def) {
  ColumnInfo c;
  c.name = def.value("colname", "");
  const std::vector<std::string> written =
      Strings(def.at("typeName").value("names", Json::array()));
  const std::string type = written.empty() ? "" : written.back();
  c.type = TypeText(def.at("typeName"));
  c.not_null = def.value("is_not_null", false);
  for (const Json& con : def.value("constraints", Json::array()))
    if (con.contains("Constraint")) ColumnConstraint(t, c, con.at("Constraint"));
  if (type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial4" ||
      type == "serial8" || type == "serial2") {
    // The sequence a serial makes, its default and its NOT NULL, as PostgreSQL adds them.
    c.sequence_schema = t.schema;
    c.sequence = t.name + "_" + c.name + "_seq";
    c.default_expr = "nextval('" + Described(t.schema, c.sequence) + "'::regclass)";
    c.not_null = true;
    relations_.emplace_back(t.schema, c.sequence);
    dependents_.push_back(
        {t.schema, t.name, c.name, "sequence " + Described(t.schema, c.sequence)});
  }
  return c;
}

void Reader::ColumnConstraint(TableInfo& t, ColumnInfo& c, const Json& con) {
  const std::string type = con.value("contype", "");
  if (type == "CONSTR_NOTNULL") {
    c.not_null = true;
  } else if (type == "CONSTR_DEFAULT") {
    const size_t at = TokenEnd(text_, con.value("location", 0));  // after DEFAULT
    const std::string expr = Text(at, sqltext::ClauseEnd(text_, at, kColumnClauses));
    if (!expr.empty()) c.default_expr = Unq(expr);
  } else if (type == "CONSTR_IDENTITY") {
    Identity(t, c, con);
  } else if (type == "CONSTR_GENERATED") {
    c.generated = true;
  } else if (kConstraintTypes.count(type) != 0) {
    if (type == "CONSTR_PRIMARY") c.not_null = true;
    t.columns.push_back(c);  // the constraint reads the column, which Column adds after this
    Constraint(t, con, {c.name});
    t.columns.pop_back();
  }
}

void Reader::Identity(TableInfo& t, ColumnInfo& c, const Json& con) {
  c.identity = true;
  c.identity_kind = Letter(con, "generated_when", 'a');
  c.not_null = true;
  c.sequence_schema = t.schema;
  c.sequence = t.name + "_" + c.name + "_seq";
  for (const Json& o : con.value("options", Json::array())) {
    const Json& d = o.value("DefElem", Json::object());
    if (d.value("defname", "") != "sequence_name") continue;
    const std::vector<std::string> parts =
        Strings(d.at("arg").at("List").value("items", Json::array()));
    if (parts.size() == 2) c.sequence_schema = parts[0];
    if (!parts.empty()) c.sequence = parts.back();
  }
  relations_.emplace_back(c.sequence_schema, c.sequence);
}

// A table constraint (ALTER TABLE ... ADD CONSTRAINT, or in CREATE TABLE), or a column's own
// (`columns` is then that column): its definition is the text from its kind's keyword on, as
// pg_get_constraintdef prints it when the file is pg_dump's.
void Reader::Constraint(TableInfo& t, const Json& con, const std::vector<std::string>& columns) {
  ConstraintInfo c;
  const auto type = kConstraintTypes.find(con.value("contype", ""));
  if (type == kConstraintTypes.end())
    return Warn(from_, "table " + t.name + ": constraint " + con.value("contype", "") +
                           " is not represented in a catalog snapshot");
  c.type = type->second;
  c.validated = !con.value("skip_validation", false);
  c.no_inherit = con.value("is_no_inherit", false);
  size_t start = con.value("location", 0);
  if (sqltext::AfterWord(text_, start, start + 10, "CONSTRAINT") != std::string_view::npos)
    start = SkipSpace(text_, TokenEnd(text_, SkipSpace(text_, start + 10)));
  const size_t kind_end = TokenEnd(text_, start);
  const size_t end = columns.empty() ? sqltext::ClauseEnd(text_, kind_end, {})
                                     : sqltext::ClauseEnd(text_, kind_end, kColumnClauses);
  c.definition = Unq(Text(start, end));
  if (c.type == 'c') {
    c.check_expr = CheckExpr(c.definition);
    if (Result<ExprAnalysis> a = AnalyzeExpression(c.check_expr); a.ok())
      for (const std::string& ref : a->column_refs)
        if (FindColumn(t, ref) != nullptr) c.columns.push_back(ref);
  } else if (c.type == 'f') {
    c.columns = columns.empty() ? Strings(con.value("fk_attrs", Json::array())) : columns;
    c.ref_schema = SchemaOf(con.at("pktable"));
    c.ref_table = con.at("pktable").value("relname", "");
    c.ref_columns = Strings(con.value("pk_attrs", Json::array()));
    const TableInfo* ref = catalog_.FindTable(c.ref_schema, c.ref_table);
    if (c.ref_columns.empty() && ref != nullptr) c.ref_columns = ref->primary_key;
    c.on_update = Letter(con, "fk_upd_action", 'a');
    c.on_delete = Letter(con, "fk_del_action", 'a');
    c.match_type = Letter(con, "fk_matchtype", 's');
    c.deferrable = con.value("deferrable", false);
    c.initially_deferred = con.value("initdeferred", false);
    if (!columns.empty())
      c.definition = "FOREIGN KEY (" + QuotedList(columns) + ") " + c.definition;
  } else {
    c.columns = columns.empty() ? Strings(con.value("keys", Json::array())) : columns;
    if (!columns.empty()) c.definition += " (" + QuotedList(columns) + ")";
  }
  c.name = con.value("conname", "");
  if (c.name.empty()) c.name = DefaultName(t, c.type, c.columns);
  if (c.type == 'p' || c.type == 'u') KeyIndex(t, c, con);
  if (c.type == 'x') Warn(from_, "exclusion constraint " + c.name + ": its index is not read");
  if (c.type == 'f' && (c.ref_schema != t.schema || c.ref_table != t.name)) {
    for (const std::string& column : c.ref_columns)
      dependents_.push_back({c.ref_schema, c.ref_table, column,
                             "constraint " + c.name + " on table " + Described(t.schema, t.name)});
  }
  t.constraints.push_back(std::move(c));
}

// The unique index a primary key or unique constraint builds, as pg_get_indexdef prints it.
void Reader::KeyIndex(TableInfo& t, const ConstraintInfo& c, const Json& con) {
  IndexInfo i;
  i.name = con.value("indexname", "").empty() ? c.name : con.value("indexname", "");
  i.unique = true;
  i.primary = c.type == 'p';
  i.columns = c.columns;
  i.plain = !con.contains("including") && !con.contains("options");
  std::string keys = c.definition.substr(c.definition.find('('));
  for (const char* tail : {" DEFERRABLE", " NOT DEFERRABLE", " INITIALLY", " USING INDEX"})
    if (const size_t at = keys.find(tail); at != std::string::npos) keys.erase(at);
  i.definition = "CREATE UNIQUE INDEX " + QuoteIdentIfNeeded(i.name) + " ON " +
                 QuoteIdentIfNeeded(t.schema) + "." + QuoteIdentIfNeeded(t.name) + " USING btree " +
                 keys;
  if (i.primary) {
    t.primary_key = c.columns;
    for (const std::string& column : c.columns)
      if (ColumnInfo* col = FindColumn(t, column)) col->not_null = true;
  }
  relations_.emplace_back(t.schema, i.name);
  t.indexes.push_back(std::move(i));
}

void Reader::Index(const Json& n) {
  TableInfo* t = Table(n.at("relation"));
  if (t == nullptr) return;
  IndexInfo i;
  i.name = n.value("idxname", "");
  if (i.name.empty()) return Warn(from_, "an index without a name is not read");
  i.unique = n.value("unique", false);
  i.partial = n.contains("whereClause");
  const std::string method = n.value("accessMethod", "btree");
  i.plain = method == "btree" && !n.contains("indexIncludingParams") && !n.contains("options");
  for (const Json& p : n.value("indexParams", Json::array())) {
    const Json& e = p.value("IndexElem", Json::object());
    i.columns.push_back(e.value("name", ""));
    i.plain = i.plain && e.contains("name") && !e.contains("collation") && !e.contains("opclass") &&
              e.value("ordering", "SORTBY_DEFAULT") == "SORTBY_DEFAULT" &&
              e.value("nulls_ordering", "SORTBY_NULLS_DEFAULT") == "SORTBY_NULLS_DEFAULT";
  }
  // The key list on: after `USING method` when the file says it, else from the parenthesis.
  const size_t rel_at = n.at("relation").value("location", from_);
  size_t keys = sqltext::AfterWord(text_, rel_at, end_, "USING");
  keys = keys == std::string_view::npos ? text_.find('(', rel_at)
                                        : SkipSpace(text_, TokenEnd(text_, SkipSpace(text_, keys)));
  std::string rest = Unq(Text(keys, end_));
  if (!rest.empty() && rest.back() == ';') rest.pop_back();
  i.definition =
      fmt::format("CREATE {}INDEX {} ON {}{}.{} USING {} {}", i.unique ? "UNIQUE " : "",
                  QuoteIdentIfNeeded(i.name), n.at("relation").value("inh", true) ? "" : "ONLY ",
                  QuoteIdentIfNeeded(t->schema), QuoteIdentIfNeeded(t->name), method,
                  sqltext::Trimmed(rest, 0, rest.size()));
  relations_.emplace_back(t->schema, i.name);
  t->indexes.push_back(std::move(i));
}

void Reader::AlterTable(const Json& n) {
  const Json& cmds = n.value("cmds", Json::array());
  const bool owner_only = std::all_of(cmds.begin(), cmds.end(), [](const Json& c) {
    return c.at("AlterTableCmd").value("subtype", "") == "AT_ChangeOwner";
  });
  if (owner_only) return;  // pg_dump's ALTER TABLE <sequence or view> OWNER TO
  TableInfo* t = Table(n.at("relation"));
  if (t == nullptr) return;
  for (const Json& cmd : cmds) AlterTableCommand(*t, cmd.at("AlterTableCmd"));
}

void Reader::AlterTableCommand(TableInfo& t, const Json& cmd) {
  const std::string subtype = cmd.value("subtype", "");
  ColumnInfo* column = FindColumn(t, cmd.value("name", ""));
  const bool on_column = subtype == "AT_ColumnDefault" || subtype == "AT_AddIdentity" ||
                         subtype == "AT_SetNotNull" || subtype == "AT_DropNotNull";
  if (on_column && column == nullptr)
    return Warn(from_, "table " + t.name + " has no column " + cmd.value("name", ""));
  if (subtype == "AT_AddConstraint") {
    Constraint(t, cmd.at("def").at("Constraint"), {});
  } else if (subtype == "AT_ColumnDefault") {
    const size_t at = sqltext::AfterWord(text_, from_, end_, "DEFAULT");
    column->default_expr.reset();
    if (cmd.contains("def") && at != std::string_view::npos)
      column->default_expr = Unq(Text(at, sqltext::ClauseEnd(text_, at, {})));
  } else if (subtype == "AT_AddIdentity") {
    Identity(t, *column, cmd.at("def").at("Constraint"));
  } else if (subtype == "AT_SetNotNull" || subtype == "AT_DropNotNull") {
    column->not_null = subtype == "AT_SetNotNull";
  } else if (subtype == "AT_AddColumn") {
    t.columns.push_back(Column(t, cmd.at("def").at("ColumnDef")));
  } else if (subtype == "AT_ReplicaIdentity") {
    const Json& r = cmd.at("def").at("ReplicaIdentityStmt");
    t.replica_identity = Letter(r, "identity_type", 'd');
    t.replica_identity_index = r.value("name", "");
  } else if (subtype == "AT_ValidateConstraint") {
    for (ConstraintInfo& c : t.constraints)
      if (c.name == cmd.value("name", "")) c.validated = true;
  } else if (kNothingToAlter.count(subtype) == 0) {
    Warn(from_,
         "ALTER TABLE " + t.name + ": " + subtype + " is not represented in a catalog snapshot");
  }
}

}  // namespace pgphase::schema_file
