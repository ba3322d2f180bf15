// Several operations on one column of one migration, combined before planning (merge.cc
// says how). Private to the plan module.
#pragma once

#include <string>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/spec.h"

namespace pgphase {

// The migration with operations on a column that an earlier operation of it adds or
// changes folded into that earlier one; `notes` says what was combined.
// Errors: ExitCode::kInvalid when two of them cannot be combined (two checks on a column).
Result<ChangeSpec> CombineColumnOperations(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                                           std::vector<std::string>* notes);

// The migration without the alter_column operations that only change a column referencing
// a key another alter_column of it changes, to that key's new type (merge_referencing.cc):
// the key's plans them; `notes` says which.
ChangeSpec FoldReferencingColumns(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                                  std::vector<std::string>* notes);

}  // namespace pgphase
