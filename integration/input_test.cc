// Invalid input exits 2 and changes nothing: bad YAML, specs the catalog contradicts,
// bad flags, a spec edited after it was applied. Hostile names are only names.
#include <regex>

#include "harness.h"

namespace pgphase::it {
namespace {

struct BadSpec {
  const char* name;  // test name suffix
  const char* yaml;
  const char* mentions;  // stderr must contain this
  int line;              // > 0: stderr must point at FILE:line:col
  bool yaml_problem;     // a shape error: FILE:line:col required, lint must catch it
};

const BadSpec kBadSpecs[] = {
    {"MalformedYaml",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      column: {name: total, type: bigint\n",
     "", 0, true},
    {"UnknownColumnKey",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 2\n"
     "      column:\n"
     "        name: total\n"
     "        type: bigint\n"
     "        colour: red\n",
     "colour", 8, true},
    {"UnknownTopLevelKey",
     "operatoins:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 2\n"
     "      column: {name: total, type: bigint}\n",
     "operatoins", 1, true},
    {"UnknownOperation",
     "operations:\n"
     "  - add_colum:\n"
     "      table: orders\n",
     "add_colum", 2, true},
    {"WrongScalarType",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 2\n"
     "      column:\n"
     "        name: total\n"
     "        type: bigint\n"
     "        nullable: perhaps\n",
     "nullable", 8, true},
    {"MissingTable",
     "operations:\n"
     "  - add_column:\n"
     "      table: no_such_table\n"
     "      up: \"1\"\n"
     "      column: {name: total, type: bigint}\n",
     "no_such_table", 0, false},
    {"UpReferencesMissingColumn",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: no_such_column * 2\n"
     "      column: {name: total, type: bigint}\n",
     "no_such_column", 0, false},
    {"ReferencesMissingColumn",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      column:\n"
     "        name: parent_id\n"
     "        type: bigint\n"
     "        nullable: true\n"
     "        references: {name: orders_parent_fk, table: orders, column: no_such_key}\n",
     "no_such_key", 0, false},
    {"ColumnAlreadyExists",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 2\n"
     "      column: {name: amount, type: bigint}\n",
     "amount", 0, false},
    {"SameColumnAddedTwice",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 2\n"
     "      column: {name: total, type: bigint}\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      up: amount * 3\n"
     "      column: {name: total, type: bigint}\n",
     "total", 0, false},
    {"UnknownType",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      column:\n"
     "        name: total\n"
     "        type: bigintt\n"
     "        nullable: true\n",
     "type \"bigintt\" does not exist", 5, false},
    {"UnknownTypeInAlterColumn",
     "operations:\n"
     "  - alter_column: {table: orders, column: amount, type: intgr}\n",
     "type \"intgr\" does not exist", 2, false},
    {"NotNullWithoutUpOrDefault",
     "operations:\n"
     "  - add_column:\n"
     "      table: orders\n"
     "      column: {name: total, type: bigint}\n",
     "total", 0, false},
    // Issue 10's corpus: broken files of every kind.
    {"EmptyFile", "", "empty spec", 1, true},
    {"TabIndentation", "operations:\n\t- add_column:\n", "invalid YAML", 2, true},
    {"BinaryGarbage", "\xff\xfe\x01\x02garbage\x80\x81", "expected a map", 1, true},
    {"ScalarDocument", "just a scalar\n", "expected a map, got a string", 1, true},
    {"TopLevelList", "- add_column: {table: orders}\n", "got a sequence", 1, true},
    {"NoOperations", "operations: []\n", "non-empty sequence", 1, true},
    {"TwoOperationsInOneEntry",
     "operations:\n  - add_column: {table: orders, column: {name: x, type: int, nullable: true}}\n"
     "    drop_column: {table: orders, column: note}\n",
     "got 2 keys", 2, true},
    {"OperationNotAMap", "operations:\n  - add_column: [1, 2]\n", "expected a map", 2, true},
    {"DuplicateKey",
     "operations:\n  - add_column:\n      table: orders\n      table: codes\n"
     "      column: {name: t, type: int, nullable: true}\n",
     "duplicate key", 4, true},
    {"UnknownOperationKey",
     "operations:\n  - drop_constraint: {table: orders, name: c, up: amount, down: amount, "
     "column: amount}\n",
     "unknown key", 2, true},
    {"UnknownSetting",
     "settings: {unknown_setting: 1}\noperations:\n  - drop_column: {table: orders, column: "
     "note}\n",
     "unknown_setting", 1, true},
    {"NegativeTimeout",
     "settings: {lock_timeout: -5s}\noperations:\n  - drop_column: {table: orders, column: note}\n",
     "negative durations", 1, true},
    {"ZeroBatchSize",
     "settings: {batch_size_min: 0}\noperations:\n  - drop_column: {table: orders, column: note}\n",
     "positive integer", 1, true},
    {"DurationNotADuration",
     "settings: {target_batch_time: banana}\noperations:\n"
     "  - drop_column: {table: orders, column: note}\n",
     "invalid duration", 1, true},
    {"NameIsAList",
     "operations:\n  - add_column: {table: orders, column: {name: [a], type: int, nullable: "
     "true}}\n",
     "expected a name", 2, true},
    {"EmptyName",
     "operations:\n  - add_column: {table: orders, column: {name: \"\", type: int, nullable: "
     "true}}\n",
     "empty string", 2, true},
    {"NameTooLong",
     "operations:\n  - add_column: {table: orders, column: {name: "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, type: int, nullable: "
     "true}}\n",
     "70 bytes long", 2, true},
    {"AlterColumnChangesNothing",
     "operations:\n  - alter_column: {table: orders, column: amount}\n", "changes nothing", 2,
     true},
    {"MissingColumnToDrop", "operations:\n  - drop_column: {table: orders, column: nope}\n",
     "\"nope\" does not exist", 2, false},
    {"TableExists",
     "operations:\n  - create_table: {name: orders, columns: [{name: id, type: int}]}\n",
     "already exists", 2, false},
    {"IndexNameTaken",
     "operations:\n  - create_index: {table: orders, name: orders_pkey, columns: [amount]}\n",
     "already exists", 2, false},
    {"MissingIndexToDrop", "operations:\n  - drop_index: {name: nope_idx}\n", "does not exist", 2,
     false},
    {"RenameOntoAnExistingColumn",
     "operations:\n  - rename_column: {table: orders, from: note, to: amount}\n", "already exists",
     2, false},
    {"InjectionInSchema",
     "settings: {schema: \"public; DROP TABLE orders\"}\noperations:\n"
     "  - drop_column: {table: orders, column: note}\n",
     "does not exist", 3, false},
    {"InjectionInTable",
     "operations:\n  - drop_column: {table: \"orders; DROP TABLE orders; --\", column: note}\n",
     "does not exist", 2, false},
    {"InjectionInType",
     "operations:\n  - add_column: {table: orders, column: {name: y, type: \"int; DROP TABLE "
     "orders\", nullable: true}}\n",
     "invalid type", 2, false},
    {"InjectionInUp",
     "operations:\n  - add_column: {table: orders, up: \"1); DROP TABLE orders; --\", column: "
     "{name: z, type: int, nullable: true}}\n",
     "exactly one expression", 2, false},
    {"InjectionInIndexColumn",
     "operations:\n  - create_index: {table: orders, name: i, columns: [\"amount); DROP TABLE "
     "orders; --\"]}\n",
     "does not exist", 2, false},
    {"ExpressionDoesNotParse",
     "operations:\n  - add_column: {table: orders, up: \"amount +\", column: {name: u, type: int, "
     "nullable: true}}\n",
     "syntax error", 2, false},
    {"SqlDoesNotParse", "operations:\n  - sql: {up: \"SELEC 1\"}\n", "syntax error", 2, false},
    {"DefaultCastFailsOnExistingRows",
     "operations:\n  - alter_column: {table: orders, column: note, type: integer}\n",
     "cannot convert these existing rows", 0, false},
};

void PrintTo(const BadSpec& c, std::ostream* os) { *os << c.name; }

class BadSpecTest : public OrdersTest, public ::testing::WithParamInterface<BadSpec> {};

TEST_P(BadSpecTest, ExitsInvalidNamesTheProblemAndChangesNothing) {
  const BadSpec& c = GetParam();
  SeedOrders(100);
  const std::string before = SchemaDump();
  const std::string spec = WriteSpec("0001_bad", c.yaml);
  const std::string file = Basename(spec);

  for (const char* command : {"plan", "apply"}) {
    SCOPED_TRACE(command);
    RunResult r = Run({command, spec});
    EXPECT_EQ(r.exit_code, 2) << r;
    if (*c.mentions) {
      EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r;
    }
    if (c.yaml_problem || c.line > 0) {
      const std::string where =
          c.line > 0 ? file + ":" + std::to_string(c.line) + ":[0-9]+" : file + ":[0-9]+:[0-9]+";
      EXPECT_TRUE(std::regex_search(r.err, std::regex(where))) << "expected " << where << r;
    }
  }
  EXPECT_EQ(SchemaDump(), before) << "the database must be unchanged";
  EXPECT_EQ(MigrationStatus("0001_bad"), "") << "no migration recorded for invalid input";

  if (c.yaml_problem) {
    RunResult r = RunNoDb({"lint", spec});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find(file), std::string::npos) << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, BadSpecTest, ::testing::ValuesIn(kBadSpecs),
                         [](const auto& info) { return std::string(info.param.name); });

using InputTest = OrdersTest;

TEST_F(InputTest, ATypeAnEarlierSqlOperationCreatesIsNotRefused) {
  SeedOrders(10);
  const std::string spec = WriteSpec("0001_mood", R"(operations:
  - sql:
      up: CREATE TYPE mood AS ENUM ('happy', 'sad')
      down: DROP TYPE mood
  - add_column:
      table: orders
      column: {name: mood, type: mood, nullable: true}
)");
  RunResult r = Run({"apply", spec, "--through", "contract"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnExists("orders", "mood"));
}

// DESIGN "State": before each phase the live catalog is compared with what the plan
// expects. A column retyped, or the backfill's key no longer unique, stops the migration
// with exit 2 before the phase changes anything; restoring the schema lets it go on.
TEST_F(InputTest, DriftedColumnsOrKeyStopTheNextPhaseUntilRestored) {
  SeedOrders(2000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec, "--through", "sync"});
  ASSERT_EQ(r.exit_code, 0) << r;

  Exec("ALTER TABLE orders ALTER COLUMN note TYPE varchar(200)");
  r = Run({"apply", spec, "--through", "backfill"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("column public.orders.note text is now character varying(200)"),
            std::string::npos)
      << r;
  EXPECT_EQ(FilledTotals(), 0) << "the backfill must not have started";
  Exec("ALTER TABLE orders ALTER COLUMN note TYPE text");

  Exec("ALTER TABLE orders DROP CONSTRAINT orders_pkey");
  r = Run({"apply", spec, "--through", "backfill"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("table public.orders (id): no primary key or unique index"),
            std::string::npos)
      << r;
  EXPECT_EQ(FilledTotals(), 0) << "the backfill must not have started";

  // A unique index over the NOT NULL key is as good as the primary key was.
  Exec("CREATE UNIQUE INDEX orders_id_key ON orders (id)");
  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0);
}

TEST_F(InputTest, SpecChangedAfterApplyIsRefusedByChecksum) {
  SeedOrders(2000);
  const std::string spec = WriteOrdersSpec();
  RunResult r = Run({"apply", spec, "--through", "expand"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string before = SchemaDump();
  const std::string checksum =
      Scalar("SELECT checksum::text FROM pgphase.migrations WHERE name = '0001_orders_total'");

  WriteOrdersSpec(kMigration, "", "amount * 3");
  r = Run({"apply", spec});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(Lower(r.err).find("checksum"), std::string::npos) << r;
  EXPECT_EQ(SchemaDump(), before);
  ExpectPhasesDoneThrough(kMigration, "expand");
  EXPECT_EQ(Scalar("SELECT checksum::text FROM pgphase.migrations WHERE name = "
                   "'0001_orders_total'"),
            checksum);

  // Putting the applied text back lets the migration continue.
  WriteOrdersSpec();
  r = Run({"apply", spec, "--through", "backfill"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(BadTotals(), 0);
}

TEST_F(InputTest, InvalidFlagsAndArgumentsExit2) {
  SeedOrders(100);
  const std::string spec = WriteOrdersSpec();
  const std::string before = SchemaDump();
  const std::vector<std::vector<std::string>> cases = {
      {"apply", spec, "--through", "everything"},
      {"apply", spec, "--lock-timeout", "5"},  // a duration needs a unit
      {"apply", spec, "--batch-delay", "soon"},
      {"apply", spec, "--no-such-flag"},
      {"apply", temp_dir() + "/0009_missing.yaml"},
      {"apply"},
      {"reverse", kMigration, "--to", "everything"},
      {"wait", kMigration, "--phase", "everything", "--timeout", "1s"},
      {"status", "--format", "xml"},
      {"frobnicate"},
  };
  for (const auto& args : cases) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_FALSE(r.err.empty()) << "say what is wrong" << r;
  }
  EXPECT_EQ(SchemaDump(), before);
  EXPECT_EQ(MigrationStatus(kMigration), "");
}

TEST_F(InputTest, HostileIdentifiersAreTreatedAsLiteralNames) {
  const std::string table = "a\"; DROP TABLE x; --";
  const std::string column = "b\"'; DROP TABLE x; --";
  Exec(
      "CREATE TABLE x (id int); INSERT INTO x VALUES (1);"
      "CREATE TABLE " +
      QuoteIdent(table) +
      " (id int PRIMARY KEY, val int NOT NULL);"
      "INSERT INTO " +
      QuoteIdent(table) + " SELECT g, g FROM generate_series(1, 1000) g;");
  // YAML single quotes: '' is one quote.
  const std::string spec = WriteSpec("0001_hostile",
                                     "operations:\n"
                                     "  - add_column:\n"
                                     "      table: 'a\"; DROP TABLE x; --'\n"
                                     "      up: val + 1\n"
                                     "      column:\n"
                                     "        name: 'b\"''; DROP TABLE x; --'\n"
                                     "        type: integer\n");
  const std::string wrong_rows = "SELECT count(*) FROM " + QuoteIdent(table) + " WHERE " +
                                 QuoteIdent(column) + " IS DISTINCT FROM val + 1";

  RunResult r = Run({"plan", spec});
  EXPECT_EQ(r.exit_code, 0) << r;
  r = Run({"apply", spec});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnExists(table, column));
  EXPECT_EQ(ScalarInt(wrong_rows), 0);
  Exec("INSERT INTO " + QuoteIdent(table) + " (id, val) VALUES (5000, 41)");  // old app
  EXPECT_EQ(ScalarInt(wrong_rows), 0);

  r = Run({"reverse", "0001_hostile"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(ColumnExists(table, column));

  r = Run({"apply", spec, "--through", "contract"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(ColumnNotNull(table, column));
  EXPECT_EQ(ScalarInt(wrong_rows), 0);
  EXPECT_EQ(UserTriggerCount(table), 0);
  ASSERT_TRUE(RelationExists("public.x")) << "a name was executed as SQL";
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM x"), 1);
}

}  // namespace
}  // namespace pgphase::it
