#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pgphase/spec_reader.h"

namespace pgphase {
namespace {

namespace fs = std::filesystem;

const char kFile[] = "plans/0001_test.yaml";

Result<ChangeSpec> Parse(const std::string& text) { return ParseSpec(text, kFile); }

const AddColumnOp& AddColumnAt(const ChangeSpec& spec, size_t i) {
  return std::get<AddColumnOp>(spec.operations.at(i).op);
}

// ---------------------------------------------------------------------------------------------
// Accepted specs

TEST(ParseSpecTest, MinimalAddColumnGetsPgrollDefaults) {
  const std::string text = R"(operations:
  - add_column:
      table: users
      column:
        name: email
        type: text
)";
  Result<ChangeSpec> spec = Parse(text);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->name, "0001_test");
  EXPECT_EQ(spec->file, kFile);
  EXPECT_EQ(spec->text, text);
  EXPECT_EQ(spec->settings.schema, "public");
  EXPECT_FALSE(spec->settings.lock_timeout.has_value());
  EXPECT_FALSE(spec->settings.batch_size_min.has_value());
  EXPECT_FALSE(spec->version_schema.has_value());
  ASSERT_EQ(spec->operations.size(), 1u);
  EXPECT_EQ(spec->operations[0].kind, "add_column");
  const AddColumnOp& op = AddColumnAt(*spec, 0);
  EXPECT_EQ(op.table, "users");
  EXPECT_FALSE(op.up.has_value());
  EXPECT_EQ(op.column.name, "email");
  EXPECT_EQ(op.column.type, "text");
  EXPECT_FALSE(op.column.nullable) << "pgroll columns are NOT NULL unless nullable: true";
  EXPECT_FALSE(op.column.unique);
  EXPECT_FALSE(op.column.pk);
  EXPECT_FALSE(op.column.default_value.has_value());
  EXPECT_FALSE(op.column.check.has_value());
  EXPECT_FALSE(op.column.references.has_value());
  EXPECT_FALSE(op.column.comment.has_value());
}

TEST(ParseSpecTest, ParsesEveryAddColumnFieldWithLocations) {
  const std::string text = R"(operations:
  - add_column:
      table: orders
      up: amount * 100
      column:
        name: amount_cents
        type: bigint
        nullable: true
        unique: true
        pk: false
        default: "0"
        check:
          name: amount_cents_positive
          constraint: amount_cents >= 0
        references:
          name: orders_customer_fk
          table: customers
          column: id
          on_delete: set null
        comment: amount in cents
  - add_column:
      table: orders
      column: {name: id2, type: int, pk: true}
)";
  Result<ChangeSpec> spec = Parse(text);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->operations.size(), 2u);

  const OperationEntry& entry = spec->operations[0];
  EXPECT_EQ(entry.where.ToString(), "plans/0001_test.yaml:2:5");
  const AddColumnOp& op = AddColumnAt(*spec, 0);
  EXPECT_EQ(op.table, "orders");
  ASSERT_TRUE(op.up.has_value());
  EXPECT_EQ(op.up->text, "amount * 100");
  EXPECT_EQ(op.up->where.ToString(), "plans/0001_test.yaml:4:11");

  const ColumnSpec& col = op.column;
  EXPECT_EQ(col.where.ToString(), "plans/0001_test.yaml:6:9");
  EXPECT_EQ(col.name, "amount_cents");
  EXPECT_EQ(col.type, "bigint");
  EXPECT_TRUE(col.nullable);
  EXPECT_TRUE(col.unique);
  EXPECT_FALSE(col.pk);
  ASSERT_TRUE(col.default_value.has_value());
  EXPECT_EQ(col.default_value->text, "0");
  EXPECT_EQ(col.default_value->where.ToString(), "plans/0001_test.yaml:11:18");
  ASSERT_TRUE(col.check.has_value());
  EXPECT_EQ(col.check->name, "amount_cents_positive");
  EXPECT_EQ(col.check->constraint.text, "amount_cents >= 0");
  EXPECT_EQ(col.check->constraint.where.ToString(), "plans/0001_test.yaml:14:23");
  ASSERT_TRUE(col.references.has_value());
  EXPECT_EQ(col.references->name, "orders_customer_fk");
  EXPECT_EQ(col.references->table, "customers");
  EXPECT_EQ(col.references->column, "id");
  EXPECT_EQ(col.references->on_delete, "SET NULL");
  EXPECT_EQ(col.comment, "amount in cents");

  EXPECT_EQ(spec->operations[1].where.ToString(), "plans/0001_test.yaml:21:5");
  const AddColumnOp& op2 = AddColumnAt(*spec, 1);
  EXPECT_EQ(op2.column.name, "id2");
  EXPECT_TRUE(op2.column.pk);
  EXPECT_FALSE(op2.column.nullable);
  EXPECT_EQ(op2.column.where.ToString(), "plans/0001_test.yaml:23:15");
}

