// Readers for alter_column, drop_column and rename_column: shapes accepted, errors with
// file:line:col and the key path.
#include <gtest/gtest.h>

#include <filesystem>

#include "pgphase/spec_reader.h"

namespace pgphase {
namespace {

constexpr char kFile[] = "0001_cols.yaml";

Result<ChangeSpec> Parse(const std::string& yaml) { return ParseSpec(yaml, kFile); }

template <class T>
const T& Only(const Result<ChangeSpec>& spec) {
  EXPECT_EQ(spec->operations.size(), 1u);
  return std::get<T>(spec->operations[0].op);
}

TEST(ColumnOpsSpecTest, DropColumnWithDown) {
  auto spec = Parse(
      "operations:\n  - drop_column:\n      table: fruits\n      column: price\n"
      "      down: \"0\"\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& op = Only<DropColumnOp>(spec);
  EXPECT_EQ(op.table, "fruits");
  EXPECT_EQ(op.column, "price");
  ASSERT_TRUE(op.down.has_value());
  EXPECT_EQ(op.down->text, "0");
  EXPECT_EQ(op.down->where.line, 5);
}

TEST(ColumnOpsSpecTest, RenameColumn) {
  auto spec =
      Parse("operations:\n  - rename_column: {table: employees, from: role, to: job_title}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& op = Only<RenameColumnOp>(spec);
  EXPECT_EQ(op.from, "role");
  EXPECT_EQ(op.to, "job_title");
}

TEST(ColumnOpsSpecTest, AlterColumnReadsEveryField) {
  auto spec = Parse(
      "operations:\n"
      "  - alter_column:\n"
      "      table: events\n"
      "      column: name\n"
      "      name: title\n"
      "      type: text\n"
      "      default: '''unknown event'''\n"
      "      nullable: false\n"
      "      comment: the full name\n"
      "      unique:\n        name: events_title_unique\n"
      "      check:\n        name: title_length\n        constraint: length(name) > 3\n"
      "      references: {name: fk, table: users, column: id, on_delete: set null}\n"
      "      up: upper(name)\n"
      "      down: lower(title)\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& op = Only<AlterColumnOp>(spec);
  EXPECT_EQ(op.name, "title");
  EXPECT_EQ(op.type, "text");
  EXPECT_EQ(op.nullable, false);
  EXPECT_TRUE(op.set_default);
  EXPECT_EQ(op.default_value->text, "'unknown event'");
  EXPECT_TRUE(op.set_comment);
  EXPECT_EQ(op.comment, "the full name");
  EXPECT_EQ(op.unique_name, "events_title_unique");
  EXPECT_EQ(op.check->name, "title_length");
  EXPECT_EQ(op.check->constraint.text, "length(name) > 3");
  EXPECT_EQ(op.references->on_delete, "SET NULL");
  EXPECT_EQ(op.up->text, "upper(name)");
  EXPECT_EQ(op.down->text, "lower(title)");
}

TEST(ColumnOpsSpecTest, ExplicitNullRemovesDefaultAndComment) {
  auto spec = Parse(
      "operations:\n  - alter_column:\n      table: t\n      column: c\n      default: null\n"
      "      comment: null\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& op = Only<AlterColumnOp>(spec);
  EXPECT_TRUE(op.set_default);
  EXPECT_FALSE(op.default_value.has_value());
  EXPECT_TRUE(op.set_comment);
  EXPECT_FALSE(op.comment.has_value());
  EXPECT_FALSE(op.nullable.has_value());
}

struct ErrorCase {
  std::string name, yaml, where, what;
};

TEST(ColumnOpsSpecTest, BadShapesNameFileLineAndKey) {
  const std::vector<ErrorCase> cases = {
      {"alter_column changes nothing",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      up: c\n", "2:5",
       "alter_column changes nothing"},
      {"alter_column unknown key",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      colour: red\n",
       "5:7", "operations[0].alter_column.colour: unknown key"},
      {"alter_column missing column", "operations:\n  - alter_column:\n      table: t\n", "3:7",
       "operations[0].alter_column.column: missing required key"},
      {"nullable not a bool",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      nullable: maybe\n",
       "5:17", "operations[0].alter_column.nullable"},
      {"unique without name",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      unique: {}\n",
       "5:15", "operations[0].alter_column.unique.name: missing required key"},
      {"check without constraint",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n"
       "      check: {name: x}\n",
       "5:14", "operations[0].alter_column.check.constraint: missing required key"},
      {"bad on_delete",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n"
       "      references: {name: f, table: u, column: id, on_delete: explode}\n",
       "5:62", "alter_column.references.on_delete: unknown action"},
      {"empty type",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      type: \" \"\n",
       "5:13", "expected a type"},
      {"drop_column unknown key",
       "operations:\n  - drop_column:\n      table: t\n      column: c\n      up: x\n", "5:7",
       "operations[0].drop_column.up: unknown key"},
      {"drop_column empty down",
       "operations:\n  - drop_column:\n      table: t\n      column: c\n      down: \"\"\n", "5:13",
       "expected a SQL expression"},
      {"rename_column missing to",
       "operations:\n  - rename_column:\n      table: t\n      from: a\n", "3:7",
       "operations[0].rename_column.to: missing required key"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto spec = Parse(c.yaml);
    ASSERT_FALSE(spec.ok()) << c.yaml;
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    const std::string prefix = std::string(kFile) + ":" + c.where + ": ";
    EXPECT_EQ(spec.status().message().rfind(prefix, 0), 0u)
        << spec.status().message() << "\nwanted prefix " << prefix;
    EXPECT_NE(spec.status().message().find(c.what), std::string::npos) << spec.status().message();
  }
}

TEST(ColumnOpsSpecTest, ConformanceExamplesForColumnOperationsParse) {
  const std::string dir =
      std::string(PGPHASE_SOURCE_DIR) + "/../shared/conformance/pgroll-examples";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not found";
  for (const char* name :
       {"09_drop_column", "13_rename_column", "15_set_column_unique", "16_set_nullable",
        "18_change_column_type", "21_add_foreign_key_constraint", "22_add_check_constraint",
        "31_unset_not_null", "35_alter_column_multiple", "36_set_comment_to_null",
        "46_alter_column_drop_default", "49_unset_not_null_on_indexed_column"}) {
    SCOPED_TRACE(name);
    auto spec = LoadSpecFile(dir + "/" + name + ".yaml");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
  }
  auto spec = LoadSpecFile(dir + "/18_change_column_type.yaml");
  ASSERT_TRUE(spec.ok());
  const auto& op = std::get<AlterColumnOp>(spec->operations[0].op);
  EXPECT_EQ(op.type, "integer");
  EXPECT_EQ(op.up->text, "CAST(rating AS integer)");
}

}  // namespace
}  // namespace pgphase
