// Runs the pgroll operation test cases of integration/pgroll_cases/ (pgroll_cases.h says how)
// in both modes: PgrollCases/<Table>.<Case>_VersionSchemas and _Tables.
#include "pgroll_cases.h"

#include <pqxx/pqxx>

#include "harness.h"

namespace pgphase::it {
namespace {

enum class Mode { kVersionSchemas, kTables };

using CaseParam = std::tuple<PgrollCase, Mode>;

// "1,a; 2,NULL": the rows as Probe::want spells them.
std::string Spell(const pqxx::result& r) {
  std::string out;
  for (const auto& row : r) {
    if (!out.empty()) out += "; ";
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
      out += (i ? "," : "") + std::string(row[i].is_null() ? "NULL" : row[i].c_str());
    }
  }
  return out;
}

class PgrollCaseTest : public PgphaseTest, public ::testing::WithParamInterface<CaseParam> {
 protected:
  const PgrollCase& Case() const { return std::get<0>(GetParam()); }
  bool WithVersionSchemas() const { return std::get<1>(GetParam()) == Mode::kVersionSchemas; }

  // The schema each version's connection has as its only search_path entry.
  std::string SchemaOf(AppVersion app) const {
    if (!WithVersionSchemas()) return "public";
    return app == AppVersion::kOld ? "public_v01" : "public_" + Case().migration;
  }

  // What the probe gave, spelled as Probe::want spells it.
  std::string Outcome(const Probe& probe) {
    auto c = Connect();
    pqxx::nontransaction tx(*c);
    tx.exec("SET search_path = " + tx.quote_name(SchemaOf(probe.app)));
    try {
      return Spell(tx.exec(probe.sql));
    } catch (const pqxx::sql_error& e) {
      return "ERROR " + e.sqlstate() + " (" + e.what() + ")";
    }
  }

  void Check(const char* stage, const std::vector<Probe>& probes) {
    for (const Probe& probe : probes) {
      const std::string got = Outcome(probe);
      const bool error_wanted = probe.want.rfind("ERROR ", 0) == 0;
      const std::string compared = error_wanted ? got.substr(0, probe.want.size()) : got;
      EXPECT_EQ(compared, probe.want)
          << stage << ", " << (probe.app == AppVersion::kOld ? "old" : "new")
          << " app: " << probe.sql << "\n  got: " << got;
    }
  }

  // Start refused: exit 2 with the case's message, and nothing changed.
  void ExpectRefused(const std::string& spec) {
    const std::string before = SchemaDump();
    const RunResult r = Run({"apply", spec, "--through", "swap"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find(Case().refused), std::string::npos) << r;
    EXPECT_EQ(SchemaDump(), before);
  }

  std::string WriteCaseSpec() {
    std::string yaml = Case().operations;
    if (WithVersionSchemas()) {
      yaml += Case().writer_by_search_path
                  ? "settings: {version_schemas: true, writer_by_search_path: true}\n"
                  : "settings: {version_schemas: true}\n";
    }
    return WriteSpec(Case().migration, yaml);
  }
};

TEST_P(PgrollCaseTest, StartRollbackStartComplete) {
  const PgrollCase& c = Case();
  if (!WithVersionSchemas() && !c.needs_version_schemas.empty()) {
    GTEST_SKIP() << "needs two shapes at once: " << c.needs_version_schemas;
  }
  if (WithVersionSchemas() && !c.version_schemas_gap.empty()) {
    GTEST_SKIP() << "a known gap with version schemas: " << c.version_schemas_gap;
  }
  SCOPED_TRACE("pgroll: " + c.origin);
  Exec(c.setup);
  if (WithVersionSchemas()) {
    const RunResult baseline = Run({"baseline", "v01"});
    ASSERT_EQ(baseline.exit_code, 0) << baseline;
  }
  const std::string spec = WriteCaseSpec();
  if (!c.refused.empty()) {
    ExpectRefused(spec);
    return;
  }
  ASSERT_NO_FATAL_FAILURE(Apply(spec, "swap"));
  Check("after start", c.after_start);
  ASSERT_NO_FATAL_FAILURE(Reverse(c.migration));
  Check("after rollback", c.after_rollback);
  ASSERT_NO_FATAL_FAILURE(Apply(spec, "swap"));
  ASSERT_NO_FATAL_FAILURE(Apply(spec, "contract"));
  Check("after complete", c.after_complete);
}

std::string NameOf(const ::testing::TestParamInfo<CaseParam>& info) {
  const bool vs = std::get<1>(info.param) == Mode::kVersionSchemas;
  return std::get<0>(info.param).name + (vs ? "_VersionSchemas" : "_Tables");
}

#define PGROLL_CASES(table)                                                        \
  INSTANTIATE_TEST_SUITE_P(                                                        \
      table, PgrollCaseTest,                                                       \
      ::testing::Combine(::testing::ValuesIn(table##Cases()),                      \
                         ::testing::Values(Mode::kVersionSchemas, Mode::kTables)), \
      NameOf)

PGROLL_CASES(SetDefault);
PGROLL_CASES(DropNotNull);
PGROLL_CASES(RenameColumn);
PGROLL_CASES(SetComment);
PGROLL_CASES(DropColumn);
PGROLL_CASES(AddColumn);
PGROLL_CASES(Index);
PGROLL_CASES(Table);
PGROLL_CASES(SetNotNull);
PGROLL_CASES(SetUnique);
PGROLL_CASES(SetCheck);
PGROLL_CASES(CreateTable);
PGROLL_CASES(CreateConstraint);
PGROLL_CASES(DropConstraint);
PGROLL_CASES(DropMulticolumnConstraint);
PGROLL_CASES(MultiOperation);
PGROLL_CASES(SetForeignKey);
PGROLL_CASES(ChangeType);
PGROLL_CASES(AlterColumn);

}  // namespace
}  // namespace pgphase::it
