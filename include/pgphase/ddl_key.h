// Statement builders for changing the type of a key that sequences and other tables'
// foreign keys depend on (alter_column_referencing.cc). Pure string functions, like ddl.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgphase/ddl.h"

namespace pgphase::ddl {

// The SQLSTATE a pgphase guard raises when the data refuses what was asked (the executor
// reports it as invalid input, exit 2, and changes nothing).
inline constexpr const char* kRefusedSqlState = "PGR01";

// ALTER SEQUENCE seq AS type: the sequence's bounds follow the type when they were the old
// type's; its value is kept. Locks the sequence only (nextval waits while it runs).
Statement SetSequenceType(const Rel& seq, const std::string& type);

// The values an integer type holds (smallint, integer, bigint under any spelling), or
// nullopt for any other type.
std::optional<std::pair<int64_t, int64_t>> IntegerRange(const std::string& type);

// A DO block that raises kRefusedSqlState when column `column` of `t` holds a value outside
// `range`, naming up to ten such rows by `key` (the message says they would be lost on
// reverse: `type` cannot hold them). Reads the table (ACCESS SHARE).
Statement RefuseValuesOutside(const Rel& t, const std::string& column,
                              std::pair<int64_t, int64_t> range, const std::string& type,
                              const std::vector<std::string>& key);

}  // namespace pgphase::ddl
