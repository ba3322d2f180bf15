#include "exec/statuses.h"

#include <gtest/gtest.h>

namespace pgphase::exec {
namespace {

// The spellings are what databases already hold and what `status --json` prints: they
// must never change.
TEST(StatusesTest, SpellingsAreTheStoredOnes) {
  EXPECT_EQ(StatusName(MigrationStatus::kPending), "pending");
  EXPECT_EQ(StatusName(MigrationStatus::kInProgress), "in_progress");
  EXPECT_EQ(StatusName(MigrationStatus::kCompleted), "completed");
  EXPECT_EQ(StatusName(MigrationStatus::kReversed), "reversed");
  EXPECT_EQ(StatusName(MigrationStatus::kFailed), "failed");
  EXPECT_EQ(StatusName(PhaseStatus::kPending), "pending");
  EXPECT_EQ(StatusName(PhaseStatus::kRunning), "running");
  EXPECT_EQ(StatusName(PhaseStatus::kDone), "done");
  EXPECT_EQ(StatusName(PhaseStatus::kFailed), "failed");
  EXPECT_EQ(StatusName(PhaseStatus::kReversed), "reversed");
  EXPECT_EQ(StatusName(StepStatus::kPending), "pending");
  EXPECT_EQ(StatusName(StepStatus::kRunning), "running");
  EXPECT_EQ(StatusName(StepStatus::kDone), "done");
  EXPECT_EQ(StatusName(StepStatus::kReversed), "reversed");
}

template <class E>
void ExpectRoundTrips() {
  for (const auto& [value, name] : StatusSpelling<E>::kNames) {
    EXPECT_EQ(ParseStatus<E>(name), value) << name;
    EXPECT_EQ(StoredStatus<E>(name), value) << name;
  }
}

TEST(StatusesTest, EveryNameParsesBackToItsStatus) {
  ExpectRoundTrips<MigrationStatus>();
  ExpectRoundTrips<PhaseStatus>();
  ExpectRoundTrips<StepStatus>();
}

TEST(StatusesTest, UnknownNamesAreRejected) {
  EXPECT_EQ(ParseStatus<StepStatus>("failed"), std::nullopt);  // steps never fail as such
  EXPECT_EQ(ParseStatus<MigrationStatus>("done"), std::nullopt);
  EXPECT_EQ(ParseStatus<PhaseStatus>("Done"), std::nullopt);
  EXPECT_THROW(StoredStatus<PhaseStatus>("in_progress"), std::runtime_error);
}

}  // namespace
}  // namespace pgphase::exec
