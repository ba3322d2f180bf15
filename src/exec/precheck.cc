#include "exec/precheck.h"

#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "exec/row_scan.h"
#include "exec/runner.h"

namespace pgphase::exec {
namespace {

constexpr int kSampleRows = 5;

}  // namespace

Status RunPrechecks(pqxx::connection& conn, const Plan& plan, const ChangeSpec& spec,
                    std::ostream& out) {
  for (const Precheck& p : plan.prechecks) {
    const auto t0 = Clock::now();
    const RowScanTarget target{
        {p.schema, p.table}, KeysetOf(p.key), p.expr, p.only_where, p.not_null};
    const std::string what = fmt::format("{}.{}.{}", p.schema, p.table, p.column);
    Result<RowScanResult> scan = ScanRows(conn, target, kSampleRows,
                                          "migration " + plan.migration + ", precheck of " + what);
    if (!scan.ok()) return scan.status();
    const auto ms = std::chrono::duration_cast<Millis>(Clock::now() - t0);
    if (!scan->not_checked.empty()) {
      out << fmt::format("precheck {} = {}: not checked: {}\n", what, p.expr, scan->not_checked)
          << std::flush;
      continue;
    }
    out << fmt::format("precheck {} = {}: {} rows, {} failing ({})\n", what, p.expr, scan->rows,
                       scan->failures.size(), FormatDuration(ms))
        << std::flush;
    if (scan->failures.empty()) continue;
    return Status::Invalid(fmt::format(
        "{}: migration {}: the expression for column {} ({}) cannot convert these existing "
        "rows (the first {}):{}\nnothing was changed: fix the rows, or give an expression that "
        "converts them; to skip this check when the data is known to be clean, set "
        "settings.precheck: false or pass --skip-precheck",
        spec.file, plan.migration, what, p.expr, scan->failures.size(),
        DescribeFailures(scan->failures)));
  }
  return Status::Ok();
}

}  // namespace pgphase::exec
