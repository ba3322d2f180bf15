// Readers for the column operations (see spec/ops.h).
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadAlterColumn(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadDropColumn(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadRenameColumn(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

}  // namespace pgphase::spec_internal
