#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pgphase/conninfo.h"
#include "pgphase/fleet.h"

namespace pgphase {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() /
      (name + "_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       std::to_string(getpid()) + ".yaml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(FleetFileTest, PasswordsAreFoundInEveryConninfoForm) {
  EXPECT_TRUE(ConninfoHasPassword("host=db password=secret"));
  EXPECT_TRUE(ConninfoHasPassword("password = x host=db"));
  EXPECT_TRUE(ConninfoHasPassword("postgres://app:secret@db/app"));
  EXPECT_TRUE(ConninfoHasPassword("postgresql://db/app?sslmode=require&password=x"));
  EXPECT_FALSE(ConninfoHasPassword("host=db user=app dbname=app passfile=/p"));
  EXPECT_FALSE(ConninfoHasPassword("postgres://app@db:5432/app"));
  EXPECT_FALSE(ConninfoHasPassword("postgresql://db/app?passfile=/p"));
}

TEST(FleetFileTest, ReadsTargetsInOrderWithNamesLabelsAndSchemas) {
  const auto path = WriteFile("fleet_ok",
                              "targets:\n"
                              "  - {name: a, db: 'host=h1 dbname=x', labels: {region: eu}}\n"
                              "  - db: postgres://u@h2/y\n"
                              "    schema: tenant_1\n");
  auto targets = LoadFleetFile(path);
  ASSERT_TRUE(targets.ok()) << targets.status().message();
  ASSERT_EQ(targets->size(), 2U);
  EXPECT_EQ((*targets)[0].name, "a");
  EXPECT_EQ((*targets)[0].labels.at("region"), "eu");
  EXPECT_EQ((*targets)[1].name, "postgres://u@h2/y tenant_1");
  EXPECT_EQ((*targets)[1].schema, "tenant_1");
}

TEST(FleetFileTest, RefusesPasswordsDuplicatesUnknownKeysAndEmptyFleets) {
  for (const char* text : {"targets:\n  - {db: 'host=h password=p'}\n",
                           "targets:\n  - {name: a, db: x}\n  - {name: a, db: y}\n",
                           "targets:\n  - {db: x, dbname: y}\n", "targets: []\n",
                           "targets:\n  - {name: a}\n", "targets: [\n"}) {
    auto targets = LoadFleetFile(WriteFile("fleet_bad", text));
    ASSERT_FALSE(targets.ok()) << text;
    EXPECT_EQ(targets.status().code(), ExitCode::kInvalid) << text;
  }
}

}  // namespace
}  // namespace pgphase
