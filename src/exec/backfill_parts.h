// Splitting a backfill into parts for a parallel fill (--workers, docs/how-it-works.md
// "Backfill"). A keyset walk splits its key range at keys taken from the key column's histogram
// (pg_stats.histogram_bounds) or from a sample of the table's rows, a ctid walk its pages into
// ranges. The parts are consecutive and together cover every key (or page), whatever the
// sample: the keys only decide where the bounds fall, so a stale histogram costs balance,
// never a row. The split happens once, when the backfill starts; each part then has its own
// checkpoint row (BackfillRow::part), so a resume continues every part where it stopped.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "exec/state.h"
#include "pgphase/plan.h"

namespace pgphase::exec {

// One keyset part: the keys after `after` (empty: from the first) up to and including `upto`
// (empty: to the last).
struct KeyPart {
  std::vector<std::string> after;
  std::vector<std::string> upto;
};
bool operator==(const KeyPart& a, const KeyPart& b);

// Up to `parts` parts split at evenly spaced keys of `keys` (in key order, as text), fewer when
// there are fewer keys than that; one part (from the first key to the last) for none.
std::vector<KeyPart> SplitKeys(const std::vector<std::vector<std::string>>& keys, int parts);

// Pages [first, end).
struct PageRange {
  long long first = 0;
  long long end = 0;
};
bool operator==(const PageRange& a, const PageRange& b);

// `pages` pages in up to `parts` consecutive ranges of (nearly) equal size, at least one page
// each; one range [0, 0) for an empty table.
std::vector<PageRange> SplitPages(long long pages, int parts);

// The checkpoint rows of `job` in up to `parts` parts (part 0, 1, ...), each with its share of
// `total` rows, read from the table now. One row (part 0, from the start) when the table does
// not split. Throws what libpqxx throws.
std::vector<BackfillRow> PlanParts(pqxx::connection& conn, const BackfillJob& job, int parts,
                                   long long total);

}  // namespace pgphase::exec
