#include "plan/keys.h"

#include <algorithm>

namespace pgphase {

std::vector<KeyColumn> KeysetKey(const TableInfo& table) {
  std::vector<KeyColumn> key;
  auto add = [&](const std::string& name) {
    const ColumnInfo* c = table.FindColumn(name);
    key.push_back({name, c ? c->type : "text"});
  };
  if (!table.primary_key.empty()) {
    for (const auto& c : table.primary_key) add(c);
    return key;
  }
  for (const auto& idx : table.indexes) {
    if (!IsKeyIndex(table, idx)) continue;
    for (const auto& c : idx.columns) add(c);
    return key;
  }
  return key;
}

std::vector<std::string> KeyNames(const TableInfo& table) {
  std::vector<std::string> out;
  for (const KeyColumn& k : KeysetKey(table)) out.push_back(k.name);
  return out;
}

bool IsKeyIndex(const TableInfo& table, const IndexInfo& index) {
  if (!index.unique || !index.valid || index.partial || index.columns.empty()) return false;
  return std::all_of(index.columns.begin(), index.columns.end(), [&](const auto& n) {
    const ColumnInfo* c = table.FindColumn(n);
    return c != nullptr && c->not_null;
  });
}

}  // namespace pgphase
