// create_constraint (check, unique, foreign_key, primary_key), drop_constraint,
// drop_multicolumn_constraint and rename_constraint against a real PostgreSQL: what each
// phase enforces while the applications write, reverse from every phase before contract
// restores the schema exactly, and what contract leaves.
#include "phase_cases.h"

namespace pgphase::it {
namespace {

// Odd tickets belong to bob (zip 2), even ones to alice (zip 1); code = ticket_id.
const char kTickets[] = R"(
CREATE TABLE sellers (name text, zip int, PRIMARY KEY (name, zip));
INSERT INTO sellers VALUES ('alice', 1), ('bob', 2);
CREATE TABLE tickets (ticket_id serial PRIMARY KEY, sellers_name text, sellers_zip int, code int);
INSERT INTO tickets (sellers_name, sellers_zip, code)
  SELECT CASE WHEN i % 2 = 0 THEN 'alice' ELSE 'bob' END, 1 + i % 2, i FROM generate_series(1, 1000) i;
CREATE TABLE tasks (id int, title text);
INSERT INTO tasks SELECT i, 'task ' || i FROM generate_series(1, 500) i;
ANALYZE;
)";

int Idx(const std::string& phase) { return PhaseIndexOf(phase); }
bool AtLeast(const std::string& phase, const char* p) { return Idx(phase) >= PhaseIndexOf(p); }
std::string N(int n) { return std::to_string(n); }

// An ordinary write both app versions make; `k` keeps values distinct per call.
void TicketWrites(OpsTest& t, int k) {
  t.Exec("INSERT INTO tickets (sellers_name, sellers_zip, code) VALUES ('alice', 1, " +
         N(100000 + k) + ")");
  t.Exec("UPDATE tickets SET code = code WHERE ticket_id = " + N(2 + 2 * k));
}

std::vector<PhaseCase> Cases() {
  std::vector<PhaseCase> cases;
  // pgroll example 45: `up` of sellers_zip turns bob's non-positive zips into 123.
  cases.push_back(
      {"check",
       std::string(kTickets) + "UPDATE tickets SET sellers_zip = 0 WHERE ticket_id IN (1, 3, 5);",
       R"(operations:
  - create_constraint:
      type: check
      table: tickets
      name: check_zip_name
      columns: [sellers_name, sellers_zip]
      check: sellers_name = 'alice' OR sellers_zip > 0
      up:
        sellers_name: sellers_name
        sellers_zip: SELECT CASE WHEN sellers_name != 'alice' AND sellers_zip <= 0 THEN 123 WHEN sellers_name != 'alice' THEN sellers_zip ELSE sellers_zip END
      down:
        sellers_name: sellers_name
        sellers_zip: sellers_zip
)",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.Constraint("tickets", "check_zip_name"),
                   AtLeast(phase, "validate") ? "c true" : "c false");
         TicketWrites(t, Idx(phase));
         EXPECT_TRUE(
             t.Refused("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('bob', -1)"))
             << "new writes are checked from expand on";
         const long long bad = t.ScalarInt(
             "SELECT count(*) FROM tickets WHERE NOT (sellers_name = 'alice' OR sellers_zip > 0)");
         EXPECT_EQ(bad, AtLeast(phase, "backfill") ? 0 : 3);
         if (AtLeast(phase, "backfill")) {
           EXPECT_EQ(t.ScalarInt("SELECT count(*) FROM tickets WHERE sellers_zip = 123"), 3);
         }
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "check_zip_name"), "c true");
         EXPECT_EQ(t.ScalarInt("SELECT count(*) FROM tickets WHERE ticket_id IN (1, 3, 5) AND "
                               "sellers_zip = 123"),
                   3);
       }});
  // pgroll example 44, on columns whose values are distinct.
  cases.push_back(
      {"unique", kTickets,
       R"(operations:
  - create_constraint:
      type: unique
      table: tickets
      name: unique_name_code
      columns: [sellers_name, code]
      up: {sellers_name: sellers_name, code: code}
      down: {sellers_name: sellers_name, code: code}
)",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.IndexValid("unique_name_code"), AtLeast(phase, "validate") ? "true" : "");
         EXPECT_EQ(t.Constraint("tickets", "unique_name_code"),
                   AtLeast(phase, "swap") ? "u true" : "");
         TicketWrites(t, Idx(phase));
         if (AtLeast(phase, "validate")) {
           EXPECT_TRUE(t.Refused("INSERT INTO tickets (sellers_name, code) VALUES ('alice', 2)"));
         }
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "unique_name_code"), "u true");
         EXPECT_TRUE(t.Refused("INSERT INTO tickets (sellers_name, code) VALUES ('bob', 1)"));
       }});
  // pgroll example 47.
  cases.push_back(
      {"foreign_key", kTickets,
       R"(operations:
  - create_constraint:
      type: foreign_key
      table: tickets
      name: fk_sellers
      columns: [sellers_name, sellers_zip]
      references:
        table: sellers
        columns: [name, zip]
        on_delete: CASCADE
)",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.Constraint("tickets", "fk_sellers"),
                   AtLeast(phase, "validate") ? "f true" : "f false");
         TicketWrites(t, Idx(phase));
         EXPECT_TRUE(
             t.Refused("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('carol', 9)"))
             << "new writes are checked from expand on";
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "fk_sellers"), "f true");
         t.Exec("DELETE FROM sellers WHERE name = 'bob'");
         EXPECT_EQ(t.ScalarInt("SELECT count(*) FROM tickets WHERE sellers_name = 'bob'"), 0)
             << "ON DELETE CASCADE";
       }});
  // pgroll example 55, on a table whose key column is nullable.
  cases.push_back({"primary_key", kTickets,
                   R"(operations:
  - create_constraint:
      name: tasks_pkey
      table: tasks
      columns: [id]
      type: primary_key
      up: {id: id}
      down: {id: id}
)",
                   [](OpsTest& t, const std::string& phase) {
                     EXPECT_EQ(t.ColumnNotNull("tasks", "id"), AtLeast(phase, "validate"));
                     EXPECT_EQ(t.Constraint("tasks", "tasks_pkey"),
                               AtLeast(phase, "swap") ? "p true" : "");
                     t.Exec("INSERT INTO tasks VALUES (" + N(1000 + Idx(phase)) + ", 'new')");
                     t.Exec("UPDATE tasks SET title = 'changed' WHERE id = 3");
                     if (AtLeast(phase, "validate")) {
                       EXPECT_TRUE(t.Refused("INSERT INTO tasks VALUES (NULL, 'x')"));
                       EXPECT_TRUE(t.Refused("INSERT INTO tasks VALUES (3, 'dup')"));
                     }
                   },
                   [](OpsTest& t) {
                     EXPECT_EQ(t.Constraint("tasks", "tasks_pkey"), "p true");
                     EXPECT_TRUE(t.ColumnNotNull("tasks", "id"));
                     EXPECT_EQ(t.ScalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = "
                                           "'tasks'::regclass AND contype = 'c'"),
                               0)
                         << "contract drops the helper NOT NULL check";
                   }});
  // pgroll example 23 (single-column form; up/down are accepted and not needed).
  cases.push_back(
      {"drop_constraint",
       std::string(kTickets) + "ALTER TABLE tickets ADD CONSTRAINT code_positive CHECK (code > 0);",
       R"(operations:
  - drop_constraint:
      table: tickets
      name: code_positive
      up: code
      down: SELECT CASE WHEN code <= 0 THEN 1 ELSE code END
)",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.Constraint("tickets", "code_positive"), "c true")
             << "the old app may rely on it until contract";
         TicketWrites(t, Idx(phase));
         EXPECT_TRUE(t.Refused("INSERT INTO tickets (code) VALUES (-1)"));
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "code_positive"), "");
         EXPECT_FALSE(t.Refused("INSERT INTO tickets (code) VALUES (-1)"));
       }});
  // pgroll example 48.
  cases.push_back(
      {"drop_multicolumn_constraint",
       std::string(kTickets) +
           "ALTER TABLE tickets ADD CONSTRAINT name_code_key UNIQUE (sellers_name, code);",
       R"(operations:
  - drop_multicolumn_constraint:
      table: tickets
      name: name_code_key
      up: {sellers_name: sellers_name, code: code}
      down: {sellers_name: sellers_name, code: code}
)",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.Constraint("tickets", "name_code_key"), "u true");
         TicketWrites(t, Idx(phase));
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "name_code_key"), "");
         EXPECT_EQ(t.IndexValid("name_code_key"), "") << "its index goes with it";
       }});
  // pgroll example 33.
  cases.push_back(
      {"rename_constraint",
       std::string(kTickets) + "ALTER TABLE tickets ADD CONSTRAINT code_positive CHECK (code > 0);",
       "operations:\n  - rename_constraint: {table: tickets, from: code_positive, to: code_gt_0}\n",
       [](OpsTest& t, const std::string& phase) {
         EXPECT_EQ(t.Constraint("tickets", "code_gt_0"), "c true");
         EXPECT_EQ(t.Constraint("tickets", "code_positive"), "");
         TicketWrites(t, Idx(phase));
       },
       [](OpsTest& t) {
         EXPECT_EQ(t.Constraint("tickets", "code_gt_0"), "c true");
         EXPECT_TRUE(t.Refused("INSERT INTO tickets (code) VALUES (-1)"));
       }});
  return cases;
}

