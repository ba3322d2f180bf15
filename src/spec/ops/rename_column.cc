// rename_column: {table, from, to}.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadRenameColumn(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "from", "to"}, {"table", "from", "to"}, &map));
  RenameColumnOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
