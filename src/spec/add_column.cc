#include "spec/add_column.h"

#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

Status ReadOnDelete(const Value& v, std::string* out) {
  return ReadKeyword(v, kReferentialActions, "action", out);
}

Status ReadCheck(const Value& v, CheckSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"name", "constraint"}, {"name", "constraint"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  return ReadSqlExpr(*map.Find("constraint"), &out->constraint);
}

Status ReadReferences(const Value& v, ReferencesSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"name", "table", "column", "on_delete"},
                                        {"name", "table", "column"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &out->column));
  if (std::optional<Value> on_delete = map.Find("on_delete")) {
    PGPHASE_RETURN_IF_ERROR(ReadOnDelete(*on_delete, &out->on_delete));
  }
  return Status::Ok();
}

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
  std::string comment;
  PGPHASE_RETURN_IF_ERROR(ReadString(v, &comment));
  *out = std::move(comment);
  return Status::Ok();
}

Status ReadColumnFlags(const YamlMap& map, ColumnSpec* out) {
  if (std::optional<Value> v = map.Find("nullable")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->nullable));
  }
  if (std::optional<Value> v = map.Find("unique")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->unique));
  }
  if (std::optional<Value> v = map.Find("pk")) PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->pk));
  if (out->pk && out->nullable) {
    return ErrorAt(*map.Find("nullable"), "a primary key column cannot be nullable");
  }
  return Status::Ok();
}

Status ReadColumnConstraints(const YamlMap& map, ColumnSpec* out) {
  if (std::optional<Value> v = map.Find("default")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*v, &out->default_value.emplace()));
  }
  if (std::optional<Value> v = map.Find("check")) {
    PGPHASE_RETURN_IF_ERROR(ReadCheck(*v, &out->check.emplace()));
  }
  if (std::optional<Value> v = map.Find("references")) {
    PGPHASE_RETURN_IF_ERROR(ReadReferences(*v, &out->references.emplace()));
  }
  if (std::optional<Value> v = map.Find("comment")) {
    PGPHASE_RETURN_IF_ERROR(ReadComment(*v, &out->comment));
  }
  return Status::Ok();
}

Status ReadColumn(const Value& v, ColumnSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(
      v, {"name", "type", "nullable", "unique", "pk", "default", "check", "references", "comment"},
      {"name", "type"}, &map));
  out->where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadType(*map.Find("type"), &out->type));
  PGPHASE_RETURN_IF_ERROR(ReadColumnFlags(map, out));
  return ReadColumnConstraints(map, out);
}

}  // namespace

Status ReadAddColumn(const Value& v, AddColumnOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "up", "column"}, {"table", "column"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->table));
  PGPHASE_RETURN_IF_ERROR(ReadColumn(*map.Find("column"), &out->column));
  if (std::optional<Value> up = map.Find("up")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*up, &out->up.emplace()));
  }
  return Status::Ok();
}

}  // namespace pgphase::spec_internal

namespace pgphase::spec_internal {

Status NotSupportedYet(const Value& key) {
  return ErrorAt(key, "operation " + key.node.Scalar() + " is not supported yet");
}

Status ReadAddColumnOp(const Value& /*key*/, const Value& v, Operation* out) {
  AddColumnOp op;
  PGPHASE_RETURN_IF_ERROR(ReadAddColumn(v, &op));
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
