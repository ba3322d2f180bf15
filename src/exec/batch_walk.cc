#include "exec/batch_walk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "exec/db.h"
#include "exec/row_scan.h"
#include "pgphase/ddl.h"
#include "pgphase/ddl_scan.h"

namespace pgphase::exec {
namespace {

// The first batch when no checkpoint recorded a size, in rows.
constexpr long long kInitialBatchRows = 1000;

// The fill of one row, each assignment on its own (a fix of rows writes them together, as
// its batches do), in savepoints of `tx`: what still raises goes to `failed`.
void FillRow(pqxx::transaction_base& tx, const BackfillJob& job, const ddl::Keyset& k,
             const std::vector<std::string>& key, const BatchWalk::RowFailed& failed) {
  const ddl::Rel table{job.schema, job.table};
  std::vector<std::vector<ddl::Assignment>> parts;
  if (job.only_where.empty()) {
    for (const auto& a : job.assignments) parts.push_back({a});
  } else {
    parts.push_back(job.assignments);
  }
  for (const auto& part : parts) {
    // Plain savepoints: libpqxx 6.4's subtransaction does not begin before exec_params.
    tx.exec("SAVEPOINT pgphase_row");
    try {
      tx.exec_params(ddl::BackfillRow(table, ddl::KeyEquals(k), part, job.only_where),
                     pqxx::prepare::make_dynamic_params(key));
      tx.exec("RELEASE SAVEPOINT pgphase_row");
    } catch (const pqxx::sql_error& e) {
      if (!IsDataError(e.sqlstate())) throw;
      tx.exec("ROLLBACK TO SAVEPOINT pgphase_row");
      failed(key, job.only_where.empty() ? part[0].column : "", e);
    }
  }
}

std::vector<std::string> KeysOf(const pqxx::field& f) {
  return f.is_null() ? std::vector<std::string>() : ParseTextArray(f.c_str());
}

// A verification's four report columns (ddl::BackfillBatch), from column `first` of `row` on;
// empty for a job that does not verify.
Repair ReadRepair(const BackfillJob& job, const pqxx::row& row, pqxx::row::size_type first) {
  if (!job.verify) return {};
  return {row[first].as<long long>(), KeysOf(row[first + 2]), row[first + 1].as<long long>(),
          KeysOf(row[first + 3])};
}

class KeysetWalk final : public BatchWalk {
 public:
  KeysetWalk(const BackfillJob& job, const BackfillRow& state)
      : job_(job),
        keyset_(KeysetOf(job.key)),
        keys_(state.last_key),
        upper_(state.upper_key),
        first_sql_(BatchSql(job, /*first_batch=*/true, !upper_.empty()).sql),
        next_sql_(BatchSql(job, /*first_batch=*/false, !upper_.empty()).sql) {}

  std::string_view Unit() const override { return "rows"; }
  BatchLimits Limits(const Resolved& s) const override {
    return {s.batch_size_min, s.batch_size_max, kInitialBatchRows};
  }

  BatchOutcome Run(pqxx::transaction_base& tx, long long size) override {
    auto r = tx.exec_params(keys_.empty() ? first_sql_ : next_sql_,
                            pqxx::prepare::make_dynamic_params(Params(size)));
    const long long scanned = r[0][0].as<long long>();
    if (scanned == 0) return BatchOutcome::Finished();
    const auto key_columns = static_cast<pqxx::row::size_type>(job_.key.size());
    pending_.clear();
    for (pqxx::row::size_type i = 1; i <= key_columns; ++i) pending_.push_back(r[0][i].c_str());
    return BatchOutcome::Scanned(scanned, ReadRepair(job_, r[0], key_columns + 1));
  }

  BatchOutcome RunRows(pqxx::transaction_base& tx, long long size,
                       const RowFailed& failed) override {
    auto rows = tx.exec_params(
        ddl::NextKeysQuery({job_.schema, job_.table}, keyset_, !keys_.empty(), !upper_.empty()),
        pqxx::prepare::make_dynamic_params(Params(size)));
    if (rows.empty()) return BatchOutcome::Finished();
    for (const auto& row : rows) {
      pending_.clear();
      for (pqxx::row::size_type i = 0; i < row.size(); ++i) pending_.push_back(row[i].c_str());
      FillRow(tx, job_, keyset_, pending_, failed);
    }
    return BatchOutcome::Scanned(static_cast<long long>(rows.size()));
  }

  std::vector<std::string> Pending() const override { return pending_; }
  void Advance() override { keys_ = pending_; }

 private:
  // A batch's parameters: the last key done (none before the first batch), its size, and the
  // part's upper bound (none for the last part, or a walk in one part).
  std::vector<std::string> Params(long long size) const {
    std::vector<std::string> params = keys_;
    params.push_back(std::to_string(size));
    params.insert(params.end(), upper_.begin(), upper_.end());
    return params;
  }

  const BackfillJob& job_;
  const ddl::Keyset keyset_;
  std::vector<std::string> keys_;  // the last key done; empty before the first batch
  const std::vector<std::string> upper_;
  std::vector<std::string> pending_;
  std::string first_sql_, next_sql_;
};

// Where a ctid walk is: pages [next, end) are left, in the table file `filenode`. Stored as
// last_key {next, end, filenode}, and for a part of a parallel backfill that does not start at
// page 0, its first page too: {next, end, filenode, first}.
struct CtidPosition {
  long long next = 0;
  long long end = 0;
  std::string filenode;
  long long first = 0;

