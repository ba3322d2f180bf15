// create_index and drop_index against a real PostgreSQL: the index is built without
// blocking writes in expand (drop_index waits for contract), reverse from every phase
// before contract restores the schema exactly, and an interrupted concurrent build is
// cleaned up when apply runs again.
#include "phase_cases.h"

namespace pgphase::it {
namespace {

const char kFruits[] = R"(
CREATE TABLE fruits (id bigint PRIMARY KEY, name text NOT NULL, size int);
INSERT INTO fruits SELECT i, 'fruit-' || i, i % 7 FROM generate_series(1, 2000) i;
ANALYZE fruits;
)";

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The old and the new app write as usual: both see the same columns.
void AppWrites(OpsTest& t, int id) {
  const std::string n = std::to_string(id);
  t.Exec("INSERT INTO fruits (id, name, size) VALUES (" + n + ", 'new-" + n + "', 3)");
  t.Exec("UPDATE fruits SET size = size + 1 WHERE id = " + n);
}

std::vector<PhaseCase> Cases() {
  std::vector<PhaseCase> cases;
  cases.push_back(
      {"create_index", kFruits,
       R"(operations:
  - create_index:
      name: fruits_name_idx
      table: fruits
      columns:
        - column: name
          collate: C
          opclass: {name: text_pattern_ops}
          sort: DESC
          nulls: LAST
  - create_index:
      name: fruits_size_hash
      table: fruits
      method: hash
      columns: [size]
      storage_parameters: fillfactor = 70
  - create_index:
      name: fruits_name_key
      table: fruits
      unique: true
      columns: [name]
      predicate: id > 10
)",
       [](OpsTest& t, const std::string& phase) {
         for (const char* index : {"fruits_name_idx", "fruits_size_hash", "fruits_name_key"})
           EXPECT_EQ(t.IndexValid(index), "true") << index << " after " << phase;
         AppWrites(t, 10000 + PhaseIndexOf(phase));
         EXPECT_TRUE(t.Refused("INSERT INTO fruits VALUES (" +
                               std::to_string(20000 + PhaseIndexOf(phase)) + ", 'fruit-500', 1)"))
             << "the unique partial index is in force from expand";
       },
       [](OpsTest& t) {
         const std::string a = t.Scalar("SELECT pg_get_indexdef('fruits_name_idx'::regclass)");
         EXPECT_TRUE(Contains(a, "(name COLLATE \"C\" text_pattern_ops DESC NULLS LAST)")) << a;
         const std::string h = t.Scalar("SELECT pg_get_indexdef('fruits_size_hash'::regclass)");
         EXPECT_TRUE(Contains(h, "USING hash (size) WITH (fillfactor='70')")) << h;
         const std::string u = t.Scalar("SELECT pg_get_indexdef('fruits_name_key'::regclass)");
         EXPECT_TRUE(Contains(u,
                              "CREATE UNIQUE INDEX fruits_name_key ON public.fruits USING btree "
                              "(name) WHERE (id > 10)"))
             << u;
       }});
  cases.push_back({"drop_index",
                   std::string(kFruits) + "CREATE INDEX fruits_size_idx ON fruits (size);",
                   "operations:\n  - drop_index:\n      name: fruits_size_idx\n",
                   [](OpsTest& t, const std::string& phase) {
                     EXPECT_EQ(t.IndexValid("fruits_size_idx"), "true")
                         << "the old app may rely on the index until contract (" << phase << ")";
                     AppWrites(t, 10000 + PhaseIndexOf(phase));
                   },
                   [](OpsTest& t) {
                     EXPECT_EQ(t.IndexValid("fruits_size_idx"), "") << "contract drops the index";
                     AppWrites(t, 50000);
                   }});
  return cases;
}

class IndexPhases : public OpsTest,
                    public ::testing::WithParamInterface<std::tuple<int, std::string>> {};

TEST_P(IndexPhases, AppWritesDuringEachPhaseReverseRestoresSchemaThenContract) {
  const auto& [index, phase] = GetParam();
  RunPhaseCase(*this, Cases()[index], phase);
}

INSTANTIATE_TEST_SUITE_P(Ops, IndexPhases,
                         ::testing::Combine(::testing::Values(0, 1),
                                            ::testing::ValuesIn(PhasesBeforeContract())),
                         [](const auto& info) {
                           return Cases()[std::get<0>(info.param)].name + "_" +
                                  std::get<1>(info.param);
                         });

using IndexOpsTest = OpsTest;

TEST_F(IndexOpsTest, InterruptedConcurrentBuildIsCleanedUpWhenApplyRunsAgain) {
  Exec(kFruits);
  Exec("UPDATE fruits SET name = 'same' WHERE id IN (7, 8)");
  const std::string spec = WriteSpec("0001_unique_name",
                                     "operations:\n  - create_index:\n      name: fruits_name_key\n"
                                     "      table: fruits\n      unique: true\n"
                                     "      columns: [name]\n");
  RunResult r = Run({"apply", spec, "--through", "expand"});
  ASSERT_NE(r.exit_code, 0) << r;
  EXPECT_TRUE(Contains(r.err, "23505")) << "a duplicate stops the build" << r;
  ASSERT_EQ(IndexValid("fruits_name_key"), "false")
      << "a failed CREATE INDEX CONCURRENTLY leaves an invalid index behind";

  Exec("UPDATE fruits SET name = 'other' WHERE id = 8");
  r = Run({"apply", spec, "--through", "expand"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(IndexValid("fruits_name_key"), "true") << "the leftover was dropped and rebuilt";
  EXPECT_TRUE(Refused("INSERT INTO fruits VALUES (9999, 'same', 1)"));

  r = Run({"reverse", "0001_unique_name"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(IndexValid("fruits_name_key"), "");
}

TEST_F(IndexOpsTest, BadInputChangesNothing) {
  Exec(kFruits);
  const std::string before = SchemaDump();
  for (const std::string& op :
       {std::string("create_index: {name: i, table: fruits, columns: [nope]}"),
        std::string("create_index: {name: fruits_pkey, table: fruits, columns: [name]}"),
        std::string("create_index: {name: i, table: fruits, columns: [name], predicate: 'id >'}"),
        std::string("drop_index: {name: nope}"), std::string("drop_index: {name: fruits_pkey}")}) {
    SCOPED_TRACE(op);
    RunResult r = Run({"apply", WriteSpec("0001_bad", "operations:\n  - " + op + "\n")});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(Contains(r.err, "0001_bad.yaml:2:")) << "file and line named" << r;
  }
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_FALSE(RelationExists("pgphase.migrations")) << "invalid input records nothing";
}

}  // namespace
}  // namespace pgphase::it
