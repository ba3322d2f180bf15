// Readers for the table operations (see spec/ops.h).
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadCreateTable(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadDropTable(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadRenameTable(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadSetReplicaIdentity(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadSql(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

}  // namespace pgphase::spec_internal
