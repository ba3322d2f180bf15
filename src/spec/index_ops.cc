// Readers for the index operations (see spec/ops.h).
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadCreateIndex(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

Status ReadDropIndex(const Value& key, const Value& /*v*/, Operation* /*out*/) {
  return NotSupportedYet(key);
}

}  // namespace pgphase::spec_internal
