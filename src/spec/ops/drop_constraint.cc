// drop_constraint (pgroll's older, single-column form) and drop_multicolumn_constraint,
// which share DropConstraintOp:
//   drop_constraint:             {table, name, up, down} (up/down: one expression each)
//   drop_multicolumn_constraint: {table, name, up {column: expression}, down {...}}
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadDropConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.up.emplace_back().expr));
  }
  if (std::optional<Value> f = map.Find("down")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.down.emplace_back().expr));
  }
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropMulticolumnConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  op.multicolumn = true;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.up));
  if (std::optional<Value> f = map.Find("down"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.down));
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
