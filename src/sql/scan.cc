#include <fmt/format.h>

#include "pgphase/ddl_scan.h"
#include "sql/clauses.h"

namespace pgphase::ddl {
namespace {

std::string Params(const Keyset& k, int first) {
  std::string out;
  for (size_t i = 0; i < k.types.size(); ++i)
    out += fmt::format("{}${}::{}", i ? ", " : "", first + static_cast<int>(i), k.types[i]);
  return out;
}

// A ctid names a tuple of one relation: ctid ranges read only the table itself. Key ranges
// read its partitions (or children) too, as the backfill does.
std::string From(const Rel& t, const Keyset& k) {
  return (k.columns.empty() ? "ONLY " : "") + t.Quoted();
}

std::string Matching(const std::string& only_where) {
  return only_where.empty() ? "" : " AND (" + only_where + ")";
}

}  // namespace

std::string KeyRange(const Keyset& k, bool lower, bool upper, int first) {
  const std::string keys = "(" + JoinQuoted(k.columns) + ")";
  const int n = static_cast<int>(k.columns.size());
  std::string out;
  if (lower) out = fmt::format("{} > ({})", keys, Params(k, first));
  if (upper)
    out += fmt::format("{}{} <= ({})", out.empty() ? "" : " AND ", keys,
                       Params(k, lower ? first + n : first));
  return out.empty() ? "true" : out;
}

std::string KeyEquals(const Keyset& k, int first) {
  if (k.columns.empty()) return fmt::format("ctid = ${}::tid", first);
  return fmt::format("({}) = ({})", JoinQuoted(k.columns), Params(k, first));
}

std::string CtidRange(int first) {
  return fmt::format("ctid >= ${}::tid AND ctid < ${}::tid", first, first + 1);
}

std::string KeyText(const Keyset& k) {
  if (k.columns.empty()) return "ctid::text AS k1";
  std::string out;
  for (size_t i = 0; i < k.columns.size(); ++i)
    out += fmt::format("{}{}::text AS k{}", i ? ", " : "", Q(k.columns[i]), i + 1);
  return out;
}

std::string BatchEndQuery(const Rel& t, const Keyset& k, bool lower) {
  std::string desc;
  for (size_t i = 0; i < k.columns.size(); ++i) desc += (i ? ", " : "") + Q(k.columns[i]) + " DESC";
  const std::string keys = JoinQuoted(k.columns);
  return fmt::format(
      "SELECT {text} FROM (SELECT {keys} FROM {t}{where} ORDER BY {keys} LIMIT ${n}::bigint) batch "
      "ORDER BY {desc} LIMIT 1",
      fmt::arg("text", KeyText(k)), fmt::arg("keys", keys), fmt::arg("t", t.Quoted()),
      fmt::arg("where", lower ? " WHERE " + KeyRange(k, true, false) : ""),
      fmt::arg("n", lower ? k.columns.size() + 1 : 1), fmt::arg("desc", desc));
}

std::string NextKeysQuery(const Rel& t, const Keyset& k, bool lower, bool upper) {
  const std::string keys = JoinQuoted(k.columns);
  const int n = static_cast<int>(k.columns.size());
  const int limit = lower ? n + 1 : 1;
  std::string range = lower ? KeyRange(k, true, false) : "";
  if (upper)
    range +=
        fmt::format("{}({}) <= ({})", range.empty() ? "" : " AND ", keys, Params(k, limit + 1));
  return fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT ${}::bigint", KeyText(k), From(t, k),
                     range.empty() ? "" : " WHERE " + range, keys, limit);
}

std::string SampleKeysQuery(const Rel& t, const Keyset& k) {
  return fmt::format("SELECT {} FROM {} TABLESAMPLE SYSTEM ($1::float8) ORDER BY {}", KeyText(k),
                     t.Quoted(), JoinQuoted(k.columns));
}

std::string KeysInRangeQuery(const Rel& t, const Keyset& k, const std::string& range) {
  return fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {}", KeyText(k), From(t, k), range,
                     k.columns.empty() ? "ctid" : JoinQuoted(k.columns));
}

std::string EvaluateQuery(const Rel& t, const Keyset& k, const std::string& expr,
                          const std::string& only_where, const std::string& range) {
  return fmt::format("SELECT count(*), count(*) FILTER (WHERE {} IS NULL) FROM {} WHERE {}{}", expr,
                     From(t, k), range, Matching(only_where));
}

std::string NullRowsQuery(const Rel& t, const Keyset& k, const std::string& expr,
                          const std::string& only_where, const std::string& range, int limit) {
  return fmt::format("SELECT {} FROM {} WHERE {}{} AND {} IS NULL LIMIT {}", KeyText(k), From(t, k),
                     range, Matching(only_where), expr, limit);
}

}  // namespace pgphase::ddl
