// Read-only queries over a table's rows in ranges, for the executor's checks of user
// expressions against existing rows (the precheck before expand, re-evaluating rows the sync
// trigger recorded). A range is of keys (keyset order) or of pages (ctid), as the backfill
// walks the table. Pure string functions, like ddl.h: identifiers quoted here, user
// expressions arrive embedded. Parameters are always text, cast in the query.
#pragma once

#include <string>
#include <vector>

#include "pgphase/ddl.h"

namespace pgphase::ddl {

// The key columns of a keyset range and their types (format_type spellings); none for ctid
// ranges (which read only the table itself: a ctid names a tuple of one relation).
struct Keyset {
  std::vector<std::string> columns;
  std::vector<std::string> types;
};

// "(k1, k2) > ($n::t1, $n+1::t2)" and/or "(k1, k2) <= ($m::t1, ...)", numbered from `first`:
// the lower bound's parameters first. Neither bound: "true".
std::string KeyRange(const Keyset& k, bool lower, bool upper, int first = 1);
// "(k1, k2) = ($first::t1, ...)", or "ctid = $first::tid" when `k` has no columns.
std::string KeyEquals(const Keyset& k, int first = 1);
// "ctid >= $first::tid AND ctid < $first+1::tid" (tids as text: '(page,0)').
std::string CtidRange(int first = 1);
// The key columns of a row as text, one column each, named k1, k2, ... so that an ORDER BY
// of the key columns sorts by their values, not their text ("ctid::text AS k1" when `k` has
// none).
std::string KeyText(const Keyset& k);

// The last key of the next `n` rows in key order after the lower bound (all of them when
// `lower` is false), one text column per key column; no row when there are none. Parameters:
// the lower bound's, then n.
std::string BatchEndQuery(const Rel& t, const Keyset& k, bool lower);
// The keys (KeyText) of the next `n` rows in key order after the lower bound (from the first
// when `lower` is false), up to and including an upper bound when `upper` is set (a part of
// a parallel backfill). Parameters: the lower bound's, then n, then the upper bound's.
std::string NextKeysQuery(const Rel& t, const Keyset& k, bool lower, bool upper = false);
// The keys (KeyText) of a sample of the table's rows (TABLESAMPLE SYSTEM, $1 percent of its
// pages), in key order: where a parallel backfill splits its key range.
std::string SampleKeysQuery(const Rel& t, const Keyset& k);
// The keys (KeyText) of the rows of a range, in key (or ctid) order.
std::string KeysInRangeQuery(const Rel& t, const Keyset& k, const std::string& range);
// Evaluates `expr` on every row of the range that matches `only_where` ("" for all): one row,
// (rows in the range, rows for which expr is NULL). Raises what expr raises.
std::string EvaluateQuery(const Rel& t, const Keyset& k, const std::string& expr,
                          const std::string& only_where, const std::string& range);
// The keys (KeyText) of up to `limit` rows of the range, matching `only_where`, for which expr
// is NULL.
std::string NullRowsQuery(const Rel& t, const Keyset& k, const std::string& expr,
                          const std::string& only_where, const std::string& range, int limit);

}  // namespace pgphase::ddl
