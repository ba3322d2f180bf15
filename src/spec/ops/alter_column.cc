// alter_column: {table, column, name, type, nullable, default, comment, unique {name},
// check, references, up, down}; every change optional, at least one given. check and
// references are the column forms of spec/column.h. Shape only: the planner checks the
// changes against the catalog.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

// `default:` and `comment:` — an explicit null means "remove".
Status ReadRemovable(const YamlMap& map, AlterColumnOp* out) {
  if (std::optional<Value> v = map.Find("default")) {
    out->set_default = true;
    if (!v->node.IsNull()) PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*v, &out->default_value.emplace()));
  }
  if (std::optional<Value> v = map.Find("comment")) {
    out->set_comment = true;
    PGPHASE_RETURN_IF_ERROR(ReadComment(*v, &out->comment));
  }
  return Status::Ok();
}

Status ReadAlterConstraints(const YamlMap& map, AlterColumnOp* out) {
  if (std::optional<Value> v = map.Find("unique")) {
    YamlMap unique;
    PGPHASE_RETURN_IF_ERROR(YamlMap::Read(*v, Shape("unique"), &unique));
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*unique.Find("name"), &out->unique_name.emplace()));
  }
  if (std::optional<Value> v = map.Find("check")) {
    PGPHASE_RETURN_IF_ERROR(ReadCheck(*v, &out->check.emplace()));
  }
  if (std::optional<Value> v = map.Find("references")) {
    PGPHASE_RETURN_IF_ERROR(ReadReferences(*v, &out->references.emplace()));
  }
  return Status::Ok();
}

}  // namespace

Status ReadOperation(const Value& key, const Value& v, AlterColumnOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("alter_column"), &map));
  AlterColumnOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &op.column));
  if (std::optional<Value> name = map.Find("name")) {
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*name, &op.name.emplace()));
  }
  if (std::optional<Value> type = map.Find("type")) {
    PGPHASE_RETURN_IF_ERROR(ReadType(*type, &op.type.emplace()));
  }
  if (std::optional<Value> nullable = map.Find("nullable")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*nullable, &op.nullable.emplace()));
  }
  PGPHASE_RETURN_IF_ERROR(ReadRemovable(map, &op));
  PGPHASE_RETURN_IF_ERROR(ReadAlterConstraints(map, &op));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "up", &op.up));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "down", &op.down));
  const bool changes = op.name || op.type || op.nullable || op.set_default || op.set_comment ||
                       op.unique_name || op.check || op.references;
  if (!changes) {
    return ErrorAt(key,
                   "alter_column changes nothing; give at least one of: name, type, nullable, "
                   "default, comment, unique, check, references");
  }
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
