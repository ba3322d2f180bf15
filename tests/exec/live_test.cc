#include "exec/live.h"

#include <gtest/gtest.h>

namespace pgphase::exec {
namespace {

// A parallel backfill publishes each part's progress; the table shows their sum, each part
// counted once however often it publishes.
TEST(LiveStateTest, PartsOfATableAddUp) {
  LiveState live;
  live.SetBackfill("t", {10, 100, 5, 2}, 0);
  live.SetBackfill("t", {20, 100, 7, 3}, 1);
  live.SetBackfill("t", {15, 100, 6, 4}, 0);
  const TableProgress sum = live.Snapshot().tables.at("t");
  EXPECT_EQ(sum.rows_done, 35);
  EXPECT_EQ(sum.rows_total, 200);
  EXPECT_DOUBLE_EQ(sum.rows_per_second, 13);
  EXPECT_EQ(sum.batch_size, 7);
  EXPECT_DOUBLE_EQ(live.Snapshot().rows_per_second, 13);
}

TEST(LiveStateTest, ANewBackfillOfTheTableForgetsTheOldParts) {
  LiveState live;
  live.SetBackfill("t", {10, 100, 5, 2}, 0);
  live.SetBackfill("t", {20, 100, 7, 3}, 1);
  live.ForgetParts("t");
  live.SetBackfill("t", {1, 50, 1, 1});
  EXPECT_EQ(live.Snapshot().tables.at("t").rows_done, 1);
  EXPECT_EQ(live.Snapshot().tables.at("t").rows_total, 50);
}

}  // namespace
}  // namespace pgphase::exec
