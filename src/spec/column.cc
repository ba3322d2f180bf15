#include "spec/column.h"

#include <algorithm>

namespace pgphase::spec_internal {
namespace {

Status ReadMatchType(const Value& v, std::string* out) {
  Status status = ReadKeyword(v, kMatchTypes, "match type", out);
  // PARTIAL is standard SQL, so it gets its own reason rather than "unknown": PostgreSQL
  // refuses it only when the constraint is made, after earlier steps have run.
  std::string partial;
  if (!status.ok() && ReadKeyword(v, {"PARTIAL"}, "match type", &partial).ok()) {
    return ErrorAt(v,
                   "MATCH PARTIAL is not implemented by PostgreSQL; expected one of: SIMPLE, "
                   "FULL");
  }
  return status;
}

// on_delete, on_update and match_type, in both forms of references.
Status ReadForeignKeyRules(const YamlMap& map, std::string* on_delete, std::string* on_update,
                           std::string* match_type) {
  if (std::optional<Value> x = map.Find("on_delete")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "action", on_delete));
  }
  if (std::optional<Value> x = map.Find("on_update")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "action", on_update));
  }
  if (std::optional<Value> x = map.Find("match_type")) {
    PGPHASE_RETURN_IF_ERROR(ReadMatchType(*x, match_type));
  }
  return Status::Ok();
}

Status ReadDeferral(const YamlMap& map, bool* deferrable, bool* initially_deferred) {
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "deferrable", deferrable));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "initially_deferred", initially_deferred));
  if (*initially_deferred && !*deferrable) {
    return ErrorAt(*map.Find("initially_deferred"), "initially_deferred needs deferrable: true");
  }
  return Status::Ok();
}

// A sequence of column names, none twice; empty only when `allow_empty`.
Status ReadColumnNames(const Value& v, bool allow_empty, std::vector<std::string>* out) {
  const std::string expected = allow_empty ? "expected a sequence of column names, got "
                                           : "expected a non-empty sequence of column names, got ";
  if (!v.node.IsSequence()) return ErrorAt(v, expected + DescribeNode(v.node));
  if (v.node.size() == 0 && !allow_empty) return ErrorAt(v, expected + "an empty sequence");
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

}  // namespace

Status ReadType(const Value& v, std::string* out) {
  PGPHASE_RETURN_IF_ERROR(ReadString(v, out));
  if (out->find_first_not_of(" \t\r\n") == std::string::npos) {
    return ErrorAt(v, "expected a type, got an empty string");
  }
  return Status::Ok();
}

// `comment: null` is allowed and means no comment, as in pgroll.
Status ReadComment(const Value& v, std::optional<std::string>* out) {
  if (v.node.IsNull()) {
    out->reset();
    return Status::Ok();
  }
  return ReadString(v, &out->emplace());
}

Status ReadCheck(const Value& v, CheckSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("check"), &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("constraint"), &out->constraint));
  return ReadOptionalBool(map, "no_inherit", &out->no_inherit);
}

Status ReadReferences(const Value& v, ReferencesSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("references"), &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &out->column));
  PGPHASE_RETURN_IF_ERROR(
      ReadForeignKeyRules(map, &out->on_delete, &out->on_update, &out->match_type));
  return ReadDeferral(map, &out->deferrable, &out->initially_deferred);
}

Status ReadGenerated(const Value& v, GeneratedSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("generated"), &map));
  std::optional<Value> expression = map.Find("expression");
  std::optional<Value> identity = map.Find("identity");
  if (expression.has_value() == identity.has_value())
    return ErrorAt(v, "expected exactly one of expression, identity");
  if (expression) return ReadSqlExpr(*expression, &out->expression.emplace());
  YamlMap id;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(*identity, Shape("identity"), &id));
  out->identity = "BY DEFAULT";
  if (std::optional<Value> x = id.Find("user_specified_values")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kIdentityKinds, "value", &*out->identity));
  }
  if (std::optional<Value> x = id.Find("sequence_options")) {
    PGPHASE_RETURN_IF_ERROR(ReadString(*x, &out->sequence_options.emplace()));
  }
  return Status::Ok();
}

Status ReadColumn(const Value& v, ColumnSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("column"), &map));
  out->where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadType(*map.Find("type"), &out->type));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "nullable", &out->nullable));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "unique", &out->unique));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "pk", &out->pk));
  if (out->pk && out->nullable) {
    return ErrorAt(*map.Find("nullable"), "a primary key column cannot be nullable");
  }
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "default", &out->default_value));
  if (std::optional<Value> x = map.Find("check")) {
    PGPHASE_RETURN_IF_ERROR(ReadCheck(*x, &out->check.emplace()));
  }
  if (std::optional<Value> x = map.Find("references")) {
    PGPHASE_RETURN_IF_ERROR(ReadReferences(*x, &out->references.emplace()));
  }
  if (std::optional<Value> x = map.Find("comment")) {
    PGPHASE_RETURN_IF_ERROR(ReadComment(*x, &out->comment));
  }
  if (std::optional<Value> x = map.Find("generated")) {
    PGPHASE_RETURN_IF_ERROR(ReadGenerated(*x, &out->generated.emplace()));
    if (out->default_value) return ErrorAt(*x, "a generated column cannot also have a default");
  }
  return Status::Ok();
}

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

