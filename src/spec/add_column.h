// Reads one `add_column:` operation (private to the spec module).
#pragma once

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

// `v` is the value under the `add_column:` key.
Status ReadAddColumn(const Value& v, AddColumnOp* out);

}  // namespace pgphase::spec_internal
