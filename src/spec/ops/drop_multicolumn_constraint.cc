// drop_multicolumn_constraint: {table, name, up {column: expression}, down {...}}.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, DropMulticolumnConstraintOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("drop_multicolumn_constraint"), &map));
  DropMulticolumnConstraintOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.up));
  if (std::optional<Value> f = map.Find("down"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.down));
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
