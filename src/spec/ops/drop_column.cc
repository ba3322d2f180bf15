// drop_column: {table, column, down}.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, DropColumnOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("drop_column"), &map));
  DropColumnOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &op.column));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "down", &op.down));
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
