// Shared by the index and constraint integration tests: one migration applied phase by
// phase with application writes after each phase, reversed from a given phase (the schema
// must come back byte for byte), then applied again through contract.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness.h"

namespace pgphase::it {

// PgphaseTest with its helpers public, so table-driven cases can call them.
class OpsTest : public PgphaseTest {
 public:
  using PgphaseTest::ColumnNotNull;
  using PgphaseTest::Exec;
  using PgphaseTest::MigrationStatus;
  using PgphaseTest::Run;
  using PgphaseTest::Scalar;
  using PgphaseTest::ScalarInt;
  using PgphaseTest::SchemaDump;
  using PgphaseTest::WriteSpec;

  // True when `sql` fails (the database refuses the write); false when it succeeds.
  bool Refused(const std::string& sql) {
    try {
      Exec(sql);
      return false;
    } catch (const pqxx::sql_error&) {
      return true;
    }
  }
  // pg_index.indisvalid of index `name`, "" when it does not exist.
  std::string IndexValid(const std::string& name) {
    return ScalarOpt("SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass('" +
                     name + "')")
        .value_or("");
  }
  // contype and convalidated of constraint `name` of `table`: "u t", or "" when absent.
  std::string Constraint(const std::string& table, const std::string& name) {
    return ScalarOpt(
               "SELECT contype::text || ' ' || convalidated::text FROM pg_constraint WHERE "
               "conrelid = to_regclass('" +
               table + "') AND conname = '" + name + "'")
        .value_or("");
  }
};

struct PhaseCase {
  std::string name;
  std::string setup;  // SQL run before anything
  std::string yaml;   // the migration
  // Application writes and checks once `phase` is done (expand .. swap); both app
  // versions use the same columns for these operations.
  std::function<void(OpsTest&, const std::string& phase)> during;
  // Checks once contract is done.
  std::function<void(OpsTest&)> after_contract;
};

// Applies `c` phase by phase through `last`, calling `during` after each, reverses,
// expects the schema as it was, then applies through contract.
inline void RunPhaseCase(OpsTest& t, const PhaseCase& c, const std::string& last) {
  t.Exec(c.setup);
  const std::string before = t.SchemaDump();
  const std::string migration = "0001_" + c.name;
  const std::string spec = t.WriteSpec(migration, c.yaml);
  for (const auto& phase : AllPhases()) {
    SCOPED_TRACE("after " + phase);
    RunResult r = t.Run({"apply", spec, "--through", phase});
    ASSERT_EQ(r.exit_code, 0) << r;
    c.during(t, phase);
    if (::testing::Test::HasFatalFailure()) return;
    if (phase == last) break;
  }
  RunResult r = t.Run({"reverse", migration});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(t.SchemaDump(), before) << "reverse from " << last << " must restore the schema";
  EXPECT_EQ(t.MigrationStatus(migration), "reversed");

  r = t.Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(t.MigrationStatus(migration), "completed");
  c.after_contract(t);
}

inline std::vector<std::string> PhasesBeforeContract() {
  return {"expand", "sync", "backfill", "validate", "swap"};
}

}  // namespace pgphase::it