std::string AddColumnWith(const std::string& column_lines) {
  return "operations:\n  - add_column:\n      table: t\n      column:\n        name: c\n"
         "        type: int\n" +
         column_lines;
}

TEST(ParseSpecTest, UnquotedScalarsInSqlFieldsKeepTheirTextAsWritten) {
  const std::pair<std::string, std::string> cases[] = {
      {"100", "100"},   {"\"100\"", "100"}, {"1.50", "1.50"},
      {"true", "true"}, {"0x10", "0x10"},   {"'''small'''", "'small'"},
      {"~x", "~x"},     {"now()", "now()"}, {"(random() * 1000)::int", "(random() * 1000)::int"},
  };
  for (const auto& [written, want] : cases) {
    Result<ChangeSpec> spec = Parse(AddColumnWith("        default: " + written + "\n"));
    ASSERT_TRUE(spec.ok()) << written << ": " << spec.status().message();
    ASSERT_TRUE(AddColumnAt(*spec, 0).column.default_value.has_value()) << written;
    EXPECT_EQ(AddColumnAt(*spec, 0).column.default_value->text, want) << written;
  }
}

TEST(ParseSpecTest, BooleansAcceptYamlCoreSpellings) {
  const std::pair<std::string, bool> cases[] = {{"true", true},   {"True", true},
                                                {"TRUE", true},   {"false", false},
                                                {"False", false}, {"FALSE", false}};
  for (const auto& [written, want] : cases) {
    Result<ChangeSpec> spec = Parse(AddColumnWith("        nullable: " + written + "\n"));
    ASSERT_TRUE(spec.ok()) << written << ": " << spec.status().message();
    EXPECT_EQ(AddColumnAt(*spec, 0).column.nullable, want) << written;
  }
}

