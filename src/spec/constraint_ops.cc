// Readers for the constraint operations (see spec/ops.h).
//
//   create_constraint:           {table, name, type, columns, check, references {table,
//                                 columns, on_delete, on_update, match_type}, up, down,
//                                 no_inherit, deferrable, initially_deferred,
//                                 nulls_not_distinct, index_parameters {include_columns,
//                                 storage_parameters}}
//   drop_constraint:             {table, name, up, down} (up/down: one expression each)
//   drop_multicolumn_constraint: {table, name, up {col: expr}, down {col: expr}}
//   rename_constraint:           {table, from, to}
#include <algorithm>
#include <cctype>
#include <sstream>

#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

// "set  null" -> "SET NULL".
std::string NormalizeWords(const std::string& written) {
  std::istringstream words(written);
  std::string word, out;
  while (words >> word) {
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

Status ReadWordChoice(const Value& v, std::initializer_list<std::string_view> allowed,
                      std::string* out) {
  std::string written;
  PGPHASE_RETURN_IF_ERROR(ReadString(v, &written));
  const std::string norm = NormalizeWords(written);
  std::string list;
  for (std::string_view a : allowed) {
    if (norm == a) {
      *out = norm;
      return Status::Ok();
    }
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return ErrorAt(v, "unknown value \"" + written + "\"; expected one of: " + list);
}

Status ReadNameList(const Value& v, std::vector<std::string>* out) {
  if (!v.node.IsSequence() || v.node.size() == 0) {
    return ErrorAt(
        v, "expected a non-empty sequence of column names, got " +
               (v.node.IsSequence() ? std::string("an empty sequence") : DescribeNode(v.node)));
  }
  for (size_t i = 0; i < v.node.size(); ++i) {
    const Value element = v.Element(i, v.node[i]);
    std::string name;
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(element, &name));
    if (std::find(out->begin(), out->end(), name) != out->end())
      return ErrorAt(element, "column \"" + name + "\" is listed twice");
    out->push_back(std::move(name));
  }
  return Status::Ok();
}

// {column: expression, ...}
Status ReadColumnExprs(const Value& v, std::vector<ColumnExpr>* out) {
  if (!v.node.IsMap())
    return ErrorAt(v, "expected a map of column: expression, got " + DescribeNode(v.node));
  // Any column name is a key here, so the keys are read one by one rather than checked
  // against a list.
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    const YAML::Node k = it->first;
    const Value key(k, v.path, k.Mark(), v.file);
    ColumnExpr ce;
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(key, &ce.column));
    if (std::any_of(out->begin(), out->end(), [&](const auto& o) { return o.column == ce.column; }))
      return ErrorAt(key, "column \"" + ce.column + "\" is given twice");
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(v.Child(ce.column, it->second, k.Mark()), &ce.expr));
    out->push_back(std::move(ce));
  }
  return Status::Ok();
}

Status ReadReferences(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(
      v, {"table", "columns", "on_delete", "on_update", "match_type"}, {"table", "columns"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->ref_table));
  PGPHASE_RETURN_IF_ERROR(ReadNameList(*map.Find("columns"), &out->ref_columns));
  const std::initializer_list<std::string_view> actions = {"NO ACTION", "RESTRICT", "CASCADE",
                                                           "SET NULL", "SET DEFAULT"};
  if (std::optional<Value> d = map.Find("on_delete"))
    PGPHASE_RETURN_IF_ERROR(ReadWordChoice(*d, actions, &out->on_delete));
  if (std::optional<Value> u = map.Find("on_update"))
    PGPHASE_RETURN_IF_ERROR(ReadWordChoice(*u, actions, &out->on_update));
  if (std::optional<Value> m = map.Find("match_type"))
    PGPHASE_RETURN_IF_ERROR(ReadWordChoice(*m, {"SIMPLE", "FULL"}, &out->match_type));
  return Status::Ok();
}

Status ReadIndexParameters(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"include_columns", "storage_parameters"}, {}, &map));
  if (std::optional<Value> i = map.Find("include_columns"))
    PGPHASE_RETURN_IF_ERROR(ReadNameList(*i, &out->include_columns));
  if (std::optional<Value> s = map.Find("storage_parameters"))
    PGPHASE_RETURN_IF_ERROR(ReadString(*s, &out->storage_parameters));
  return Status::Ok();
}

