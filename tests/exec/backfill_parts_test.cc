#include "exec/backfill_parts.h"

#include <gtest/gtest.h>

namespace pgphase::exec {
namespace {

std::vector<std::vector<std::string>> Keys(int n) {
  std::vector<std::vector<std::string>> keys;
  for (int i = 1; i <= n; ++i) keys.push_back({std::to_string(i * 10)});
  return keys;
}

// Consecutive parts: each starts after the key the one before ends at; the first and the last
// are open, so every key of the table is in exactly one part whatever the sample held.
void ExpectConsecutive(const std::vector<KeyPart>& parts) {
  ASSERT_FALSE(parts.empty());
  EXPECT_TRUE(parts.front().after.empty());
  EXPECT_TRUE(parts.back().upto.empty());
  for (size_t i = 1; i < parts.size(); ++i) {
    EXPECT_FALSE(parts[i].after.empty()) << i;
    EXPECT_EQ(parts[i].after, parts[i - 1].upto) << i;
  }
}

TEST(SplitKeysTest, SplitsAtEvenlySpacedKeys) {
  const std::vector<KeyPart> parts = SplitKeys(Keys(100), 4);
  ASSERT_EQ(parts.size(), 4u);
  ExpectConsecutive(parts);
  EXPECT_EQ(parts[0].upto, std::vector<std::string>{"260"});
  EXPECT_EQ(parts[1].upto, std::vector<std::string>{"510"});
  EXPECT_EQ(parts[2].upto, std::vector<std::string>{"760"});
}

TEST(SplitKeysTest, OnePartWithoutKeysOrWorkers) {
  EXPECT_EQ(SplitKeys({}, 4), (std::vector<KeyPart>{KeyPart{}}));
  EXPECT_EQ(SplitKeys(Keys(100), 1), (std::vector<KeyPart>{KeyPart{}}));
}

TEST(SplitKeysTest, FewerKeysThanPartsGiveFewerParts) {
  const std::vector<KeyPart> parts = SplitKeys(Keys(2), 8);
  ExpectConsecutive(parts);
  EXPECT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].upto, std::vector<std::string>{"20"});
}

// A sample with repeats (a histogram of a column with few values) never gives an empty part
// between two equal bounds.
TEST(SplitKeysTest, EqualKeysDoNotMakeEmptyParts) {
  const std::vector<std::vector<std::string>> keys = {{"1"}, {"1"}, {"1"}, {"1"},
                                                      {"1"}, {"1"}, {"2"}, {"3"}};
  const std::vector<KeyPart> parts = SplitKeys(keys, 4);
  ExpectConsecutive(parts);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].upto, std::vector<std::string>{"1"});
  EXPECT_EQ(parts[1].upto, std::vector<std::string>{"2"});
}

TEST(SplitKeysTest, CompositeKeysSplitWhole) {
  const std::vector<std::vector<std::string>> keys = {
      {"1", "a"}, {"1", "b"}, {"2", "a"}, {"2", "b"}};
  const std::vector<KeyPart> parts = SplitKeys(keys, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].upto, (std::vector<std::string>{"2", "a"}));
  EXPECT_EQ(parts[1].after, (std::vector<std::string>{"2", "a"}));
}

TEST(SplitPagesTest, CoversEveryPageOnce) {
  for (long long pages : {0LL, 1LL, 3LL, 10LL, 12345LL}) {
    for (int parts : {1, 2, 4, 7}) {
      const std::vector<PageRange> ranges = SplitPages(pages, parts);
      ASSERT_FALSE(ranges.empty());
      EXPECT_EQ(ranges.front().first, 0) << pages << "/" << parts;
      EXPECT_EQ(ranges.back().end, pages) << pages << "/" << parts;
      EXPECT_LE(ranges.size(), static_cast<size_t>(std::max(1LL, pages)));
      for (size_t i = 1; i < ranges.size(); ++i) {
        EXPECT_EQ(ranges[i].first, ranges[i - 1].end);
        EXPECT_LT(ranges[i].first, ranges[i].end) << "no empty range";
      }
    }
  }
  EXPECT_EQ(SplitPages(10, 4), (std::vector<PageRange>{{0, 2}, {2, 5}, {5, 7}, {7, 10}}));
}

}  // namespace
}  // namespace pgphase::exec