TEST(ParseSpecTest, CommentNullMeansNoCommentAndEmptyStringIsKept) {
  Result<ChangeSpec> spec = Parse(AddColumnWith("        comment: null\n"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_FALSE(AddColumnAt(*spec, 0).column.comment.has_value());

  spec = Parse(AddColumnWith("        comment:\n"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_FALSE(AddColumnAt(*spec, 0).column.comment.has_value());

  spec = Parse(AddColumnWith("        comment: \"\"\n"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).column.comment, "");

  spec = Parse(AddColumnWith("        comment: \"null\"\n"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).column.comment, "null") << "a quoted null is a string";
}

TEST(ParseSpecTest, OnDeleteIsCaseInsensitiveAndStoredUpperCase) {
  const std::pair<std::string, std::string> cases[] = {
      {"NO ACTION", "NO ACTION"},    {"no action", "NO ACTION"}, {"restrict", "RESTRICT"},
      {"Cascade", "CASCADE"},        {"set  null", "SET NULL"},  {"SET NULL", "SET NULL"},
      {"set default", "SET DEFAULT"}};
  for (const auto& [written, want] : cases) {
    Result<ChangeSpec> spec = Parse(AddColumnWith(
        "        references:\n          name: fk\n          table: p\n          column: id\n"
        "          on_delete: " +
        written + "\n"));
    ASSERT_TRUE(spec.ok()) << written << ": " << spec.status().message();
    EXPECT_EQ(AddColumnAt(*spec, 0).column.references->on_delete, want) << written;
  }
}

TEST(ParseSpecTest, ReferencesWithoutOnDeleteLeaveItEmpty) {
  Result<ChangeSpec> spec =
      Parse(AddColumnWith("        references: {name: fk, table: p, column: id}\n"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).column.references->on_delete, "");
}

TEST(ParseSpecTest, NamesOf63BytesAreAccepted) {
  const std::string name(63, 'a');
  Result<ChangeSpec> spec = Parse("operations:\n  - add_column:\n      table: " + name +
                                  "\n      column: {name: " + name + ", type: int}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).table, name);
  EXPECT_EQ(AddColumnAt(*spec, 0).column.name, name);
}

TEST(ParseSpecTest, ParsesEverySetting) {
  Result<ChangeSpec> spec = Parse(R"(settings:
  schema: billing
  lock_timeout: 1s
  statement_timeout: 1m30s
  scan_timeout: 2h
  target_batch_time: 200ms
  batch_size_min: 100
  batch_size_max: 100
version_schema: billing_v2
operations:
  - add_column: {table: t, column: {name: c, type: int}}
)");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const Settings& s = spec->settings;
  EXPECT_EQ(s.schema, "billing");
  EXPECT_EQ(s.lock_timeout, Millis(1000));
  EXPECT_EQ(s.statement_timeout, Millis(90'000));
  EXPECT_EQ(s.scan_timeout, Millis(7'200'000));
  EXPECT_EQ(s.target_batch_time, Millis(200));
  EXPECT_EQ(s.batch_size_min, 100);
  EXPECT_EQ(s.batch_size_max, 100);
  EXPECT_EQ(spec->version_schema, "billing_v2");
}

// No scan_timeout is the default; 0ms says so explicitly, as PostgreSQL's statement_timeout = 0.
TEST(ParseSpecTest, ScanTimeoutMayBeZeroMeaningNoLimit) {
  Result<ChangeSpec> spec = Parse(
      "settings:\n  scan_timeout: 0ms\n"
      "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->settings.scan_timeout, Millis(0));
}

TEST(ParseSpecTest, SettingsMayComeAfterOperationsAndBeEmpty) {
  Result<ChangeSpec> spec = Parse(
      "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\nsettings: {}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->settings.schema, "public");
}

TEST(ParseSpecTest, MigrationNameIsTheFileStem) {
  const std::string text =
      "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n";
  const std::pair<std::string, std::string> cases[] = {
      {"plans/0007_orders_amount.yaml", "0007_orders_amount"},
      {"0007_orders_amount.yml", "0007_orders_amount"},
      {"/abs/dir.d/0001.v2-final.yaml", "0001.v2-final"},
      {"no_extension", "no_extension"},
  };
  for (const auto& [file, want] : cases) {
    Result<ChangeSpec> spec = ParseSpec(text, file);
    ASSERT_TRUE(spec.ok()) << file << ": " << spec.status().message();
    EXPECT_EQ(spec->name, want);
    EXPECT_EQ(spec->file, file);
  }
}

TEST(ParseSpecTest, RejectsMigrationNamesOutsideTheAllowedCharacters) {
  const std::string text =
      "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n";
  for (std::string file : {"plans/bad name.yaml", "plans/.yaml", "plans/ünï.yaml", "p/$x.yml"}) {
    Result<ChangeSpec> spec = ParseSpec(text, file);
    ASSERT_FALSE(spec.ok()) << file;
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    EXPECT_EQ(spec.status().message().rfind(file + ": migration name", 0), 0u)
        << spec.status().message();
    EXPECT_NE(spec.status().message().find("[A-Za-z0-9_.-]+"), std::string::npos);
  }
}

TEST(SourceLocationTest, ToStringOmitsUnknownLineAndColumn) {
  EXPECT_EQ((SourceLocation{"a.yaml", 12, 5}).ToString(), "a.yaml:12:5");
  EXPECT_EQ((SourceLocation{"a.yaml", 12, 0}).ToString(), "a.yaml:12");
  EXPECT_EQ((SourceLocation{"a.yaml", 0, 0}).ToString(), "a.yaml");
}

// ---------------------------------------------------------------------------------------------
// Rejected specs: every message is "file:line:col: path: what".

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string where;  // "line:col"
  std::string path;   // "" when the error is about the whole document
  std::string what;   // a part of the explanation
};

std::string ExpectedPrefix(const ErrorCase& c) {
  return std::string(kFile) + ":" + c.where + ": " + (c.path.empty() ? "" : c.path + ": ");
}

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<ChangeSpec> spec = Parse(c.yaml);
    ASSERT_FALSE(spec.ok()) << "accepted:\n" << c.yaml;
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    const std::string& message = spec.status().message();
    EXPECT_EQ(message.rfind(ExpectedPrefix(c), 0), 0u)
        << "message: " << message << "\nwanted prefix: " << ExpectedPrefix(c);
    EXPECT_NE(message.find(c.what), std::string::npos)
        << "message: " << message << "\nwanted part: " << c.what;
  }
}

TEST(ParseSpecErrorTest, RejectsBadDocuments) {
  ExpectErrors({
      {"empty file", "", "1:1", "", "empty spec"},
      {"only a comment", "# nothing here\n", "1:1", "", "empty spec"},
      {"explicit null document", "---\n", "1:1", "", "empty spec"},
      {"top level is a sequence", "- add_column: {}\n", "1:1", "",
       "expected a map, got a sequence"},
      {"top level is a string", "hello\n", "1:1", "", "expected a map, got a string"},
      {"unclosed flow sequence", "operations: [\n", "2:1", "", "invalid YAML"},
      {"bad indentation", "operations:\n  - add_column:\n      table: t\n     column: x\n", "4:6",
       "", "invalid YAML: end of map not found"},
      {"map value on a map value", "operations: add_column: x\n", "1:23", "",
       "invalid YAML: illegal map value"},
      {"two documents", "operations: []\n---\noperations: []\n", "3:1", "",
       "expected one YAML document"},
      {"missing operations", "settings:\n  schema: x\n", "1:1", "operations",
       "missing required key"},
      {"unknown top-level key", "operations: []\nname: x\n", "2:1", "name",
       "unknown key; expected one of: version_schema, settings, operations"},
      {"duplicate top-level key",
       "settings: {}\noperations:\n  - add_column: {table: t, column: {name: c, type: int}}\n"
       "settings: {}\n",
       "4:1", "settings", "duplicate key (first written at line 1)"},
      {"operations empty", "operations: []\n", "1:13", "operations",
       "expected a non-empty sequence of operations, got an empty sequence"},
      {"operations null", "operations:\n", "1:1", "operations",
       "expected a non-empty sequence of operations, got null"},
      {"operations a map", "operations:\n  add_column: {}\n", "2:3", "operations", "got a map"},
      {"non-string key", "? [a, b]\n: 1\noperations: []\n", "1:3", "",
       "expected a string key, got a sequence"},
      {"version_schema a sequence",
       "version_schema: [a]\noperations:\n  - add_column: {table: t, column: {name: c, type: i}}\n",
       "1:17", "version_schema", "expected a name, got a sequence"},
  });
}

TEST(ParseSpecErrorTest, RejectsBadOperationEntries) {
  const std::string ok_op = "  - add_column: {table: t, column: {name: c, type: int}}\n";
  ExpectErrors({
      {"entry is a string", "operations:\n  - add_column\n", "2:5", "operations[0]",
       "expected a map with one key naming the operation (add_column: ...), got a string"},
      {"entry has two keys",
       "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n"
       "    drop_column: {}\n",
       "2:5", "operations[0]", "got 2 keys"},
      {"unknown operation", "operations:\n" + ok_op + "  - foo:\n      table: t\n", "3:5",
       "operations[1]",
       "unknown operation 'foo'; expected one of: add_column, create_table, alter_column, "
       "drop_column, rename_column, rename_table, drop_table, create_index, drop_index, "
       "create_constraint, drop_constraint, drop_multicolumn_constraint, rename_constraint, "
       "set_replica_identity, sql"},
      {"operation name misspelt", "operations:\n  - addColumn: {}\n", "2:5", "operations[0]",
       "unknown operation 'addColumn'"},
  });
}

TEST(ParseSpecErrorTest, RejectsBadAddColumnShape) {
  ExpectErrors({
      {"add_column is null", "operations:\n  - add_column:\n", "2:5", "operations[0].add_column",
       "expected a map, got null"},
      {"missing table", "operations:\n  - add_column:\n      column: {name: c, type: int}\n", "3:7",
       "operations[0].add_column.table", "missing required key"},
      {"missing column", "operations:\n  - add_column:\n      table: t\n", "3:7",
       "operations[0].add_column.column", "missing required key"},
      {"unknown key down",
       "operations:\n  - add_column:\n      table: t\n      down: x\n"
       "      column: {name: c, type: int}\n",
       "4:7", "operations[0].add_column.down", "unknown key; expected one of: table, up, column"},
      {"table a sequence",
       "operations:\n  - add_column:\n      table: [a]\n      column: {name: c, type: int}\n",
       "3:14", "operations[0].add_column.table", "expected a name, got a sequence"},
      {"table empty",
       "operations:\n  - add_column:\n      table: ''\n      column: {name: c, type: int}\n",
       "3:14", "operations[0].add_column.table", "expected a name, got an empty string"},
      {"table null",
       "operations:\n  - add_column:\n      table:\n      column: {name: c, type: int}\n", "3:7",
       "operations[0].add_column.table", "expected a name, got null"},
      {"table 64 bytes",
       "operations:\n  - add_column:\n      table: " + std::string(64, 't') +
           "\n      column: {name: c, type: int}\n",
       "3:14", "operations[0].add_column.table", "is 64 bytes long; PostgreSQL allows at most 63"},
      {"up a map",
       "operations:\n  - add_column:\n      table: t\n      up: {a: b}\n"
       "      column: {name: c, type: int}\n",
       "4:11", "operations[0].add_column.up", "expected a SQL expression, got a map"},
      {"up blank",
       "operations:\n  - add_column:\n      table: t\n      up: '  '\n"
       "      column: {name: c, type: int}\n",
       "4:11", "operations[0].add_column.up", "expected a SQL expression, got an empty string"},
      {"column a string", "operations:\n  - add_column:\n      table: t\n      column: c\n", "4:15",
       "operations[0].add_column.column", "expected a map, got a string"},
  });
}

TEST(ParseSpecErrorTest, RejectsBadColumnFields) {
  const std::string p = "operations[0].add_column.column.";
  ExpectErrors({
      {"missing name",
       "operations:\n  - add_column:\n      table: t\n      column:\n        type: int\n", "5:9",
       p + "name", "missing required key"},
      {"missing type",
       "operations:\n  - add_column:\n      table: t\n      column:\n        name: c\n", "5:9",
       p + "type", "missing required key"},
      {"type a sequence",
       AddColumnWith("").replace(AddColumnWith("").find("type: int"), 9, "type: [int]"), "6:15",
       p + "type", "expected a string, got a sequence"},
      {"type empty",
       AddColumnWith("").replace(AddColumnWith("").find("type: int"), 9, "type: \"\""), "6:15",
       p + "type", "expected a type, got an empty string"},
      {"name too long",
       AddColumnWith("").replace(AddColumnWith("").find("name: c"), 7,
                                 "name: " + std::string(100, 'n')),
       "5:15", p + "name", "is 100 bytes long"},
      {"unknown key", AddColumnWith("        colour: red\n"), "7:9", p + "colour",
       "unknown key; expected one of: name, type, nullable, unique, pk, default, check, "
       "references, comment, generated"},
      {"duplicate key", AddColumnWith("        type: text\n"), "7:9", p + "type",
       "duplicate key (first written at line 6)"},
      {"nullable yes", AddColumnWith("        nullable: yes\n"), "7:19", p + "nullable",
       "expected true or false, got yes"},
      {"nullable quoted", AddColumnWith("        nullable: \"true\"\n"), "7:19", p + "nullable",
       "expected true or false, got the quoted string \"true\""},
      {"nullable number", AddColumnWith("        nullable: 1\n"), "7:19", p + "nullable",
       "expected true or false, got 1"},
      {"nullable null", AddColumnWith("        nullable:\n"), "7:9", p + "nullable",
       "expected true or false, got null"},
      {"unique sequence", AddColumnWith("        unique: [true]\n"), "7:17", p + "unique",
       "expected true or false, got a sequence"},
      {"pk string", AddColumnWith("        pk: primary\n"), "7:13", p + "pk",
       "expected true or false, got primary"},
      {"nullable primary key", AddColumnWith("        pk: true\n        nullable: true\n"), "8:19",
       p + "nullable", "a primary key column cannot be nullable"},
      {"default a sequence", AddColumnWith("        default: [1]\n"), "7:18", p + "default",
       "expected a SQL expression, got a sequence"},
      {"default empty", AddColumnWith("        default: ''\n"), "7:18", p + "default",
       "expected a SQL expression, got an empty string"},
      {"default null", AddColumnWith("        default:\n"), "7:9", p + "default",
       "expected a SQL expression, got null"},
      {"comment a sequence", AddColumnWith("        comment: [a]\n"), "7:18", p + "comment",
       "expected a string, got a sequence"},
  });
}

TEST(ParseSpecErrorTest, RejectsBadCheckAndReferences) {
  const std::string p = "operations[0].add_column.column.";
  ExpectErrors({
      {"check a string", AddColumnWith("        check: c > 0\n"), "7:16", p + "check",
       "expected a map, got a string"},
      {"check without constraint", AddColumnWith("        check:\n          name: ck\n"), "8:11",
       p + "check.constraint", "missing required key"},
      {"check without name", AddColumnWith("        check:\n          constraint: c > 0\n"), "8:11",
       p + "check.name", "missing required key"},
      {"check unknown key",
       AddColumnWith("        check: {name: ck, constraint: c > 0, deferrable: true}\n"), "7:46",
       p + "check.deferrable", "unknown key; expected one of: name, constraint, no_inherit"},
      {"check empty constraint",
       AddColumnWith("        check:\n          name: ck\n          constraint: ''\n"), "9:23",
       p + "check.constraint", "expected a SQL expression, got an empty string"},
      {"references without column",
       AddColumnWith("        references:\n          name: fk\n          table: p\n"), "8:11",
       p + "references.column", "missing required key"},
      {"references without name",
       AddColumnWith("        references:\n          table: p\n          column: id\n"), "8:11",
       p + "references.name", "missing required key"},
      {"references unknown key",
       AddColumnWith("        references:\n          name: fk\n          table: p\n"
                     "          column: id\n          columns: [id]\n"),
       "11:11", p + "references.columns",
       "unknown key; expected one of: name, table, column, on_delete, on_update, match_type, "
       "deferrable, initially_deferred"},
      {"references bad on_delete",
       AddColumnWith("        references:\n          name: fk\n          table: p\n"
                     "          column: id\n          on_delete: DELETE\n"),
       "11:22", p + "references.on_delete",
       "unknown action \"DELETE\"; expected one of: NO ACTION, RESTRICT, CASCADE, SET NULL, "
       "SET DEFAULT"},
      {"references table too long",
       AddColumnWith("        references:\n          name: fk\n          table: " +
                     std::string(64, 'x') + "\n          column: id\n"),
       "9:18", p + "references.table", "PostgreSQL allows at most 63"},
  });
}

std::string WithSettings(const std::string& settings_lines) {
  return "settings:\n" + settings_lines +
         "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n";
}

TEST(ParseSpecErrorTest, RejectsBadSettings) {
  ExpectErrors({
      {"settings null", WithSettings(""), "1:1", "settings", "expected a map, got null"},
      {"settings a sequence", "settings: [a]\noperations: []\n", "1:11", "settings",
       "expected a map, got a sequence"},
      {"unknown setting", WithSettings("  batch_size: 10\n"), "2:3", "settings.batch_size",
       "unknown key; expected one of: schema, lock_timeout, statement_timeout, scan_timeout, "
       "target_batch_time, max_app_wait, batch_size_min, batch_size_max"},
      {"schema too long", WithSettings("  schema: " + std::string(64, 's') + "\n"), "2:11",
       "settings.schema", "at most 63"},
      {"schema empty", WithSettings("  schema: ''\n"), "2:11", "settings.schema",
       "expected a name, got an empty string"},
      {"duration without unit", WithSettings("  lock_timeout: 5\n"), "2:17",
       "settings.lock_timeout", "invalid duration \"5\": missing unit"},
      {"duration negative", WithSettings("  statement_timeout: -1s\n"), "2:22",
       "settings.statement_timeout", "negative"},
      {"duration unknown unit", WithSettings("  target_batch_time: 2d\n"), "2:22",
       "settings.target_batch_time", "unknown unit \"d\""},
      {"duration zero", WithSettings("  lock_timeout: 0ms\n"), "2:17", "settings.lock_timeout",
       "duration must be greater than 0ms"},
      {"scan timeout negative", WithSettings("  scan_timeout: -1s\n"), "2:17",
       "settings.scan_timeout", "negative"},
      {"scan timeout without unit", WithSettings("  scan_timeout: 0\n"), "2:17",
       "settings.scan_timeout", "missing unit"},
      {"duration a map", WithSettings("  lock_timeout: {s: 1}\n"), "2:17", "settings.lock_timeout",
       "expected a string, got a map"},
      {"batch size zero", WithSettings("  batch_size_min: 0\n"), "2:19", "settings.batch_size_min",
       "expected a positive integer, got 0"},
      {"batch size negative", WithSettings("  batch_size_min: -5\n"), "2:19",
       "settings.batch_size_min", "expected a positive integer, got \"-5\""},
      {"batch size fraction", WithSettings("  batch_size_max: 1.5\n"), "2:19",
       "settings.batch_size_max", "expected a positive integer, got \"1.5\""},
      {"batch size quoted", WithSettings("  batch_size_max: '10'\n"), "2:19",
       "settings.batch_size_max", "expected a positive integer, got \"10\""},
      {"batch size overflow", WithSettings("  batch_size_max: 99999999999999999999\n"), "2:19",
       "settings.batch_size_max", "integer 99999999999999999999 is too large"},
      {"batch size min above max", WithSettings("  batch_size_min: 500\n  batch_size_max: 100\n"),
       "3:19", "settings.batch_size_max", "must be at least batch_size_min (500)"},
  });
}

// The first error in a file is reported, not a later one.
TEST(ParseSpecErrorTest, ReportsTheFirstBadOperation) {
  Result<ChangeSpec> spec = Parse(
      "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n"
      "  - add_column: {table: t, column: {name: d}}\n"
      "  - sql: {up: select 1}\n");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "plans/0001_test.yaml:3:36: operations[1].add_column.column.type: "
            "missing required key");
}

// ---------------------------------------------------------------------------------------------
// Files

// A fresh directory under the test temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(testing::TempDir()) /
            (std::string("pgphase_spec_") + info->test_suite_name() + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // Writes `text` to `relative` (creating directories) and returns the full path.
  std::string Write(const std::string& relative, const std::string& text) const {
    fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string Mkdir(const std::string& relative) const {
    fs::create_directories(path_ / relative);
    return (path_ / relative).string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

const char kValidSpec[] = "operations:\n  - add_column: {table: t, column: {name: c, type: int}}\n";

TEST(LoadSpecFileTest, ReadsTheFileBytesAndNamesTheMigrationAfterIt) {
  TempDir dir;
  const std::string text = std::string(kValidSpec) + "# trailing comment\r\n";
  std::string file = dir.Write("0042_add_c.yml", text);
  Result<ChangeSpec> spec = LoadSpecFile(file);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->name, "0042_add_c");
  EXPECT_EQ(spec->file, file);
  EXPECT_EQ(spec->text, text);
}

TEST(LoadSpecFileTest, MissingFileCannotBeRead) {
  TempDir dir;
  std::string file = dir.path() + "/nope.yaml";
  Result<ChangeSpec> spec = LoadSpecFile(file);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
  EXPECT_EQ(spec.status().message(), file + ": cannot read: No such file or directory");
}

TEST(LoadSpecFileTest, DirectoryCannotBeRead) {
  TempDir dir;
  Result<ChangeSpec> spec = LoadSpecFile(dir.path());
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(), dir.path() + ": cannot read: Is a directory");
}

TEST(ExpandSpecPathsTest, DirectoryGivesItsYamlFilesInNameOrderNonRecursively) {
  TempDir dir;
  std::string plans = dir.Mkdir("plans");
  dir.Write("plans/0002_b.yaml", kValidSpec);
  dir.Write("plans/0001_a.yml", kValidSpec);
  dir.Write("plans/0010_c.yaml", kValidSpec);
  dir.Write("plans/README.md", "not a migration");
  dir.Write("plans/0003_x.yaml.bak", kValidSpec);
  dir.Write("plans/nested/0000_deep.yaml", kValidSpec);
  Result<std::vector<std::string>> files = ExpandSpecPaths({plans});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{plans + "/0001_a.yml", plans + "/0002_b.yaml",
                                              plans + "/0010_c.yaml"}));
}

TEST(ExpandSpecPathsTest, FilesAndDirectoriesAreMergedInMigrationNameOrder) {
  TempDir dir;
  std::string a = dir.Write("one/0003_c.yaml", kValidSpec);
  std::string b = dir.Write("two/0001_a.yaml", kValidSpec);
  std::string c = dir.Write("two/0002_b.yml", kValidSpec);
  Result<std::vector<std::string>> files = ExpandSpecPaths({a, dir.path() + "/two"});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{b, c, a}));
}

TEST(ExpandSpecPathsTest, TheSameFileNamedTwiceCountsOnce) {
  TempDir dir;
  std::string plans = dir.Mkdir("plans");
  std::string a = dir.Write("plans/0001_a.yaml", kValidSpec);
  Result<std::vector<std::string>> files = ExpandSpecPaths({plans, a});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{a}));
}

