// The lock options apply and reverse share (cli/options.h).
#include "cli/options.h"

#include <gtest/gtest.h>

namespace pgphase::cli {
namespace {

Result<LockPolicy> ParseLockFlags(const std::vector<std::string>& args) {
  po::options_description desc("apply");
  AddLockOptions(desc);
  po::variables_map vm;
  PGPHASE_RETURN_IF_ERROR(ParseArgs("apply", args, desc, {}, vm));
  return LockOptions(vm);
}

TEST(LockOptionsTest, ScanTimeoutIsItsOwnFlagAndZeroMeansNoLimit) {
  auto locks = ParseLockFlags({"--statement-timeout", "20ms", "--scan-timeout", "2h"});
  ASSERT_TRUE(locks.ok()) << locks.status().message();
  EXPECT_EQ(locks->statement_timeout, Millis(20));
  EXPECT_EQ(locks->scan_timeout, Millis(7'200'000));

  locks = ParseLockFlags({"--scan-timeout", "0ms"});
  ASSERT_TRUE(locks.ok()) << locks.status().message();
  EXPECT_EQ(locks->scan_timeout, Millis(0));
  EXPECT_FALSE(locks->statement_timeout.has_value());

  locks = ParseLockFlags({});
  ASSERT_TRUE(locks.ok()) << locks.status().message();
  EXPECT_FALSE(locks->scan_timeout.has_value()) << "unset: the spec's setting, then no limit";
}

TEST(LockOptionsTest, AMalformedScanTimeoutIsInvalidAndNamesTheFlag) {
  auto locks = ParseLockFlags({"--scan-timeout", "5"});
  ASSERT_FALSE(locks.ok());
  EXPECT_EQ(locks.status().code(), ExitCode::kInvalid);
  EXPECT_EQ(locks.status().message().rfind("--scan-timeout: ", 0), 0u) << locks.status().message();
}

}  // namespace
}  // namespace pgphase::cli
