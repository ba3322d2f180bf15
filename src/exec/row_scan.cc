#include "exec/row_scan.h"

#include <fmt/format.h>

#include <optional>

#include "exec/db.h"

namespace pgphase::exec {
namespace {

constexpr long long kRowsPerRange = 100000;
constexpr long long kPagesPerRange = 2000;

using Params = std::vector<std::string>;

struct Evaluation {
  std::optional<RowFailure> raised;  // the key is not filled in
  long long rows = 0;
  long long nulls = 0;
};

class Scanner {
 public:
  Scanner(pqxx::connection& conn, const RowScanTarget& t, int max)
      : conn_(conn), t_(t), max_(max) {}

  Status ScanKeyset();
  Status ScanCtid();
  Result<std::optional<RowFailure>> One(const Params& key);
  RowScanResult& result() { return result_; }

 private:
  Evaluation Evaluate(const std::string& range, const Params& params);
  std::vector<Params> Rows(const std::string& query, const Params& params, size_t width);
  bool Full() const { return static_cast<int>(result_.failures.size()) >= max_; }
  void Bisect(const std::optional<Params>& lower, const std::vector<Params>& keys);
  void NullRows(const std::string& range, const Params& params);
  void FailingPage(long long page);

  pqxx::connection& conn_;
  const RowScanTarget& t_;
  const int max_;
  RowScanResult result_;
};

Evaluation Scanner::Evaluate(const std::string& range, const Params& params) {
  try {
    pqxx::read_transaction tx(conn_);
    auto r = tx.exec_params(ddl::EvaluateQuery(t_.table, t_.key, t_.expr, t_.only_where, range),
                            pqxx::prepare::make_dynamic_params(params));
    return {std::nullopt, r[0][0].as<long long>(), r[0][1].as<long long>()};
  } catch (const pqxx::sql_error& e) {
    if (!IsDataError(e.sqlstate())) throw;
    return {RowFailure{{}, e.sqlstate(), ServerMessage(e.what())}, 0, 0};
  }
}

std::vector<Params> Scanner::Rows(const std::string& query, const Params& params, size_t width) {
  pqxx::read_transaction tx(conn_);
  std::vector<Params> out;
  for (const auto& row : tx.exec_params(query, pqxx::prepare::make_dynamic_params(params))) {
    Params key;
    for (size_t i = 0; i < width; ++i) key.push_back(row[static_cast<int>(i)].c_str());
    out.push_back(std::move(key));
  }
  return out;
}

Result<std::optional<RowFailure>> Scanner::One(const Params& key) {
  const Evaluation e = Evaluate(ddl::KeyEquals(t_.key), key);
  if (e.raised) {
    RowFailure f = *e.raised;
    f.key = key;
    return std::optional<RowFailure>(f);
  }
  if (t_.null_fails && e.nulls > 0) return std::optional<RowFailure>(RowFailure{key, "", "NULL"});
  return std::optional<RowFailure>();
}

// The rows of `keys` (in key order, after `lower`) that raise: the shortest raising prefix
// ends at the first of them, found by halving; then the rest after it, the same way.
void Scanner::Bisect(const std::optional<Params>& lower, const std::vector<Params>& keys) {
  std::optional<Params> prev = lower;
  size_t start = 0;
  auto raises = [&](size_t last) {
    Params params = prev.value_or(Params{});
    params.insert(params.end(), keys[last].begin(), keys[last].end());
    return Evaluate(ddl::KeyRange(t_.key, prev.has_value(), true), params).raised.has_value();
  };
  while (start < keys.size() && !Full() && raises(keys.size() - 1)) {
    size_t lo = start, hi = keys.size() - 1;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (raises(mid))
        hi = mid;
      else
        lo = mid + 1;
    }
    if (auto f = One(keys[lo]); f.ok() && *f) result_.failures.push_back(**f);
    prev = keys[lo];
    start = lo + 1;
  }
}

void Scanner::NullRows(const std::string& range, const Params& params) {
  const int room = max_ - static_cast<int>(result_.failures.size());
  const size_t width = t_.key.columns.empty() ? 1 : t_.key.columns.size();
  for (Params& key : Rows(ddl::NullRowsQuery(t_.table, t_.key, t_.expr, t_.only_where, range, room),
                          params, width))
    result_.failures.push_back({std::move(key), "", "NULL"});
}

Status Scanner::ScanKeyset() {
  std::optional<Params> lower;
  const size_t width = t_.key.columns.size();
  while (!Full()) {
    Params params = lower.value_or(Params{});
    params.push_back(std::to_string(kRowsPerRange));
    std::vector<Params> end =
        Rows(ddl::BatchEndQuery(t_.table, t_.key, lower.has_value()), params, width);
    if (end.empty()) break;
    Params range_params = lower.value_or(Params{});
    range_params.insert(range_params.end(), end[0].begin(), end[0].end());
    const std::string range = ddl::KeyRange(t_.key, lower.has_value(), true);
    const Evaluation e = Evaluate(range, range_params);
    if (e.raised) {
      const std::vector<Params> keys =
          Rows(ddl::KeysInRangeQuery(t_.table, t_.key, range), range_params, width);
      result_.rows += static_cast<long long>(keys.size());
      Bisect(lower, keys);
    } else {
      result_.rows += e.rows;
      if (t_.null_fails && e.nulls > 0) NullRows(range, range_params);
    }
    lower = end[0];
  }
  return Status::Ok();
}

std::string PageTid(long long page) { return fmt::format("({},0)", page); }

// The rows of `page` that raise, one by one.
void Scanner::FailingPage(long long page) {
  const Params range{PageTid(page), PageTid(page + 1)};
  for (const Params& tid :
       Rows(ddl::KeysInRangeQuery(t_.table, t_.key, ddl::CtidRange()), range, 1)) {
    if (Full()) return;
    if (auto f = One(tid); f.ok() && *f && !(*f)->sqlstate.empty()) result_.failures.push_back(**f);
  }
}

Status Scanner::ScanCtid() {
  long long pages = 0;
  {
    pqxx::read_transaction tx(conn_);
    pages = tx.exec_params1(ddl::CtidScanStart(), t_.table.Quoted())[0].as<long long>();
  }
  for (long long a = 0; a < pages && !Full(); a += kPagesPerRange) {
    const long long b = std::min(pages, a + kPagesPerRange);
    const Evaluation e = Evaluate(ddl::CtidRange(), {PageTid(a), PageTid(b)});
    result_.rows += e.rows;
    if (!e.raised) {
      if (t_.null_fails && e.nulls > 0) NullRows(ddl::CtidRange(), {PageTid(a), PageTid(b)});
      continue;
    }
    for (long long start = a; start < b && !Full();) {  // the first raising page, by halving
      long long lo = start, hi = b - 1;
      if (!Evaluate(ddl::CtidRange(), {PageTid(start), PageTid(b)}).raised) break;
      while (lo < hi) {
        const long long mid = lo + (hi - lo) / 2;
        if (Evaluate(ddl::CtidRange(), {PageTid(start), PageTid(mid + 1)}).raised)
          hi = mid;
        else
          lo = mid + 1;
      }
      FailingPage(lo);
      start = lo + 1;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RowScanResult> ScanRows(pqxx::connection& conn, const RowScanTarget& target,
                               int max_failures, const std::string& context) {
  try {
    Scanner s(conn, target, max_failures);
    PGPHASE_RETURN_IF_ERROR(target.key.columns.empty() ? s.ScanCtid() : s.ScanKeyset());
    return std::move(s.result());
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() != kReadOnlyTransaction) return FromSqlError(e, context);
    RowScanResult skipped;
    skipped.not_checked = "the expression cannot run read-only (" + ServerMessage(e.what()) + ")";
    return skipped;
  } catch (const std::exception& e) {
    return FromException(e, context);
  }
}

Result<std::optional<RowFailure>> CheckRow(pqxx::connection& conn, const RowScanTarget& target,
                                           const std::vector<std::string>& key,
                                           const std::string& context) {
  try {
    Scanner s(conn, target, 1);
    return s.One(key);
  } catch (const std::exception& e) {
    return FromException(e, context);
  }
}

std::string DescribeKey(const std::vector<std::string>& key) {
  std::string out;
  for (const auto& k : key) out += (out.empty() ? "" : ", ") + k;
  return "(" + out + ")";
}

std::string DescribeFailures(const std::vector<RowFailure>& failures) {
  std::string out;
  for (const RowFailure& f : failures) {
    out += fmt::format("\n  row {}: {}", DescribeKey(f.key),
                       f.sqlstate.empty() ? "the value is NULL, and the column will be NOT NULL"
                                          : "SQLSTATE " + f.sqlstate + ": " + f.message);
  }
  return out;
}

ddl::Keyset KeysetOf(const std::vector<KeyColumn>& key) {
  ddl::Keyset k;
  for (const auto& c : key) {
    k.columns.push_back(c.name);
    k.types.push_back(c.type);
  }
  return k;
}

}  // namespace pgphase::exec
