// Every pairing of an operation that changes a column with one that indexes or constrains
// it, in one migration (src/plan/filled.h): the index or constraint is made after the
// backfill, on the column that holds the values, and swap carries it to the column's name.
// Each pairing is applied phase by phase with old-app writes, reversed from swap (the schema
// must come back), then applied through contract, where the index or constraint must be on
// the final column and hold.
#include <algorithm>
#include <tuple>

#include "phase_cases.h"

namespace pgphase::it {
namespace {

// t(id, name, note): every value a column takes is 'n' || id, and ref has all of them.
constexpr const char* kSetup =
    "CREATE TABLE ref (code text PRIMARY KEY);"
    "INSERT INTO ref SELECT 'n' || g FROM generate_series(1, 2000) g;"
    "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, note text);"
    "INSERT INTO t SELECT g, 'n' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END "
    "FROM generate_series(1, 300) g;";

struct Changer {
  std::string name;
  std::string yaml;    // one operation
  std::string column;  // the column as the migration leaves it
};

const std::vector<Changer>& Changers() {
  static const std::vector<Changer> kChangers = {
      {"add_up", R"y(  - add_column: {table: t, up: "'n' || id", column: {name: tag, type: text}}
)y",
       "tag"},
      {"type",
       R"y(  - alter_column: {table: t, column: name, type: varchar(200), up: "CAST(name AS varchar(200))", down: name}
)y",
       "name"},
      {"not_null",
       R"y(  - alter_column: {table: t, column: note, nullable: false, up: "coalesce(note, 'n' || id)"}
)y",
       "note"},
      {"rename",
       R"y(  - alter_column: {table: t, column: name, name: title, type: varchar(200), up: "CAST(name AS varchar(200))", down: title}
)y",
       "title"},
      {"unique_check",
       R"y(  - alter_column: {table: t, column: name, unique: {name: t_name_key}, check: {name: t_name_len, constraint: "length(name) < 300"}}
)y",
       "name"},
  };
  return kChangers;
}

struct Indexer {
  std::string name;
  std::string yaml;    // one operation; {c} is the column
  std::string object;  // the index or constraint's name
  bool index = false;  // an index this operation builds (not a constraint without one)
  bool unique = false;
  bool rejects_forbidden = false;  // a check or foreign key: 'forbidden' is refused
};

const std::vector<Indexer>& Indexers() {
  static const std::vector<Indexer> kIndexers = {
      {"index", "  - create_index: {name: t_c_idx, table: t, columns: [{c}]}\n", "t_c_idx", true,
       false, false},
      {"unique_index",
       "  - create_index: {name: t_c_uidx, table: t, columns: [{c}], unique: true}\n", "t_c_uidx",
       true, true, false},
      {"unique_constraint",
       "  - create_constraint: {table: t, name: t_c_uq, type: unique, columns: [{c}]}\n", "t_c_uq",
       true, true, false},
      {"check",
       "  - create_constraint: {table: t, name: t_c_chk, type: check, columns: [{c}], check: "
       "\"{c} <> 'forbidden'\"}\n",
       "t_c_chk", false, false, true},
      {"foreign_key",
       "  - create_constraint: {table: t, name: t_c_fk, type: foreign_key, columns: [{c}], "
       "references: {table: ref, columns: [code]}}\n",
       "t_c_fk", false, false, true},
  };
  return kIndexers;
}

std::string WithColumn(std::string s, const std::string& column) {
  for (size_t at = s.find("{c}"); at != std::string::npos; at = s.find("{c}"))
    s.replace(at, 3, column);
  return s;
}

// The columns of t that index or constraint `object` is on (its index's for an index).
std::string ColumnsOf(OpsTest& t, const Indexer& ix) {
  const std::string sql =
      ix.index ? "SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON "
                 "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indisvalid AND "
                 "i.indexrelid = to_regclass('" +
                     ix.object + "')"
               : "SELECT string_agg(a.attname, ',') FROM pg_constraint k JOIN pg_attribute a ON "
                 "a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey) WHERE k.convalidated AND "
                 "k.conname = '" +
                     ix.object + "'";
  return t.Scalar("SELECT coalesce((" + sql + "), '')");
}

