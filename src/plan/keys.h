// Which columns identify and order a table's rows for a keyset backfill. Private to the plan
// module (the drift check uses it too).
#pragma once

#include <string>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/plan.h"

namespace pgphase {

// Key columns for keyset batches: the primary key, else the first valid, non-partial
// unique index over NOT NULL plain columns. Empty when the table has neither.
std::vector<KeyColumn> KeysetKey(const TableInfo& table);
// The names of KeysetKey(table).
std::vector<std::string> KeyNames(const TableInfo& table);
// True when `index` of `table` can order and identify every row: valid, unique, not
// partial, over plain columns that are all NOT NULL.
bool IsKeyIndex(const TableInfo& table, const IndexInfo& index);

}  // namespace pgphase
