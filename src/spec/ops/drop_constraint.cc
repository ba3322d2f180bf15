// drop_constraint (pgroll's older, single-column form): {table, name, up, down}, `up` and
// `down` one expression each.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, DropConstraintOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("drop_constraint"), &map));
  DropConstraintOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.up.emplace_back().expr));
  }
  if (std::optional<Value> f = map.Find("down")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.down.emplace_back().expr));
  }
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
