// rename_table: {from, to}, two different names.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadRenameTable(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"from", "to"}, {"from", "to"}, &map));
  RenameTableOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  if (op.from == op.to) return ErrorAt(*map.Find("to"), "the new name is the old name");
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
