#include "exec/conversions.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "exec/row_scan.h"

namespace pgphase::exec {
namespace {

constexpr int kSampleRows = 10;

RowScanTarget TargetOf(const ConversionCheck& c, const ddl::Assignment& column) {
  return {{c.schema, c.table}, KeysetOf(c.key), column.expr, "", false};
}

// Whether the recorded row `e` still fails; refreshes its error when it does. A table without
// a key records no key, so there the whole table is evaluated again.
Result<bool> StillFails(RunContext& ctx, const ConversionCheck& c, const ddl::Assignment& column,
                        SyncError& e, const std::string& context) {
  const RowScanTarget target = TargetOf(c, column);
  if (c.key.empty()) {
    Result<RowScanResult> scan = ScanRows(ctx.conn, target, 1, context);
    if (!scan.ok()) return scan.status();
    return !scan->failures.empty();
  }
  if (e.key.size() != c.key.size()) return true;  // recorded under another key: keep it
  Result<std::optional<RowFailure>> row = CheckRow(ctx.conn, target, e.key, context);
  if (!row.ok()) return row.status();
  if (!*row) return false;
  e.sqlstate = (*row)->sqlstate;
  e.message = (*row)->message;
  return true;
}

std::string Describe(const std::vector<SyncError>& errors) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < kSampleRows; ++i) {
    const SyncError& e = errors[i];
    out += fmt::format("\n  row {} column {}: SQLSTATE {}: {} (recorded {} time{})",
                       e.key.empty() ? "(no key)" : DescribeKey(e.key), e.column, e.sqlstate,
                       e.message, e.occurrences, e.occurrences == 1 ? "" : "s");
  }
  if (errors.size() > kSampleRows)
    out += fmt::format("\n  ... and {} more", errors.size() - kSampleRows);
  return out;
}

}  // namespace

Status RunConversionCheck(RunContext& ctx, const Step& step) {
  const ConversionCheck& c = *step.conversion_check;
  const std::string& m = ctx.plan.migration;
  const std::string table = c.schema + "." + c.table;
  const std::string context = fmt::format("migration {}, step {}", m, step.id);
  std::vector<SyncError> remaining;
  for (SyncError& e : ctx.store.SyncErrors(m, table)) {
    auto column = std::find_if(c.columns.begin(), c.columns.end(),
                               [&](const ddl::Assignment& a) { return a.column == e.column; });
    if (column == c.columns.end()) continue;  // another phase's column (the old one, after swap)
    Result<bool> fails = StillFails(ctx, c, *column, e, context);
    if (!fails.ok()) return fails.status();
    if (*fails) {
      remaining.push_back(e);
    } else {
      ctx.store.ForgetSyncError(m, table, e);
    }
  }
  if (remaining.empty()) return Status::Ok();
  return Status::Invalid(fmt::format(
      "{}: {} row{} of {} hold values the sync trigger could not convert, and the phase needs "
      "them:{}\nthe application's writes went through; fix these rows (the trigger converts a "
      "row again whenever it is written) and run apply again, or reverse the migration and "
      "change the expression",
      context, remaining.size(), remaining.size() == 1 ? "" : "s", table, Describe(remaining)));
}

}  // namespace pgphase::exec