TEST(ExpandSpecPathsTest, RejectsTwoFilesWithTheSameMigrationName) {
  TempDir dir;
  std::string a = dir.Write("one/0001_a.yaml", kValidSpec);
  std::string b = dir.Write("two/0001_a.yml", kValidSpec);
  Result<std::vector<std::string>> files = ExpandSpecPaths({dir.path() + "/two", a});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ExitCode::kInvalid);
  EXPECT_NE(files.status().message().find("two files have migration name \"0001_a\""),
            std::string::npos)
      << files.status().message();
  EXPECT_NE(files.status().message().find(a), std::string::npos);
  EXPECT_NE(files.status().message().find(b), std::string::npos);
}

TEST(ExpandSpecPathsTest, RejectsAMissingPath) {
  TempDir dir;
  std::string missing = dir.path() + "/nothing_here";
  Result<std::vector<std::string>> files = ExpandSpecPaths({missing});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ExitCode::kInvalid);
  EXPECT_EQ(files.status().message(), missing + ": No such file or directory");
}

TEST(ExpandSpecPathsTest, RejectsADirectoryWithoutMigrations) {
  TempDir dir;
  dir.Write("empty/notes.txt", "x");
  Result<std::vector<std::string>> files = ExpandSpecPaths({dir.path() + "/empty"});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            dir.path() + "/empty: directory has no migration files (*.yaml, *.yml)");
}

