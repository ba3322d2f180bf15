// sql: {up, down, onComplete}; onComplete SQL runs at contract and so has no down.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, SqlOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"up", "down", "onComplete"}, {"up"}, &map));
  SqlOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("up"), &op.up));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "down", &op.down));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "onComplete", &op.on_complete));
  if (op.on_complete && op.down)
    return ErrorAt(*map.Find("down"),
                   "onComplete SQL runs at contract, which is never reversed: `down` would "
                   "never run");
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
