#include "exec/backfill_parts.h"

#include <algorithm>
#include <cmath>

#include "exec/row_scan.h"
#include "pgphase/ddl.h"
#include "pgphase/ddl_scan.h"

namespace pgphase::exec {
namespace {

// Sampled keys aimed at per part: enough for parts of even size within a few percent.
constexpr double kSampleKeysPerPart = 200;

// The histogram of a one-column key as pg_stats has it (ANALYZE, autovacuum): its bounds in
// key order, as text. Empty when there is none.
std::vector<std::vector<std::string>> HistogramKeys(pqxx::connection& conn,
                                                    const BackfillJob& job) {
  if (job.key.size() != 1) return {};
  pqxx::nontransaction tx(conn);
  auto r = tx.exec_params(
      "SELECT histogram_bounds::text FROM pg_catalog.pg_stats "
      "WHERE schemaname = $1 AND tablename = $2 AND attname = $3 AND NOT inherited",
      job.schema, job.table, job.key[0].name);
  std::vector<std::vector<std::string>> keys;
  if (r.empty() || r[0][0].is_null()) return keys;
  for (auto& k : ParseTextArray(r[0][0].c_str())) keys.push_back({std::move(k)});
  return keys;
}

// The keys of a sample of the table's pages, in key order.
std::vector<std::vector<std::string>> SampledKeys(pqxx::connection& conn, const BackfillJob& job,
                                                  int parts, long long total) {
  const double percent =
      std::clamp(100.0 * kSampleKeysPerPart * parts / std::max(1LL, total), 0.001, 100.0);
  pqxx::nontransaction tx(conn);
  auto r =
      tx.exec_params(ddl::SampleKeysQuery({job.schema, job.table}, KeysetOf(job.key)), percent);
  std::vector<std::vector<std::string>> keys;
  for (const auto& row : r) {
    std::vector<std::string> key;
    for (const auto& f : row) key.push_back(f.c_str());
    keys.push_back(std::move(key));
  }
  return keys;
}

std::vector<BackfillRow> KeyParts(pqxx::connection& conn, const BackfillJob& job, int parts,
                                  long long total) {
  std::vector<std::vector<std::string>> keys = HistogramKeys(conn, job);
  if (keys.size() < static_cast<size_t>(parts)) keys = SampledKeys(conn, job, parts, total);
  const std::vector<KeyPart> split = SplitKeys(keys, parts);
  std::vector<BackfillRow> rows;
  for (const KeyPart& p : split) {
    BackfillRow row;
    row.part = static_cast<int>(rows.size());
    row.last_key = p.after;
    row.upper_key = p.upto;
    row.rows_total = total / static_cast<long long>(split.size());
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<BackfillRow> PageParts(pqxx::connection& conn, const BackfillJob& job, int parts,
                                   long long total) {
  pqxx::nontransaction tx(conn);
  auto r = tx.exec_params(ddl::CtidScanStart(), ddl::Rel{job.schema, job.table}.Quoted());
  if (r[0][1].is_null()) return {BackfillRow{}};  // no storage of its own: the walk says so
  const long long pages = r[0][0].as<long long>();
  const std::string filenode = r[0][1].c_str();
  std::vector<BackfillRow> rows;
  for (const PageRange& p : SplitPages(pages, parts)) {
    BackfillRow row;
    row.part = static_cast<int>(rows.size());
    row.last_key = {std::to_string(p.first), std::to_string(p.end), filenode};
    if (p.first > 0) row.last_key.push_back(std::to_string(p.first));
    row.rows_total = pages > 0 ? total * (p.end - p.first) / pages : 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

bool operator==(const KeyPart& a, const KeyPart& b) {
  return a.after == b.after && a.upto == b.upto;
}

bool operator==(const PageRange& a, const PageRange& b) {
  return a.first == b.first && a.end == b.end;
}

std::vector<KeyPart> SplitKeys(const std::vector<std::vector<std::string>>& keys, int parts) {
  std::vector<KeyPart> out(1);
  const auto n = static_cast<long long>(keys.size());
  // Part i ends at the key i * n / parts of the way through (the first and the last part
  // stay open), skipping a bound equal to the one before.
  for (long long i = 1; i < parts; ++i) {
    const long long at = i * n / parts;
    if (at <= 0 || at >= n) continue;
    const std::vector<std::string>& bound = keys[static_cast<size_t>(at)];
    if (out.back().after == bound) continue;
    out.back().upto = bound;
    out.push_back({bound, {}});
  }
  return out;
}

std::vector<PageRange> SplitPages(long long pages, int parts) {
  const long long n = std::clamp<long long>(parts, 1, std::max(1LL, pages));
  std::vector<PageRange> out;
  for (long long i = 0; i < n; ++i) out.push_back({i * pages / n, (i + 1) * pages / n});
  return out;
}

std::vector<BackfillRow> PlanParts(pqxx::connection& conn, const BackfillJob& job, int parts,
                                   long long total) {
  if (parts <= 1) return {BackfillRow{}};
  return job.ByCtid() ? PageParts(conn, job, parts, total) : KeyParts(conn, job, parts, total);
}

}  // namespace pgphase::exec