// ---------------------------------------------------------------------------------------------
// Table constraints

namespace {

// references of a foreign_key constraint: several columns, so not the column form above.
Status ReadTableReferences(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("table_references"), &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->ref_table));
  PGPHASE_RETURN_IF_ERROR(ReadColumnNames(*map.Find("columns"), false, &out->ref_columns));
  return ReadForeignKeyRules(map, &out->on_delete, &out->on_update, &out->match_type);
}

Status ReadIndexParameters(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("index_parameters"), &map));
  if (std::optional<Value> x = map.Find("include_columns")) {
    PGPHASE_RETURN_IF_ERROR(ReadColumnNames(*x, true, &out->include_columns));
  }
  if (std::optional<Value> x = map.Find("storage_parameters")) {
    PGPHASE_RETURN_IF_ERROR(ReadString(*x, &out->storage_parameters));
  }
  return Status::Ok();
}

Status ReadExclude(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("exclude"), &map));
  out->index_method = "btree";
  if (std::optional<Value> x = map.Find("index_method")) {
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*x, &out->index_method));
  }
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("elements"), &out->exclude_elements.emplace()));
  return ReadOptionalSqlExpr(map, "predicate", &out->predicate);
}

// The keys each type needs, and the ones it may not have (see column.h).
Status CheckTypeKeys(const Value& v, const YamlMap& map, const ConstraintSpec& c) {
  auto needs = [&](std::string_view key) -> Status {
    if (!map.Find(key))
      return ErrorAt(v, "a " + c.type + " constraint needs `" + std::string(key) + "`");
    return Status::Ok();
  };
  auto forbids = [&](std::string_view key) -> Status {
    if (std::optional<Value> x = map.Find(key))
      return ErrorAt(*x, std::string(key) + " is not allowed for a " + c.type + " constraint");
    return Status::Ok();
  };
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(needs("check"));
    if (c.deferrable)
      return ErrorAt(*map.Find("deferrable"),
                     "a check constraint cannot be deferrable: PostgreSQL checks every row as it "
                     "is written");
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("check"));
    PGPHASE_RETURN_IF_ERROR(forbids("no_inherit"));
  }
  if (c.type == "exclude") {
    PGPHASE_RETURN_IF_ERROR(needs("exclude"));
    PGPHASE_RETURN_IF_ERROR(forbids("columns"));
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("exclude"));
    if (c.type != "check") PGPHASE_RETURN_IF_ERROR(needs("columns"));
  }
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(needs("references"));
    if (c.columns.size() != c.ref_columns.size())
      return ErrorAt(*map.Find("references"),
                     "references.columns must list as many columns as columns (" +
                         std::to_string(c.columns.size()) + ")");
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("references"));
  }
  if (c.type != "unique" && c.type != "primary_key" && c.type != "exclude") {
    PGPHASE_RETURN_IF_ERROR(forbids("index_parameters"));
  }
  if (c.type != "unique") PGPHASE_RETURN_IF_ERROR(forbids("nulls_not_distinct"));
  return Status::Ok();
}

}  // namespace

Status ReadConstraint(const Value& v, const ConstraintForm& form, YamlMap* map,
                      ConstraintSpec* out) {
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape(form.shape), map));
  out->where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map->Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(
      ReadKeyword(*map->Find("type"), form.types, "constraint type", &out->type));
  if (std::optional<Value> x = map->Find("columns")) {
    PGPHASE_RETURN_IF_ERROR(ReadColumnNames(*x, false, &out->columns));
  }
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(*map, "check", &out->check));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(*map, "no_inherit", &out->no_inherit));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(*map, "nulls_not_distinct", &out->nulls_not_distinct));
  PGPHASE_RETURN_IF_ERROR(ReadDeferral(*map, &out->deferrable, &out->initially_deferred));
  if (std::optional<Value> x = map->Find("references")) {
    PGPHASE_RETURN_IF_ERROR(ReadTableReferences(*x, out));
  }
  if (std::optional<Value> x = map->Find("index_parameters")) {
    PGPHASE_RETURN_IF_ERROR(ReadIndexParameters(*x, out));
  }
  if (std::optional<Value> x = map->Find("exclude")) PGPHASE_RETURN_IF_ERROR(ReadExclude(*x, out));
  return CheckTypeKeys(v, *map, *out);
}

}  // namespace pgphase::spec_internal
