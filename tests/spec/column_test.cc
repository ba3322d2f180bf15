// The shared readers of spec/column.h, through every operation that writes their shapes:
// each operation takes the same keys, and the same mistake gets the same message
// (file:line:col, key path, what) wherever it is made.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "pgphase/spec_reader.h"

namespace pgphase {
namespace {

const char kFile[] = "plans/0003_shapes.yaml";

// Where a value is written: `head` is the file up to the value, which ends its last line.
// `path` is the key path the value's errors carry.
struct Site {
  std::string operation;
  std::string head;
  std::string path;
};

// "file:line:col" of `token` inside `value` written after `head`; "" is the value itself.
std::string Where(const std::string& head, const std::string& value, const std::string& token) {
  const size_t line_start = head.rfind('\n') + 1;
  const int line = 1 + static_cast<int>(std::count(head.begin(), head.end(), '\n'));
  const size_t offset = token.empty() ? 0 : value.find(token);
  EXPECT_NE(offset, std::string::npos) << token << " not in " << value;
  return std::string(kFile) + ":" + std::to_string(line) + ":" +
         std::to_string(head.size() - line_start + offset + 1);
}

Result<ChangeSpec> Parse(const std::string& text) { return ParseSpec(text, kFile); }

// ---------------------------------------------------------------------------------------------
// Column forms: references, check, generated

// Where a column's `key` is written, in each operation that has one.
std::vector<Site> ColumnSites(const std::string& key) {
  return {
      {"add_column",
       "operations:\n  - add_column:\n      table: t\n      column:\n        name: c\n"
       "        type: int\n        " +
           key + ": ",
       "operations[0].add_column.column." + key},
      {"alter_column",
       "operations:\n  - alter_column:\n      table: t\n      column: c\n      " + key + ": ",
       "operations[0].alter_column." + key},
      {"create_table",
       "operations:\n  - create_table:\n      name: t\n      columns:\n        - name: c\n"
       "          type: int\n          " +
           key + ": ",
       "operations[0].create_table.columns[0]." + key},
  };
}

// The references or check the one operation of `spec` has for its column.
template <class T>
const std::optional<T>& ColumnPart(const ChangeSpec& spec) {
  const Operation& op = spec.operations.at(0).op;
  auto pick = [](const auto& owner) -> const std::optional<T>& {
    if constexpr (std::is_same_v<T, ReferencesSpec>) {
      return owner.references;
    } else {
      return owner.check;
    }
  };
  if (const auto* add = std::get_if<AddColumnOp>(&op)) return pick(add->column);
  if (const auto* alter = std::get_if<AlterColumnOp>(&op)) return pick(*alter);
  return pick(std::get<CreateTableOp>(op).columns.at(0));
}

TEST(ColumnShapeTest, ReferencesTakeEveryKeyInEveryOperation) {
  const std::string value =
      "{name: fk, table: p, column: id, on_delete: cascade, on_update: set  null, "
      "match_type: Full, deferrable: true, initially_deferred: true}";
  for (const Site& site : ColumnSites("references")) {
    SCOPED_TRACE(site.operation);
    Result<ChangeSpec> spec = Parse(site.head + value + "\n");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    const std::optional<ReferencesSpec>& r = ColumnPart<ReferencesSpec>(*spec);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->name, "fk");
    EXPECT_EQ(r->table, "p");
    EXPECT_EQ(r->column, "id");
    EXPECT_EQ(r->on_delete, "CASCADE");
    EXPECT_EQ(r->on_update, "SET NULL");
    EXPECT_EQ(r->match_type, "FULL");
    EXPECT_TRUE(r->deferrable);
    EXPECT_TRUE(r->initially_deferred);
  }
}

TEST(ColumnShapeTest, CheckTakesNoInheritInEveryOperation) {
  for (const Site& site : ColumnSites("check")) {
    SCOPED_TRACE(site.operation);
    Result<ChangeSpec> spec =
        Parse(site.head + "{name: ck, constraint: c > 0, no_inherit: true}\n");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    ASSERT_TRUE(ColumnPart<CheckSpec>(*spec).has_value());
    EXPECT_TRUE(ColumnPart<CheckSpec>(*spec)->no_inherit);
    EXPECT_EQ(ColumnPart<CheckSpec>(*spec)->constraint.text, "c > 0");

    spec = Parse(site.head + "{name: ck, constraint: c > 0}\n");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    EXPECT_FALSE(ColumnPart<CheckSpec>(*spec)->no_inherit);
  }
}

TEST(ColumnShapeTest, AddColumnTakesGenerated) {
  const std::string head =
      "operations:\n  - add_column:\n      table: t\n      column:\n        name: c\n"
      "        type: int\n        generated: ";
  Result<ChangeSpec> spec = Parse(head + "{expression: a * 2}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const ColumnSpec& expr = std::get<AddColumnOp>(spec->operations[0].op).column;
  ASSERT_TRUE(expr.generated && expr.generated->expression);
  EXPECT_EQ(expr.generated->expression->text, "a * 2");
  EXPECT_FALSE(expr.generated->identity.has_value());

  spec = Parse(head + "{identity: {user_specified_values: always, sequence_options: START 5}}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const ColumnSpec& id = std::get<AddColumnOp>(spec->operations[0].op).column;
  ASSERT_TRUE(id.generated && id.generated->identity);
  EXPECT_EQ(*id.generated->identity, "ALWAYS");
  EXPECT_EQ(id.generated->sequence_options, "START 5");

  spec = Parse(head + "{identity: {}}\n");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(std::get<AddColumnOp>(spec->operations[0].op).column.generated->identity, "BY DEFAULT");
}

// A mistake in the value of `key` (unused where the site fixes the key): its message is
// `path` + `suffix` + ": " + `what`, at `token` (the value itself when "").
struct Mistake {
  std::string name;
  std::string key;
  std::string value;
  std::string token;
  std::string suffix;
  std::string what;
};

void ExpectSameError(const Mistake& m, const std::vector<Site>& sites) {
  for (const Site& site : sites) {
    SCOPED_TRACE(m.name + " in " + site.operation);
    Result<ChangeSpec> spec = Parse(site.head + m.value + "\n");
    ASSERT_FALSE(spec.ok()) << "accepted:\n" << site.head << m.value;
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    EXPECT_EQ(spec.status().message(),
              Where(site.head, m.value, m.token) + ": " + site.path + m.suffix + ": " + m.what);
  }
}

TEST(ColumnShapeTest, TheSameMistakeGetsTheSameErrorInEveryOperation) {
  const std::string fk = "{name: f, table: u, column: id, ";
  const std::vector<Mistake> mistakes = {
      {"match_type partial", "references", fk + "match_type: Partial}", "Partial", ".match_type",
       "MATCH PARTIAL is not implemented by PostgreSQL; expected one of: SIMPLE, FULL"},
      {"unknown match_type", "references", fk + "match_type: loose}", "loose", ".match_type",
       "unknown match type \"loose\"; expected one of: SIMPLE, FULL"},
      {"initially_deferred alone", "references", fk + "initially_deferred: true}", "true",
       ".initially_deferred", "initially_deferred needs deferrable: true"},
      {"initially_deferred, not deferrable", "references",
       fk + "deferrable: false, initially_deferred: true}", "true", ".initially_deferred",
       "initially_deferred needs deferrable: true"},
      {"bad on_update", "references", fk + "on_update: explode}", "explode", ".on_update",
       "unknown action \"explode\"; expected one of: NO ACTION, RESTRICT, CASCADE, SET NULL, "
       "SET DEFAULT"},
      {"deferrable not a bool", "references", fk + "deferrable: later}", "later", ".deferrable",
       "expected true or false, got later"},
      {"references unknown key", "references", fk + "columns: [id]}", "columns", ".columns",
       "unknown key; expected one of: name, table, column, on_delete, on_update, match_type, "
       "deferrable, initially_deferred"},
      {"references without column", "references", "{name: f, table: u}", "", ".column",
       "missing required key"},
      {"check without constraint", "check", "{name: ck}", "", ".constraint",
       "missing required key"},
      {"check no_inherit not a bool", "check", "{name: ck, constraint: c > 0, no_inherit: maybe}",
       "maybe", ".no_inherit", "expected true or false, got maybe"},
      {"check unknown key", "check", "{name: ck, constraint: c > 0, deferrable: true}",
       "deferrable", ".deferrable", "unknown key; expected one of: name, constraint, no_inherit"},
  };
  for (const Mistake& m : mistakes) ExpectSameError(m, ColumnSites(m.key));
}

TEST(ColumnShapeTest, GeneratedMistakesGetTheSameErrorInAddColumnAndCreateTable) {
  std::vector<Site> sites = ColumnSites("generated");
  sites.erase(sites.begin() + 1);  // alter_column has no generated
  const std::vector<Mistake> mistakes = {
      {"expression and identity", "generated", "{expression: a, identity: {}}", "", "",
       "expected exactly one of expression, identity"},
      {"bad user_specified_values", "generated", "{identity: {user_specified_values: never}}",
       "never", ".identity.user_specified_values",
       "unknown value \"never\"; expected one of: ALWAYS, BY DEFAULT"},
  };
  for (const Mistake& m : mistakes) ExpectSameError(m, sites);
}

// ---------------------------------------------------------------------------------------------
// Table constraints: create_table.constraints[] and create_constraint

// Where a table constraint is written. The value is "{" + (create_constraint's own keys)
// + the constraint's keys + "}".
struct ConstraintSite {
  Site site;
  std::string open;  // "{" or "{table: t, "
};

std::vector<ConstraintSite> ConstraintSites() {
  return {
      {{"create_table",
        "operations:\n  - create_table:\n      name: t\n      columns: [{name: a, type: int}]\n"
        "      constraints:\n        - ",
        "operations[0].create_table.constraints[0]"},
       "{"},
      {{"create_constraint",
        "operations:\n  - create_constraint: ", "operations[0].create_constraint"},
       "{table: t, "},
  };
}

const ConstraintSpec& OnlyConstraint(const ChangeSpec& spec) {
  const Operation& op = spec.operations.at(0).op;
  if (const auto* table = std::get_if<CreateTableOp>(&op)) return table->constraints.at(0);
  return std::get<CreateConstraintOp>(op).constraint;
}

TEST(ConstraintShapeTest, EveryOperationTakesTheSameConstraintKeys) {
  const std::vector<std::string> accepted = {
      "name: c, type: Foreign_Key, columns: [a], references: {table: u, columns: [x], "
      "on_delete: cascade, on_update: restrict, match_type: simple}, deferrable: true, "
      "initially_deferred: true",
      "name: c, type: UNIQUE, columns: [a], nulls_not_distinct: true, "
      "index_parameters: {include_columns: [], storage_parameters: fillfactor = 70}",
      "name: c, type: check, check: a > 0, no_inherit: true",
  };
  for (const ConstraintSite& cs : ConstraintSites()) {
    SCOPED_TRACE(cs.site.operation);
    std::vector<ConstraintSpec> read;
    for (const std::string& inner : accepted) {
      Result<ChangeSpec> spec = Parse(cs.site.head + cs.open + inner + "}\n");
      ASSERT_TRUE(spec.ok()) << inner << ": " << spec.status().message();
      read.push_back(OnlyConstraint(*spec));
    }
    EXPECT_EQ(read[0].type, "foreign_key");
    EXPECT_EQ(read[0].on_delete, "CASCADE");
    EXPECT_EQ(read[0].on_update, "RESTRICT");
    EXPECT_EQ(read[0].match_type, "SIMPLE");
    EXPECT_TRUE(read[0].initially_deferred);
    EXPECT_EQ(read[1].type, "unique");
    EXPECT_TRUE(read[1].include_columns.empty());
    EXPECT_EQ(read[1].storage_parameters, "fillfactor = 70");
    EXPECT_EQ(read[2].type, "check");
    EXPECT_TRUE(read[2].columns.empty());
    EXPECT_TRUE(read[2].no_inherit);
  }
}

TEST(ConstraintShapeTest, TheSameMistakeGetsTheSameErrorInEveryOperation) {
  const std::string fk = "name: c, type: foreign_key, columns: [a], references: {table: u, ";
  const std::vector<Mistake> mistakes = {
      {"match_type partial", "", fk + "columns: [x], match_type: PARTIAL}", "PARTIAL",
       ".references.match_type",
       "MATCH PARTIAL is not implemented by PostgreSQL; expected one of: SIMPLE, FULL"},
      {"bad on_update", "", fk + "columns: [x], on_update: explode}", "explode",
       ".references.on_update",
       "unknown action \"explode\"; expected one of: NO ACTION, RESTRICT, CASCADE, SET NULL, "
       "SET DEFAULT"},
      {"references column count", "", fk + "columns: [x, y]}", "{table: u", ".references",
       "references.columns must list as many columns as columns (1)"},
      {"references column twice", "", fk + "columns: [x, x]}", "x]", ".references.columns[1]",
       "column \"x\" is listed twice"},
      {"initially_deferred alone", "",
       "name: c, type: unique, columns: [a], initially_deferred: true", "true",
       ".initially_deferred", "initially_deferred needs deferrable: true"},
      {"check without check", "", "name: c, type: check, columns: [a]", "", "",
       "a check constraint needs `check`"},
      {"deferrable check", "", "name: c, type: check, check: a > 0, deferrable: true", "true",
       ".deferrable",
       "a check constraint cannot be deferrable: PostgreSQL checks every row as it is written"},
      {"foreign key without references", "", "name: c, type: foreign_key, columns: [a]", "", "",
       "a foreign_key constraint needs `references`"},
      {"unique without columns", "", "name: c, type: unique", "", "",
       "a unique constraint needs `columns`"},
      {"check on a unique constraint", "", "name: c, type: unique, columns: [a], check: a > 0",
       "a > 0", ".check", "check is not allowed for a unique constraint"},
      {"nulls_not_distinct on a primary key", "",
       "name: c, type: primary_key, columns: [a], nulls_not_distinct: true", "true",
       ".nulls_not_distinct", "nulls_not_distinct is not allowed for a primary_key constraint"},
      {"index_parameters on a check", "",
       "name: c, type: check, check: a > 0, index_parameters: {}", "{}", ".index_parameters",
       "index_parameters is not allowed for a check constraint"},
      {"empty columns", "", "name: c, type: unique, columns: []", "[]", ".columns",
       "expected a non-empty sequence of column names, got an empty sequence"},
      {"include_columns a string", "",
       "name: c, type: unique, columns: [a], index_parameters: {include_columns: b}", "b}",
       ".index_parameters.include_columns", "expected a sequence of column names, got a string"},
  };
  for (const Mistake& m : mistakes) {
    for (const ConstraintSite& cs : ConstraintSites()) {
      Mistake here = m;
      here.value = cs.open + m.value + "}";
      ExpectSameError(here, {cs.site});
    }
  }
}

// pgroll's create_constraint has no exclude constraints (create_table's constraints do).
TEST(ConstraintShapeTest, CreateConstraintTakesNoExcludeConstraint) {
  const std::string head = "operations:\n  - create_constraint: ";
  const std::string site = "operations[0].create_constraint";
  const std::vector<Mistake> mistakes = {
      {"type exclude", "", "{table: t, name: c, type: exclude}", "exclude}", ".type",
       "unknown constraint type \"exclude\"; expected one of: check, unique, primary_key, "
       "foreign_key"},
      {"exclude key", "", "{table: t, name: c, type: unique, columns: [a], exclude: {}}", "exclude",
       ".exclude",
       "unknown key; expected one of: table, up, down, name, type, columns, check, no_inherit, "
       "nulls_not_distinct, deferrable, initially_deferred, references, index_parameters"},
  };
  for (const Mistake& m : mistakes) ExpectSameError(m, {{"create_constraint", head, site}});
}

}  // namespace
}  // namespace pgphase