  std::vector<std::string> Key() const {
    std::vector<std::string> key{std::to_string(next), std::to_string(end), filenode};
    if (first > 0) key.push_back(std::to_string(first));
    return key;
  }
};

// A tid naming the first tuple of `page`, as text for a $n::tid parameter.
std::string PageTid(long long page) { return fmt::format("({},0)", page); }

// Batch sizes are pages; the settings are rows. They are divided by the table's average
// rows per page as it was when this walk was made, at the start or resume of the backfill
// (estimated rows / pages, at least one row per page), so batch_size_min/max keep roughly
// their meaning; a batch is at least one page.
// target_batch_time then adapts the size as in keyset mode.
BatchLimits PageLimits(long long rows, long long pages, const Resolved& s) {
  const double rows_per_page = std::max(1.0, static_cast<double>(rows) / std::max(1LL, pages));
  auto in_pages = [&](long long n) {
    return std::max(1LL, std::llround(static_cast<double>(n) / rows_per_page));
  };
  BatchLimits l;
  l.min = in_pages(s.batch_size_min);
  l.max = std::max(l.min, in_pages(s.batch_size_max));
  l.initial = in_pages(kInitialBatchRows);
  return l;
}

class CtidWalk final : public BatchWalk {
 public:
  CtidWalk(pqxx::connection& conn, const BackfillJob& job, const BackfillRow& state)
      : job_(job),
        table_{job.schema, job.table},
        sql_(BatchSql(job, /*first_batch=*/false).sql),
        rows_(state.rows_total) {
    at_ = state.last_key.empty() ? Start(conn) : FromKey(state.last_key);
    pending_ = at_;
    pages_ = at_.end - at_.first;  // rows_total rows are on these pages (a part's, or all)
  }

  std::string_view Unit() const override { return "pages"; }
  BatchLimits Limits(const Resolved& s) const override { return PageLimits(rows_, pages_, s); }

  BatchOutcome Run(pqxx::transaction_base& tx, long long size) override {
    if (at_.next >= at_.end) return BatchOutcome::Finished();
    const long long to = std::min(at_.end, at_.next + size);
    auto r = tx.exec_params(sql_, table_.Quoted(), at_.filenode, PageTid(at_.next), PageTid(to));
    const std::string filenode = r[0][2].is_null() ? "" : r[0][2].c_str();
    if (filenode == at_.filenode) {
      pending_ = {to, at_.end, at_.filenode, at_.first};
      return BatchOutcome::Scanned(r[0][0].as<long long>(), ReadRepair(job_, r[0], 3));
    }
    // Rewritten since the walk started: rows it had not reached may now sit on pages it
    // passed, so it starts over (rows already filled are skipped, not written again).
    pending_ = {0, r[0][1].as<long long>(), filenode};
    return BatchOutcome::Restarted(
        fmt::format("{} was rewritten (VACUUM FULL, CLUSTER or TRUNCATE) during the backfill; "
                    "the ctid walk starts again from its first page",
                    table_.Quoted()));
  }

  // A rewrite meanwhile is found by the next batch (Run), which starts the walk over.
  BatchOutcome RunRows(pqxx::transaction_base& tx, long long size,
                       const RowFailed& failed) override {
    if (at_.next >= at_.end) return BatchOutcome::Finished();
    const long long to = std::min(at_.end, at_.next + size);
    auto tids = tx.exec_params(ddl::KeysInRangeQuery(table_, {}, ddl::CtidRange()),
                               PageTid(at_.next), PageTid(to));
    for (const auto& row : tids) FillRow(tx, job_, {}, {row[0].c_str()}, failed);
    pending_ = {to, at_.end, at_.filenode, at_.first};
    return BatchOutcome::Scanned(static_cast<long long>(tids.size()));
  }

  std::vector<std::string> Pending() const override { return pending_.Key(); }
  void Advance() override { at_ = pending_; }

 private:
  // The table's size now fixes where the walk ends: rows written beyond it from now on
  // (inserted, or moved by an UPDATE) went through the sync trigger, which filled them.
  CtidPosition Start(pqxx::connection& conn) const {
    pqxx::nontransaction tx(conn);
    auto r = tx.exec_params(ddl::CtidScanStart(), table_.Quoted());
    if (r[0][1].is_null())
      throw std::runtime_error(table_.Quoted() +
                               " has no storage of its own (partitioned?): ctid ranges cannot "
                               "batch its backfill");
    return {0, r[0][0].as<long long>(), r[0][1].c_str()};
  }

  CtidPosition FromKey(const std::vector<std::string>& key) const {
    if (key.size() != 3 && key.size() != 4)
      throw std::runtime_error("backfill checkpoint of " + table_.Quoted() +
                               " is not a ctid position {next page, end page, file node}");
    return {std::stoll(key[0]), std::stoll(key[1]), key[2],
            key.size() == 4 ? std::stoll(key[3]) : 0};
  }

  const BackfillJob& job_;
  ddl::Rel table_;
  std::string sql_;
  CtidPosition at_, pending_;
  long long rows_, pages_;  // the table's size when this walk was made, for Limits
};

}  // namespace

std::unique_ptr<BatchWalk> MakeBatchWalk(pqxx::connection& conn, const BackfillJob& job,
                                         const BackfillRow& state) {
  if (job.ByCtid()) return std::make_unique<CtidWalk>(conn, job, state);
  return std::make_unique<KeysetWalk>(job, state);
}

}  // namespace pgphase::exec
