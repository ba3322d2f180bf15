#include "pgphase/duration.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace pgphase {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

struct ParseCase {
  std::string text;
  Millis want;
};

TEST(ParseDurationTest, AcceptsUnitGroupsLargestFirst) {
  const ParseCase cases[] = {
      {"0ms", Millis(0)},
      {"0s", Millis(0)},
      {"250ms", Millis(250)},
      {"1s", seconds(1)},
      {"90s", seconds(90)},
      {"10m", minutes(10)},
      {"2h", hours(2)},
      {"1h30m", hours(1) + minutes(30)},
      {"1s500ms", Millis(1500)},
      {"1h2m3s4ms", hours(1) + minutes(2) + seconds(3) + Millis(4)},
      {"007s", seconds(7)},
      {"9223372036854775807ms", Millis(std::numeric_limits<int64_t>::max())},
  };
  for (const ParseCase& c : cases) {
    Result<Millis> got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

struct RejectCase {
  std::string text;
  std::string message_part;
};

TEST(ParseDurationTest, RejectsMalformedText) {
  const RejectCase cases[] = {
      {"", "empty"},
      {"5", "missing unit"},
      {"100", "missing unit"},
      {"1s5", "missing unit"},
      {"-1s", "negative"},
      {"+1s", "expected a number"},
      {"s", "expected a number"},
      {" 1s", "expected a number"},
      {"1s ", "unknown unit \"s \""},
      {"1 s", "unknown unit \" s\""},
      {"1d", "unknown unit \"d\""},
      {"1sec", "unknown unit \"sec\""},
      {"1.5s", "unknown unit \".\""},
      {"1S", "unknown unit \"S\""},
      {"30m1h", "largest to smallest"},
      {"1s1s", "largest to smallest"},
      {"9223372036854775808ms", "too large"},
      {"9223372036854775807s", "too large"},
      {"2562047788016h", "too large"},
      {"2562047788015h12m55s808ms", "too large"},  // one past the largest int64
      {"99999999999999999999999h", "too large"},
  };
  for (const RejectCase& c : cases) {
    Result<Millis> got = ParseDuration(c.text);
    ASSERT_FALSE(got.ok()) << "accepted \"" << c.text << "\"";
    EXPECT_EQ(got.status().code(), ExitCode::kInvalid) << c.text;
    EXPECT_NE(got.status().message().find(c.message_part), std::string::npos)
        << c.text << ": " << got.status().message();
    EXPECT_NE(got.status().message().find("\"" + c.text + "\""), std::string::npos)
        << "message should quote the input: " << got.status().message();
  }
}

TEST(ParseDurationTest, SumUpToTheLargestValueIsAccepted) {
  // 2562047788015h12m55s807ms is 9223372036854775807ms, the largest representable value.
  Result<Millis> got = ParseDuration("2562047788015h12m55s807ms");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->count(), std::numeric_limits<int64_t>::max());
}

struct FormatCase {
  Millis d;
  std::string want;
};

TEST(FormatDurationTest, WritesCanonicalForm) {
  const FormatCase cases[] = {
      {Millis(0), "0ms"},
      {Millis(250), "250ms"},
      {seconds(1), "1s"},
      {Millis(1500), "1s500ms"},
      {seconds(90), "1m30s"},
      {minutes(10), "10m"},
      {hours(2), "2h"},
      {hours(1) + minutes(30), "1h30m"},
      {hours(49) + Millis(1), "49h1ms"},
      {Millis(-1500), "-1s500ms"},
  };
  for (const FormatCase& c : cases) EXPECT_EQ(FormatDuration(c.d), c.want) << c.d.count();
}

TEST(FormatDurationTest, RoundTripsThroughParseDuration) {
  const int64_t values[] = {0,
                            1,
                            999,
                            1000,
                            1001,
                            59'999,
                            60'000,
                            3'599'999,
                            3'600'000,
                            86'400'000,
                            90'061'001,
                            123'456'789,
                            std::numeric_limits<int64_t>::max()};
  for (int64_t ms : values) {
    std::string text = FormatDuration(Millis(ms));
    Result<Millis> back = ParseDuration(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().message();
    EXPECT_EQ(back->count(), ms) << text;
    EXPECT_EQ(FormatDuration(*back), text);
  }
}

TEST(FormatDurationTest, HandlesTheMostNegativeValueWithoutOverflow) {
  std::string text = FormatDuration(Millis(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(text, "-2562047788015h12m55s808ms");
}

}  // namespace
}  // namespace pgphase
