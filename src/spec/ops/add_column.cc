// add_column: {table, column (spec/column.h: ReadColumn), up}.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, AddColumnOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("add_column"), &map));
  AddColumnOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadColumn(*map.Find("column"), &op.column));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "up", &op.up));
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
