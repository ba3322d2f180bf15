// RowScan: evaluates a user expression over the existing rows of a table, read-only, to find
// the rows it cannot compute a value for (it raises, or gives NULL where that is not allowed).
// Used by the precheck before expand (precheck.cc) and by the conversion check
// (conversions.cc). The table is read in ranges as the backfill walks it (key order, else
// pages); a range that raises is halved until the failing row is found, so a clean table costs
// one aggregate per range and a bad row a few dozen more queries. Every query runs in a
// read-only transaction of its own. Not thread-safe.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "pgphase/ddl_scan.h"
#include "pgphase/plan.h"
#include "pgphase/status.h"

namespace pgphase::exec {

struct RowFailure {
  std::vector<std::string> key;  // the row's key columns as text; its ctid without a key
  std::string sqlstate;          // "" for a NULL result
  std::string message;
};

struct RowScanTarget {
  ddl::Rel table;
  ddl::Keyset key;         // empty columns: ctid ranges
  std::string expr;        // embedded user SQL
  std::string only_where;  // "" for every row
  bool null_fails = false;
};

struct RowScanResult {
  long long rows = 0;                // rows evaluated
  std::vector<RowFailure> failures;  // the first ones, in key (or ctid) order
  // Set when the expression cannot be evaluated read-only (it writes, or calls nextval()):
  // nothing was checked, and this says why.
  std::string not_checked;
};

// Scans every row of `target`, collecting up to `max_failures`. Errors: only those of the
// scan itself (the connection, a table that is gone), as a Status naming `context`.
Result<RowScanResult> ScanRows(pqxx::connection& conn, const RowScanTarget& target,
                               int max_failures, const std::string& context);

// Evaluates `target` on the one row whose key is `key`: a failure when it raises (or gives a
// disallowed NULL); nullopt when it converts, or the row is gone.
Result<std::optional<RowFailure>> CheckRow(pqxx::connection& conn, const RowScanTarget& target,
                                           const std::vector<std::string>& key,
                                           const std::string& context);

// "(1)", "(acme, 7)": a key for messages.
std::string DescribeKey(const std::vector<std::string>& key);
// One line per failure, each "\n  row (1): SQLSTATE 22P02: ...", for messages.
std::string DescribeFailures(const std::vector<RowFailure>& failures);

// The keyset of a plan's key columns.
ddl::Keyset KeysetOf(const std::vector<KeyColumn>& key);

}  // namespace pgphase::exec
