// set_replica_identity: {table, identity {type: full | default | nothing | index, index}}; index
// (the index to use) with type index only.
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, SetReplicaIdentityOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("set_replica_identity"), &map));
  SetReplicaIdentityOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  const Value identity = *map.Find("identity");
  YamlMap id;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(identity, Shape("replica_identity"), &id));
  PGPHASE_RETURN_IF_ERROR(ReadKeyword(*id.Find("type"), kReplicaIdentities, "value", &op.type));
  std::optional<Value> index = id.Find("index");
  if (op.type == "INDEX" && !index)
    return ErrorAt(identity, "identity type index needs `index` (the index to use)");
  if (op.type != "INDEX" && index)
    return ErrorAt(*index, "only identity type index takes an index");
  if (index) PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*index, &op.index));
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