// ---------------------------------------------------------------------------------------------
// pgroll's example migrations

const std::string kConformanceDir = PGPHASE_SOURCE_DIR "/../shared/conformance/pgroll-examples";

struct ExampleFile {
  std::string path;
  std::string name;
  std::vector<std::pair<std::string, int>> operations;  // kind and line, scanned from the text
};

// Lists the operations by scanning lines ("  - kind:"), independently of the parser under test.
std::vector<ExampleFile> ConformanceFiles() {
  std::vector<ExampleFile> out;
  const std::regex op_line(R"(^  - ([a-z_]+):\s*$)");
  for (const auto& entry : fs::directory_iterator(kConformanceDir)) {
    if (entry.path().extension() != ".yaml") continue;
    ExampleFile f{entry.path().string(), entry.path().stem().string(), {}};
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (std::regex_match(line, m, op_line)) f.operations.emplace_back(m[1], n);
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const ExampleFile& a, const ExampleFile& b) { return a.name < b.name; });
  return out;
}

bool OnlyAddColumn(const ExampleFile& f) {
  return !f.operations.empty() &&
         std::all_of(f.operations.begin(), f.operations.end(),
                     [](const auto& op) { return op.first == "add_column"; });
}

TEST(ConformanceTest, EveryPureAddColumnExampleParses) {
  if (!fs::is_directory(kConformanceDir)) GTEST_SKIP() << kConformanceDir << " not found";
  std::set<std::string> parsed;
  for (const ExampleFile& f : ConformanceFiles()) {
    if (!OnlyAddColumn(f)) continue;
    SCOPED_TRACE(f.path);
    Result<ChangeSpec> spec = LoadSpecFile(f.path);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    EXPECT_EQ(spec->name, f.name);
    ASSERT_EQ(spec->operations.size(), f.operations.size());
    for (size_t i = 0; i < f.operations.size(); ++i) {
      EXPECT_EQ(spec->operations[i].kind, "add_column");
      EXPECT_EQ(spec->operations[i].where.line, f.operations[i].second);
      EXPECT_EQ(spec->operations[i].where.column, 5);
    }
    parsed.insert(f.name.substr(0, 2));
  }
  // The examples named in the issue, so a broken scan cannot make this test pass vacuously.
  EXPECT_EQ(parsed, (std::set<std::string>{"03", "06", "17", "26", "30", "39", "41", "53"}));
}

