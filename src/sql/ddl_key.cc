#include "pgphase/ddl_key.h"

#include <fmt/format.h>

#include <limits>

#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {

Statement SetSequenceType(const Rel& seq, const std::string& type) {
  return {fmt::format("ALTER SEQUENCE {} AS {}", seq.Quoted(), type), Lock::kAccessExclusive};
}

std::optional<std::pair<int64_t, int64_t>> IntegerRange(const std::string& type) {
  const std::string t = CanonicalType(type);
  if (t == "smallint")
    return std::pair<int64_t, int64_t>{std::numeric_limits<int16_t>::min(),
                                       std::numeric_limits<int16_t>::max()};
  if (t == "integer")
    return std::pair<int64_t, int64_t>{std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max()};
  if (t == "bigint")
    return std::pair{std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  return std::nullopt;
}

Statement RefuseValuesOutside(const Rel& t, const std::string& column,
                              std::pair<int64_t, int64_t> range, const std::string& type,
                              const std::vector<std::string>& key) {
  std::string keys;
  for (const auto& k : key) keys += (keys.empty() ? "" : ", ") + Q(k) + "::text";
  const std::string body = fmt::format(
      "\nDECLARE\n"
      "  keys text;\n"
      "BEGIN\n"
      "  SELECT pg_catalog.string_agg(k, ', ') INTO keys FROM (SELECT pg_catalog.concat_ws(', ', "
      "{keys}) AS k FROM {rel} WHERE {col} NOT BETWEEN {lo} AND {hi} ORDER BY {col} LIMIT 10) s;\n"
      "  IF keys IS NOT NULL THEN\n"
      "    RAISE EXCEPTION USING ERRCODE = {state}, MESSAGE = pg_catalog.format('column %s of %s "
      "holds values that type %s cannot hold (up to ten rows, by key: %s); reversing would lose "
      "them: change or delete them first', {col_lit}, {rel_lit}, {type}, keys);\n"
      "  END IF;\n"
      "END\n",
      fmt::arg("keys", keys), fmt::arg("rel", t.Quoted()), fmt::arg("col", Q(column)),
      fmt::arg("lo", range.first), fmt::arg("hi", range.second),
      fmt::arg("state", QuoteLiteral(kRefusedSqlState)), fmt::arg("col_lit", QuoteLiteral(column)),
      fmt::arg("rel_lit", QuoteLiteral(t.Quoted())), fmt::arg("type", QuoteLiteral(type)));
  return {DoBlock(body), Lock::kAccessShare};
}

}  // namespace pgphase::ddl