class ConstraintPhases : public OpsTest,
                         public ::testing::WithParamInterface<std::tuple<int, std::string>> {};

TEST_P(ConstraintPhases, AppWritesDuringEachPhaseReverseRestoresSchemaThenContract) {
  const auto& [index, phase] = GetParam();
  RunPhaseCase(*this, Cases()[index], phase);
}

INSTANTIATE_TEST_SUITE_P(Ops, ConstraintPhases,
                         ::testing::Combine(::testing::Range(0, 7),
                                            ::testing::ValuesIn(PhasesBeforeContract())),
                         [](const auto& info) {
                           return Cases()[std::get<0>(info.param)].name + "_" +
                                  std::get<1>(info.param);
                         });

using ConstraintOpsTest = OpsTest;

TEST_F(ConstraintOpsTest, UniqueBuildStoppedByDuplicatesIsCleanedUpWhenApplyRunsAgain) {
  Exec(kTickets);
  Exec("UPDATE tickets SET code = 1 WHERE ticket_id = 2");
  const std::string spec =
      WriteSpec("0001_unique_code",
                "operations:\n  - create_constraint: {table: tickets, name: tickets_code_key, "
                "type: unique, columns: [code]}\n");
  RunResult r = Run({"apply", spec});
  ASSERT_NE(r.exit_code, 0) << r;
  ASSERT_EQ(IndexValid("tickets_code_key"), "false") << "the failed build left an invalid index";

  Exec("UPDATE tickets SET code = 2 WHERE ticket_id = 2");
  r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Constraint("tickets", "tickets_code_key"), "u true");
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_index WHERE indrelid = 'tickets'::regclass AND "
                      "NOT indisvalid"),
            0);
}