// The fields each type requires or forbids.
Status CheckTypeFields(const Value& v, const YamlMap& map, const ConstraintSpec& c) {
  auto forbid = [&](std::string_view field) -> Status {
    if (std::optional<Value> f = map.Find(field)) {
      return ErrorAt(*f, std::string(field) + " is not allowed for a " + c.type + " constraint");
    }
    return Status::Ok();
  };
  auto require = [&](std::string_view field) -> Status {
    if (!map.Find(field)) {
      return ErrorAt(v, "a " + c.type + " constraint needs " + std::string(field));
    }
    return Status::Ok();
  };
  PGPHASE_RETURN_IF_ERROR(require("columns"));
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(require("check"));
  } else {
    PGPHASE_RETURN_IF_ERROR(forbid("check"));
    PGPHASE_RETURN_IF_ERROR(forbid("no_inherit"));
  }
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(require("references"));
    if (c.ref_columns.size() != c.columns.size()) {
      return ErrorAt(*map.Find("references"),
                     "references.columns must name as many columns as columns (" +
                         std::to_string(c.columns.size()) + ")");
    }
  } else {
    PGPHASE_RETURN_IF_ERROR(forbid("references"));
  }
  if (c.type != "unique" && c.type != "primary_key") {
    PGPHASE_RETURN_IF_ERROR(forbid("index_parameters"));
  }
  if (c.type != "unique") PGPHASE_RETURN_IF_ERROR(forbid("nulls_not_distinct"));
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(forbid("deferrable"));
    PGPHASE_RETURN_IF_ERROR(forbid("initially_deferred"));
  }
  if (c.initially_deferred && !c.deferrable) {
    return ErrorAt(*map.Find("initially_deferred"), "initially_deferred needs deferrable: true");
  }
  return Status::Ok();
}

Status ReadConstraintFlags(const YamlMap& map, ConstraintSpec* c) {
  if (std::optional<Value> f = map.Find("no_inherit"))
    PGPHASE_RETURN_IF_ERROR(ReadBool(*f, &c->no_inherit));
  if (std::optional<Value> f = map.Find("deferrable"))
    PGPHASE_RETURN_IF_ERROR(ReadBool(*f, &c->deferrable));
  if (std::optional<Value> f = map.Find("initially_deferred"))
    PGPHASE_RETURN_IF_ERROR(ReadBool(*f, &c->initially_deferred));
  if (std::optional<Value> f = map.Find("nulls_not_distinct"))
    PGPHASE_RETURN_IF_ERROR(ReadBool(*f, &c->nulls_not_distinct));
  return Status::Ok();
}

}  // namespace

Status ReadCreateConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(
      v,
      {"table", "name", "type", "columns", "check", "references", "up", "down", "no_inherit",
       "deferrable", "initially_deferred", "nulls_not_distinct", "index_parameters"},
      {"table", "name", "type"}, &map));
  CreateConstraintOp op;
  ConstraintSpec& c = op.constraint;
  c.where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &c.name));
  {
    const Value t = *map.Find("type");
    PGPHASE_RETURN_IF_ERROR(ReadString(t, &c.type));
    if (c.type != "check" && c.type != "unique" && c.type != "foreign_key" &&
        c.type != "primary_key") {
      return ErrorAt(t, "unknown constraint type \"" + c.type +
                            "\"; expected one of: check, unique, foreign_key, primary_key");
    }
  }
  if (std::optional<Value> f = map.Find("columns"))
    PGPHASE_RETURN_IF_ERROR(ReadNameList(*f, &c.columns));
  if (std::optional<Value> f = map.Find("check"))
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &c.check.emplace()));
  if (std::optional<Value> f = map.Find("references"))
    PGPHASE_RETURN_IF_ERROR(ReadReferences(*f, &c));
  if (std::optional<Value> f = map.Find("index_parameters"))
    PGPHASE_RETURN_IF_ERROR(ReadIndexParameters(*f, &c));
  PGPHASE_RETURN_IF_ERROR(ReadConstraintFlags(map, &c));
  PGPHASE_RETURN_IF_ERROR(CheckTypeFields(v, map, c));
  for (const char* field : {"up", "down"}) {
    std::optional<Value> f = map.Find(field);
    if (!f) continue;
    std::vector<ColumnExpr>& exprs = std::string(field) == "up" ? op.up : op.down;
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &exprs));
    for (const ColumnExpr& e : exprs) {
      if (std::find(c.columns.begin(), c.columns.end(), e.column) == c.columns.end()) {
        return ErrorAt(*f, std::string(field) + ": column \"" + e.column +
                               "\" is not one of the constraint's columns");
      }
    }
  }
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.up.emplace_back().expr));
  }
  if (std::optional<Value> f = map.Find("down")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.down.emplace_back().expr));
  }
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropMulticolumnConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  op.multicolumn = true;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.up));
  if (std::optional<Value> f = map.Find("down"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.down));
  *out = std::move(op);
  return Status::Ok();
}

Status ReadRenameConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "from", "to"}, {"table", "from", "to"}, &map));
  RenameConstraintOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  if (op.from == op.to) return ErrorAt(*map.Find("to"), "from and to are the same name");
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