void Holds(OpsTest& t, const Changer& ch, const Indexer& ix) {
  EXPECT_EQ(ColumnsOf(t, ix), ch.column) << ix.object << " must be on the final column";
  EXPECT_EQ(
      t.ScalarInt("SELECT count(*) FROM t WHERE " + ch.column + " IS DISTINCT FROM 'n' || id"), 0);
  const std::string dup = "UPDATE t SET " + ch.column + " = (SELECT " + ch.column +
                          " FROM t WHERE id = 2) WHERE id = 1";
  const std::string bad = "UPDATE t SET " + ch.column + " = 'forbidden' WHERE id = 1";
  if (ix.unique) {
    EXPECT_TRUE(t.Refused(dup)) << dup;
  } else {
    EXPECT_EQ(t.Refused(bad), ix.rejects_forbidden) << bad;
  }
}

PhaseCase CaseOf(const Changer& ch, const Indexer& ix) {
  PhaseCase c;
  c.name = ch.name + "_" + ix.name;
  c.setup = kSetup;
  c.yaml = "operations:\n" + ch.yaml + WithColumn(ix.yaml, ch.column);
  c.during = [ch, ix](OpsTest& t, const std::string& phase) {
    if (phase != "swap") {  // the old app (it stops at swap for a same-name type change)
      const auto& phases = AllPhases();
      const std::string id =
          std::to_string(1000 + (std::find(phases.begin(), phases.end(), phase) - phases.begin()));
      t.Exec("INSERT INTO t (id, name, note) VALUES (" + id + ", 'n" + id + "', NULL)");
    }
    if (ix.index && (phase == "expand" || phase == "sync" || phase == "backfill")) {
      EXPECT_EQ(t.IndexValid(ix.object), "") << "built only after the backfill";
    }
    if (phase == "swap") {
      EXPECT_EQ(ColumnsOf(t, ix), ch.column) << "moved at swap";
    }
  };
  c.after_contract = [ch, ix](OpsTest& t) { Holds(t, ch, ix); };
  return c;
}

class FilledPairings : public OpsTest,
                       public ::testing::WithParamInterface<std::tuple<size_t, size_t>> {};

TEST_P(FilledPairings, ApplyPhaseByPhaseReverseFromSwapThenContract) {
  const auto& [changer, indexer] = GetParam();
  RunPhaseCase(*this, CaseOf(Changers()[changer], Indexers()[indexer]), "swap");
}

INSTANTIATE_TEST_SUITE_P(Ops, FilledPairings,
                         ::testing::Combine(::testing::Range<size_t>(0, 5),
                                            ::testing::Range<size_t>(0, 5)),
                         [](const auto& info) {
                           return Changers()[std::get<0>(info.param)].name + "_" +
                                  Indexers()[std::get<1>(info.param)].name;
                         });

using FilledTest = OpsTest;

TEST_F(FilledTest, AnIndexGivenBeforeTheChangeIsRefusedAtPlanTime) {
  Exec(kSetup);
  const std::string spec = WriteSpec("0001_index_first", R"y(operations:
  - create_index: {name: t_name_idx, table: t, columns: [name]}
  - alter_column: {table: t, column: name, type: varchar(200), up: "CAST(name AS varchar(200))", down: name
}
)y");
  const RunResult r = Run({"plan", spec});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("index t_name_idx, which an earlier operation of this migration creates"),
            std::string::npos)
      << r;
}

TEST_F(FilledTest, AnIndexOnAColumnRenamedAtSwapIsBuiltOnItsOldName) {
  Exec(kSetup);  // t.id is the primary key: renamed at swap, not through a column pair
  const std::string before = SchemaDump();
  const std::string spec = WriteSpec("0001_tid", R"y(operations:
  - rename_column: {table: t, from: id, to: tid}
  - create_index: {name: t_tid_idx, table: t, columns: [tid], unique: true}
  - create_constraint: {table: t, name: t_tid_positive, type: check, columns: [tid], check: tid > 0}
)y");
  Apply(spec, "swap");
  EXPECT_EQ(Scalar("SELECT pg_get_indexdef('t_tid_idx'::regclass)"),
            "CREATE UNIQUE INDEX t_tid_idx ON public.t USING btree (tid)");
  Reverse("0001_tid");
  EXPECT_EQ(SchemaDump(), before);
  Apply(spec, "contract");
  EXPECT_TRUE(Refused("UPDATE t SET tid = -1 WHERE tid = 1"));
  EXPECT_TRUE(Refused("UPDATE t SET tid = 2 WHERE tid = 1"));
}

}  // namespace
}  // namespace pgphase::it