// A check's `up` fixes the rows it rejects in checkpointed batches, like any backfill (not
// one statement over the whole table): with batches of at most 100 rows over 3000 rows,
// the walk visits every row once, fixes only the 1000 violators, and keeps its checkpoint.
TEST_F(ConstraintOpsTest, CheckUpFixesViolatingRowsInCheckpointedBatches) {
  Exec(
      "CREATE TABLE readings (id bigint PRIMARY KEY, v int NOT NULL);"
      "INSERT INTO readings SELECT g, CASE WHEN g % 3 = 0 THEN -g ELSE g END "
      "FROM generate_series(1, 3000) g; ANALYZE readings;");
  const std::string migration = "0001_readings_positive";
  const std::string spec = WriteSpec(migration,
                                     "settings:\n"
                                     "  batch_size_min: 50\n"
                                     "  batch_size_max: 100\n"
                                     "operations:\n"
                                     "  - create_constraint:\n"
                                     "      type: check\n"
                                     "      table: readings\n"
                                     "      name: readings_v_positive\n"
                                     "      columns: [v]\n"
                                     "      check: v > 0\n"
                                     "      up:\n"
                                     "        v: abs(v) + 1000000\n");
  RunResult r = Run({"apply", spec, "--through", "backfill"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE v > 1000000"), 1000);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE v <= 0"), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM readings WHERE v BETWEEN 1 AND 3000 AND id % 3 <> 0"),
            2000)
      << "rows the check accepts keep their value";
  EXPECT_EQ(BackfillRowsDone(migration), 3000)
      << "the batches walk every row once, and checkpoint (one statement would not)";
  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Constraint("readings", "readings_v_positive"), "c true");
}

// A partitioned table without a key has neither a keyset nor ctids of its own: the fix
// is one statement over the rows the check rejects, and the plan says so.
TEST_F(ConstraintOpsTest, CheckUpOnAPartitionedTableWithoutKeyFixesRowsInOneStatement) {
  Exec(
      "CREATE TABLE plog (kind text NOT NULL, v int NOT NULL) PARTITION BY LIST (kind);"
      "CREATE TABLE plog_a PARTITION OF plog FOR VALUES IN ('a');"
      "CREATE TABLE plog_rest PARTITION OF plog DEFAULT;"
      "INSERT INTO plog SELECT CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, g - 100 "
      "FROM generate_series(1, 1000) g;");
  const std::string spec = WriteSpec("0001_plog_positive",
                                     "operations:\n"
                                     "  - create_constraint:\n"
                                     "      type: check\n"
                                     "      table: plog\n"
                                     "      name: plog_v_positive\n"
                                     "      columns: [v]\n"
                                     "      check: v > 0\n"
                                     "      up:\n"
                                     "        v: abs(v) + 1\n");
  RunResult r = Run({"plan", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("in one statement (a partitioned table without a key cannot be batched)"),
            std::string::npos)
      << r;
  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM plog WHERE v <= 0"), 0);
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM plog WHERE v = 100"), 2) << "100, and -99 fixed";
}

TEST_F(ConstraintOpsTest, BadInputChangesNothing) {
  Exec(kTickets);
  const std::string before = SchemaDump();
  for (const std::string& op : {
           std::string("create_constraint: {table: tickets, name: c, type: foreign_key, columns: "
                       "[code], references: {table: nope, columns: [id]}}"),
           std::string("create_constraint: {table: tickets, name: c, type: check, columns: "
                       "[code], check: 'nope > 0'}"),
           std::string(
               "create_constraint: {table: tickets, name: c, type: unique, columns: [nope]}"),
           std::string("drop_constraint: {table: tickets, name: nope}"),
           std::string(
               "rename_constraint: {table: tickets, from: tickets_pkey, to: tickets_pkey2}\n"
               "  - rename_constraint: {table: tickets, from: tickets_pkey, to: x}"),
       }) {
    SCOPED_TRACE(op);
    RunResult r = Run({"apply", WriteSpec("0001_bad", "operations:\n  - " + op + "\n")});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(r.err.find("0001_bad.yaml:") != std::string::npos) << r;
  }
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_FALSE(RelationExists("pgphase.migrations")) << "invalid input records nothing";
}

}  // namespace
}  // namespace pgphase::it
