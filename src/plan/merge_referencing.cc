// A migration may name the columns that reference a key it changes: an alter_column of such
// a column to the key's new type, with nothing else, is the one the key's own alter_column
// plans with it (alter_column_referencing.cc), so it is dropped here, with a note.
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/sql.h"
#include "plan/merge.h"

namespace pgphase {
namespace {

// Whether `child` only changes the type of a column that references key `key` (of `schema`)
// by a foreign key, to `key`'s new type.
bool PlannedWithKey(const AlterColumnOp& child, const AlterColumnOp& key, const std::string& schema,
                    const CatalogSnapshot& catalog) {
  const TableInfo* t = catalog.FindTable(schema, child.table);
  if (t == nullptr || !child.type || child.name || child.nullable || child.set_default ||
      child.set_comment || child.unique_name || child.check || child.references || child.up ||
      child.down || CanonicalType(*child.type) != CanonicalType(*key.type))
    return false;
  return std::any_of(t->constraints.begin(), t->constraints.end(), [&](const ConstraintInfo& k) {
    if (k.type != 'f' || k.ref_schema != schema || k.ref_table != key.table) return false;
    for (size_t i = 0; i < k.columns.size() && i < k.ref_columns.size(); ++i)
      if (k.columns[i] == child.column && k.ref_columns[i] == key.column) return true;
    return false;
  });
}

}  // namespace

ChangeSpec FoldReferencingColumns(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                                  std::vector<std::string>* notes) {
  std::vector<const AlterColumnOp*> keys;
  for (const OperationEntry& e : spec.operations)
    if (const auto* o = std::get_if<AlterColumnOp>(&e.op); o != nullptr && o->type)
      keys.push_back(o);
  ChangeSpec out = spec;
  out.operations.clear();
  for (const OperationEntry& e : spec.operations) {
    const auto* o = std::get_if<AlterColumnOp>(&e.op);
    const auto key =
        o == nullptr ? keys.end() : std::find_if(keys.begin(), keys.end(), [&](const auto* k) {
          return k != o && PlannedWithKey(*o, *k, spec.settings.schema, catalog);
        });
    if (key == keys.end()) {
      out.operations.push_back(e);
      continue;
    }
    notes->push_back(
        fmt::format("alter_column {}.{}: planned with alter_column {}.{}, whose foreign key it is",
                    o->table, o->column, (*key)->table, (*key)->column));
  }
  return out;
}

}  // namespace pgphase
