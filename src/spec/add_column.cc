#include "spec/add_column.h"
#include "spec/ops.h"

#include <array>
#include <cctype>
#include <sstream>

namespace pgphase::spec_internal {
namespace {

constexpr std::array<std::string_view, 5> kOnDeleteActions = {"NO ACTION", "RESTRICT", "CASCADE",
                                                              "SET NULL", "SET DEFAULT"};

// "set  null" -> "SET NULL": upper case, words separated by one space.
std::string NormalizeAction(const std::string& written) {
  std::istringstream words(written);
  std::string word;
  std::string out;
  while (words >> word) {
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

Status ReadOnDelete(const Value& v, std::string* out) {
  std::string written;
  PGPHASE_RETURN_IF_ERROR(ReadString(v, &written));
  std::string action = NormalizeAction(written);
  for (std::string_view known : kOnDeleteActions) {
    if (action == known) {
      *out = action;
      return Status::Ok();
    }
  }
  return ErrorAt(v, "unknown action \"" + written +
                        "\"; expected one of: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT");
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
