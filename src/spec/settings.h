// Reads the top-level `settings:` block (private to the spec module).
#pragma once

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

// `v` is the value of `settings:`. Fields not written keep their defaults in `out`.
Status ReadSettings(const Value& v, Settings* out);

}  // namespace pgphase::spec_internal
