#include "spec/add_column.h"

#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadAddColumn(const Value& v, AddColumnOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "up", "column"}, {"table", "column"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->table));
  PGPHASE_RETURN_IF_ERROR(ReadColumn(*map.Find("column"), &out->column));
  return ReadOptionalSqlExpr(map, "up", &out->up);
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
