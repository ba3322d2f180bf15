// add_column: {table, column (spec/column.h: ReadColumn), up}.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadAddColumnOp(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "up", "column"}, {"table", "column"}, &map));
  AddColumnOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadColumn(*map.Find("column"), &op.column));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "up", &op.up));
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