TEST(ConformanceTest, AddColumnExampleKeepsPgrollMeaning) {
  if (!fs::is_directory(kConformanceDir)) GTEST_SKIP() << kConformanceDir << " not found";
  Result<ChangeSpec> spec = LoadSpecFile(kConformanceDir + "/03_add_column.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->operations.size(), 3u);
  const AddColumnOp& description = AddColumnAt(*spec, 0);
  EXPECT_EQ(description.table, "products");
  EXPECT_EQ(description.up->text, "UPPER(name)");
  EXPECT_TRUE(description.column.nullable);
  const AddColumnOp& stock = AddColumnAt(*spec, 1);
  EXPECT_FALSE(stock.column.nullable);
  EXPECT_EQ(stock.column.default_value->text, "100");
  EXPECT_FALSE(stock.up.has_value());
  EXPECT_EQ(AddColumnAt(*spec, 2).up->text, "name || '-category'");

  spec = LoadSpecFile(kConformanceDir + "/30_add_column_simple_up.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).up->text, "'temporary-description'");
  EXPECT_EQ(AddColumnAt(*spec, 0).column.comment, "This is a comment for the description column");

  spec = LoadSpecFile(kConformanceDir + "/26_add_column_with_check_constraint.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(AddColumnAt(*spec, 0).column.check->name, "age_check");
  EXPECT_EQ(AddColumnAt(*spec, 0).column.check->constraint.text, "age >= 18");
}

TEST(ConformanceTest, VersionSchemaExampleGetsPastTheTopLevelKeys) {
  if (!fs::is_directory(kConformanceDir)) GTEST_SKIP() << kConformanceDir << " not found";
  std::string file = kConformanceDir + "/56_with_version_schema.yaml";
  Result<ChangeSpec> spec = LoadSpecFile(file);
}

}  // namespace
}  // namespace pgphase
