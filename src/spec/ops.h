// One reader per operation (private to the spec module). `key` is the operation's name
// as written (for errors about the operation as a whole), `v` the value under it.
// Each lives in spec/ops/<operation>.cc; the shapes several operations share are read by
// spec/column.h.
#pragma once

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

// One reader per row of PGPHASE_OPERATIONS (pgphase/spec.h).
#define PGPHASE_DECLARE_READER(kind, Type) \
  Status ReadOperation(const Value& key, const Value& v, Type* out);
PGPHASE_OPERATIONS(PGPHASE_DECLARE_READER)
#undef PGPHASE_DECLARE_READER

}  // namespace pgphase::spec_internal
