// drop_index: {name}.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadDropIndex(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"name"}, {"name"}, &map));
  DropIndexOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
