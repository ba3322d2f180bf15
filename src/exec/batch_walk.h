// BatchWalk: how a backfill moves through its table, one batch at a time. The loop in
// backfill.cc (throttles, timeouts, checkpoints, progress) is shared; a walk supplies only
// the batch statement and the bookkeeping of where it is:
//   keyset  batches of rows in key order (primary key, else a unique NOT NULL key);
//   ctid    batches of pages in ctid order, for a table with neither (ddl::BackfillCtidBatch).
// A walk's position moves only in Advance(), which the loop calls once the batch and its
// checkpoint (Pending()) have committed together, so a batch that is rolled back (timeout,
// crash) leaves the walk where it was. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "exec/runner.h"
#include "exec/state.h"
#include "pgphase/plan.h"

namespace pgphase::exec {

// Batch sizes, in the walk's own unit (rows or pages).
struct BatchLimits {
  long long min = 1;
  long long max = 1;
  long long initial = 1;  // the first batch's size when no checkpoint recorded one
};

// What a verification's batch (BackfillJob::verify) repaired: the rows it found wrong and
// rewrote, and of those the ones still wrong once rewritten (their re-check), each with up
// to ddl::kReportedKeys keys, in key order.
struct Repair {
  long long rows = 0;
  std::vector<std::string> keys;
  long long failed = 0;
  std::vector<std::string> failed_keys;
};

struct BatchOutcome {
  bool finished = false;  // the walk had nothing left: no batch ran
  long long scanned = 0;  // rows the batch covered (rows_done, progress)
  std::string restarted;  // why the walk started over from the beginning; "" when it did not
  Repair repair;          // a verification's; empty otherwise

  static BatchOutcome Finished() { return {true, 0, "", {}}; }
  static BatchOutcome Scanned(long long rows, Repair repair = {}) {
    return {false, rows, "", std::move(repair)};
  }
  static BatchOutcome Restarted(std::string why) { return {false, 0, std::move(why), {}}; }
};

class BatchWalk {
 public:
  virtual ~BatchWalk() = default;
  virtual std::string_view Unit() const = 0;  // "rows", "pages"
  // The limits for batch_size_min/max of `s` (rows), in the walk's unit. Asked again before
  // each batch, so settings that change while the backfill runs take effect.
  virtual BatchLimits Limits(const Resolved& s) const = 0;
  // Runs one batch of `size` units inside `tx`, which the caller commits or rolls back.
  // Throws what libpqxx throws.
  virtual BatchOutcome Run(pqxx::transaction_base& tx, long long size) = 0;
  // The batch Run would do, one row at a time, each row and column in a savepoint of `tx`: for
  // when Run raised because of a value (IsDataError). `failed` hears of each row and column
  // that still raises (the column is "" for a fix of rows, which writes them together), and
  // the batch goes on without them. Throws what libpqxx throws for any other error.
  using RowFailed = std::function<void(const std::vector<std::string>& key,
                                       const std::string& column, const pqxx::sql_error& e)>;
  virtual BatchOutcome RunRows(pqxx::transaction_base& tx, long long size,
                               const RowFailed& failed) = 0;
  // The checkpoint (pgphase.backfill.last_key) as it stands once the batch Run did commits.
  virtual std::vector<std::string> Pending() const = 0;
  // The batch Run did has committed.
  virtual void Advance() = 0;
};

// The walk for `job`, continuing from `state` (last_key empty: from the start). A ctid walk
// reads the table's size here to fix where it ends. Throws what libpqxx throws, and
// std::runtime_error for a checkpoint it cannot read or a table it cannot walk.
std::unique_ptr<BatchWalk> MakeBatchWalk(pqxx::connection& conn, const BackfillJob& job,
                                         const BackfillRow& state);

}  // namespace pgphase::exec
