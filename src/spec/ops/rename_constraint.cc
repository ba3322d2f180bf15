// rename_constraint: {table, from, to}, two different names.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, RenameConstraintOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("rename_constraint"), &map));
  RenameConstraintOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  if (op.from == op.to) return ErrorAt(*map.Find("to"), "from and to are the same name");
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
