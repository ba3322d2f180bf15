// Readers for the constraint operations (see spec/ops.h).
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadCreateConstraint(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadDropConstraint(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadDropMulticolumnConstraint(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadRenameConstraint(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

}  // namespace pgphase::spec_internal
