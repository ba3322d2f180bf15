// Reading create_index, drop_index, create_constraint, drop_constraint,
// drop_multicolumn_constraint and rename_constraint.
#include <gtest/gtest.h>

#include <filesystem>

#include "pgphase/spec_reader.h"

namespace pgphase {
namespace {

const char kFile[] = "plans/0001_idx.yaml";

Result<ChangeSpec> Parse(const std::string& text) { return ParseSpec(text, kFile); }

template <class T>
const T& Op(const Result<ChangeSpec>& spec, size_t i = 0) {
  return std::get<T>(spec->operations.at(i).op);
}

TEST(IndexOpsSpecTest, CreateIndexReadsEveryField) {
  auto spec = Parse(R"(operations:
  - create_index:
      name: idx_a
      table: fruits
      columns:
        - column: name
          collate: C
          sort: desc
          nulls: last
          opclass:
            name: text_pattern_ops
        - id
        - column: tags
          opclass: {name: gist_trgm_ops, params: "siglen = 32"}
      unique: false
      method: GiST
      predicate: id > 10
      storage_parameters: fillfactor = 70
)");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& op = Op<CreateIndexOp>(spec);
  EXPECT_EQ(op.name, "idx_a");
  EXPECT_EQ(op.table, "fruits");
  ASSERT_EQ(op.columns.size(), 3u);
  EXPECT_EQ(op.columns[0].column, "name");
  EXPECT_EQ(op.columns[0].collate, "C");
  EXPECT_EQ(op.columns[0].sort, "DESC");
  EXPECT_EQ(op.columns[0].nulls, "LAST");
  EXPECT_EQ(op.columns[0].opclass, "text_pattern_ops");
  EXPECT_EQ(op.columns[1].column, "id");
  EXPECT_EQ(op.columns[1].sort, "");
  EXPECT_EQ(op.columns[2].opclass, "gist_trgm_ops");
  EXPECT_EQ(op.columns[2].opclass_params, "siglen = 32");
  EXPECT_FALSE(op.unique);
  EXPECT_EQ(op.method, "gist");
  ASSERT_TRUE(op.predicate.has_value());
  EXPECT_EQ(op.predicate->text, "id > 10");
  EXPECT_EQ(op.predicate->where.ToString(), "plans/0001_idx.yaml:17:18");
  EXPECT_EQ(op.storage_parameters, "fillfactor = 70");
}

TEST(IndexOpsSpecTest, ConstraintOperationsReadEveryField) {
  auto spec = Parse(R"(operations:
  - create_constraint:
      type: foreign_key
      table: tickets
      name: fk_sellers
      columns: [sellers_name, sellers_zip]
      references:
        table: sellers
        columns: [name, zip]
        on_delete: set null
        on_update: cascade
        match_type: full
      deferrable: true
      initially_deferred: true
      up: {sellers_name: sellers_name, sellers_zip: sellers_zip}
      down: {sellers_name: sellers_name}
  - create_constraint:
      type: unique
      table: tickets
      name: uq
      columns: [a]
      nulls_not_distinct: true
      index_parameters: {include_columns: [b], storage_parameters: "fillfactor = 80"}
  - drop_constraint: {table: posts, name: title_length, up: title, down: upper(title)}
  - drop_multicolumn_constraint:
      table: tickets
      name: check_zip_name
      up: {a: a}
  - rename_constraint: {table: people, from: a, to: b}
)");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& fk = Op<CreateConstraintOp>(spec, 0);
  EXPECT_EQ(fk.table, "tickets");
  EXPECT_EQ(fk.constraint.type, "foreign_key");
  EXPECT_EQ(fk.constraint.columns, (std::vector<std::string>{"sellers_name", "sellers_zip"}));
  EXPECT_EQ(fk.constraint.ref_table, "sellers");
  EXPECT_EQ(fk.constraint.ref_columns, (std::vector<std::string>{"name", "zip"}));
  EXPECT_EQ(fk.constraint.on_delete, "SET NULL");
  EXPECT_EQ(fk.constraint.on_update, "CASCADE");
  EXPECT_EQ(fk.constraint.match_type, "FULL");
  EXPECT_TRUE(fk.constraint.deferrable);
  EXPECT_TRUE(fk.constraint.initially_deferred);
  ASSERT_EQ(fk.up.size(), 2u);
  EXPECT_EQ(fk.up[1].column, "sellers_zip");
  EXPECT_EQ(fk.up[1].expr.text, "sellers_zip");
  EXPECT_EQ(fk.up[1].expr.where.ToString(), "plans/0001_idx.yaml:15:53");
  ASSERT_EQ(fk.down.size(), 1u);
  const auto& uq = Op<CreateConstraintOp>(spec, 1);
  EXPECT_TRUE(uq.constraint.nulls_not_distinct);
  EXPECT_EQ(uq.constraint.include_columns, std::vector<std::string>{"b"});
  EXPECT_EQ(uq.constraint.storage_parameters, "fillfactor = 80");
  const auto& drop = Op<DropConstraintOp>(spec, 2);
  EXPECT_EQ(drop.name, "title_length");
  ASSERT_EQ(drop.up.size(), 1u);
  EXPECT_EQ(drop.up[0].column, "");
  EXPECT_EQ(drop.down[0].expr.text, "upper(title)");
  const auto& multi = Op<DropMulticolumnConstraintOp>(spec, 3);
  ASSERT_EQ(multi.up.size(), 1u);
  EXPECT_EQ(multi.up[0].column, "a");
  const auto& rename = Op<RenameConstraintOp>(spec, 4);
  EXPECT_EQ(rename.table, "people");
  EXPECT_EQ(rename.from, "a");
  EXPECT_EQ(rename.to, "b");
}

struct ErrorCase {
  std::string what;
  std::string yaml;     // the operation, indented under "  - "
  std::string where;    // "line:col"
  std::string message;  // a substring of the message after the location
};

TEST(IndexOpsSpecTest, BadShapesAreRejectedWithTheirLocation) {
  const std::vector<ErrorCase> cases = {
      {"create_index without columns", "create_index: {name: i, table: t}", "2:19",
       "columns: missing required key"},
      {"empty columns", "create_index: {name: i, table: t, columns: []}", "2:48",
       "expected a non-empty sequence of columns"},
      {"unknown method", "create_index: {name: i, table: t, columns: [a], method: rtree}", "2:61",
       "unknown value \"rtree\"; expected one of: btree, hash"},
      {"bad sort", "create_index: {name: i, table: t, columns: [{column: a, sort: up}]}", "2:67",
       "expected one of: ASC, DESC"},
      {"bad nulls", "create_index: {name: i, table: t, columns: [{column: a, nulls: middle}]}",
       "2:68", "expected one of: FIRST, LAST"},
      {"unknown column key", "create_index: {name: i, table: t, columns: [{column: a, order: 1}]}",
       "2:61", "order: unknown key"},
      {"column twice", "create_index: {name: i, table: t, columns: [a, a]}", "2:52",
       "listed twice"},
      {"unique hash", "create_index: {name: i, table: t, columns: [a], unique: true, method: hash}",
       "2:75", "only btree indexes can be unique"},
      {"drop_index extra key", "drop_index: {name: i, table: t}", "2:27", "table: unknown key"},
      {"unknown constraint type",
       "create_constraint: {table: t, name: c, type: exclusion, columns: [a]}", "2:50",
       "unknown constraint type \"exclusion\""},
      {"check without check", "create_constraint: {table: t, name: c, type: check, columns: [a]}",
       "2:24", "a check constraint needs `check`"},
      {"fk without references",
       "create_constraint: {table: t, name: c, type: foreign_key, columns: [a]}", "2:24",
       "needs `references`"},
      {"fk column count",
       "create_constraint: {table: t, name: c, type: foreign_key, columns: [a, b], references: "
       "{table: r, columns: [x]}}",
       "2:92", "as many columns as columns (2)"},
      {"check on unique",
       "create_constraint: {table: t, name: c, type: unique, columns: [a], check: a > 0}", "2:79",
       "check is not allowed for a unique constraint"},
      {"up names another column",
       "create_constraint: {table: t, name: c, type: unique, columns: [a], up: {b: b}}", "2:76",
       "up: column \"b\" is not one of the constraint's columns"},
      {"bad on_delete",
       "create_constraint: {table: t, name: c, type: foreign_key, columns: [a], references: "
       "{table: r, columns: [x], on_delete: explode}}",
       "2:125", "unknown action \"explode\""},
      {"initially_deferred alone",
       "create_constraint: {table: t, name: c, type: unique, columns: [a], initially_deferred: "
       "true}",
       "2:92", "initially_deferred needs deferrable"},
      {"drop_constraint without name", "drop_constraint: {table: t}", "2:22",
       "name: missing required key"},
      {"multicolumn up not a map", "drop_multicolumn_constraint: {table: t, name: c, up: a}",
       "2:58", "expected a map of column: expression"},
      {"rename to itself", "rename_constraint: {table: t, from: a, to: a}", "2:48",
       "from and to are the same name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto spec = Parse("operations:\n  - " + c.yaml + "\n");
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    const std::string& m = spec.status().message();
    EXPECT_EQ(m.rfind(std::string(kFile) + ":" + c.where + ": ", 0), 0u) << m;
    EXPECT_NE(m.find(c.message), std::string::npos) << m;
  }
}

TEST(IndexOpsSpecTest, PgrollExamplesForIndexesAndConstraintsParse) {
  const std::string dir = PGPHASE_SOURCE_DIR "/../shared/conformance/pgroll-examples";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not found";
  for (const char* name :
       {"10_create_index", "11_drop_index", "23_drop_check_constraint",
        "24_drop_foreign_key_constraint", "27_drop_unique_constraint", "33_rename_check_constraint",
        "37_create_partial_index", "38_create_hash_index_with_fillfactor", "42_create_unique_index",
        "44_add_table_unique_constraint", "45_add_table_check_constraint",
        "47_add_table_foreign_key_constraint", "48_drop_tickets_check",
        "54_create_index_with_opclass"}) {
    SCOPED_TRACE(name);
    auto spec = LoadSpecFile(dir + "/" + name + ".yaml");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    EXPECT_EQ(spec->operations.size(), 1u);
  }
  auto opclass = LoadSpecFile(dir + "/54_create_index_with_opclass.yaml");
  ASSERT_TRUE(opclass.ok());
  EXPECT_EQ(Op<CreateIndexOp>(opclass).columns.at(0).opclass, "int8_ops");
  auto check = LoadSpecFile(dir + "/45_add_table_check_constraint.yaml");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(Op<CreateConstraintOp>(check).up.at(1).column, "sellers_zip");
}

}  // namespace
}  // namespace pgphase
