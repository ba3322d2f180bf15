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

// An identity column's sequence moves from column `from` to column `to` of `t` (NOT NULL,
// without a default) in a DO block: its name, increment, start, cache, cycle and current
// value are kept, so nextval goes on where it was; a bound that was the default of
// `from_range` (the old type's) becomes the new type's default. `always`: GENERATED ALWAYS,
// else BY DEFAULT. ACCESS EXCLUSIVE.
Statement MoveIdentity(const Rel& t, const std::string& from, const std::string& to, const Rel& seq,
                       bool always, std::pair<int64_t, int64_t> from_range);
// Reversing MoveIdentity in two steps, for a column `to` that cannot take an identity yet (it
// is NULLable until its NOT NULL is restored): IdentityToDefault drops the identity of `from`
// and gives `to` the default nextval of a new sequence `tmp` (AS `type`) with the identity's
// options and value; DefaultToIdentity later makes `to` an identity again with sequence
// `seq`, from `tmp`'s options and value, and drops `tmp`. ACCESS EXCLUSIVE.
Statement IdentityToDefault(const Rel& t, const std::string& from, const std::string& to,
                            const Rel& seq, const Rel& tmp, const std::string& type);
Statement DefaultToIdentity(const Rel& t, const std::string& column, const Rel& tmp, const Rel& seq,
                            bool always);

}  // namespace pgphase::ddl
