// Reading create_table, drop_table, rename_table, set_replica_identity and sql.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pgphase/spec_reader.h"

namespace pgphase {
namespace {

const char kFile[] = "plans/0002_tables.yaml";

Result<ChangeSpec> Parse(const std::string& text) { return ParseSpec(text, kFile); }

template <class T>
const T& Op(const ChangeSpec& spec, size_t i = 0) {
  return std::get<T>(spec.operations.at(i).op);
}

TEST(TableOpsSpecTest, CreateTableReadsEveryColumnField) {
  Result<ChangeSpec> spec = Parse(R"(operations:
  - create_table:
      name: orders
      comment: all orders
      columns:
        - name: id
          type: bigint
          pk: true
          generated:
            identity:
              user_specified_values: always
              sequence_options: START 10 INCREMENT 5
        - name: total
          type: numeric(12,2)
          nullable: true
          unique: true
          default: "0"
          comment: in cents
          check:
            name: total_positive
            constraint: total >= 0
        - name: customer_id
          type: integer
          references:
            name: orders_customer_fk
            table: customers
            column: id
            on_delete: set null
            on_update: Cascade
            match_type: full
            deferrable: true
            initially_deferred: true
        - name: doubled
          type: numeric
          nullable: true
          generated:
            expression: total * 2
)");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->operations[0].kind, "create_table");
  const auto& op = Op<CreateTableOp>(*spec);
  EXPECT_EQ(op.name, "orders");
  EXPECT_EQ(op.comment, "all orders");
  ASSERT_EQ(op.columns.size(), 4u);
  const ColumnSpec& id = op.columns[0];
  EXPECT_TRUE(id.pk);
  EXPECT_FALSE(id.nullable);
  ASSERT_TRUE(id.generated && id.generated->identity);
  EXPECT_EQ(*id.generated->identity, "ALWAYS");
  EXPECT_EQ(id.generated->sequence_options, "START 10 INCREMENT 5");
  EXPECT_EQ(id.where.line, 6);
  const ColumnSpec& total = op.columns[1];
  EXPECT_TRUE(total.nullable);
  EXPECT_TRUE(total.unique);
  EXPECT_EQ(total.default_value->text, "0");
  EXPECT_EQ(total.comment, "in cents");
  EXPECT_EQ(total.check->name, "total_positive");
  EXPECT_EQ(total.check->constraint.text, "total >= 0");
  const ReferencesSpec& r = *op.columns[2].references;
  EXPECT_EQ(r.table, "customers");
  EXPECT_EQ(r.on_delete, "SET NULL");
  EXPECT_EQ(r.on_update, "CASCADE");
  EXPECT_EQ(r.match_type, "FULL");
  EXPECT_TRUE(r.deferrable);
  EXPECT_TRUE(r.initially_deferred);
  EXPECT_EQ(op.columns[3].generated->expression->text, "total * 2");
}

TEST(TableOpsSpecTest, CreateTableReadsTableConstraints) {
  Result<ChangeSpec> spec = Parse(R"(operations:
  - create_table:
      name: t
      columns:
        - {name: a, type: int}
        - {name: b, type: int}
      constraints:
        - name: t_pk
          type: primary_key
          columns: [a, b]
        - name: t_fk
          type: foreign_key
          columns: [a, b]
          deferrable: true
          references: {table: u, columns: [x, y], on_delete: CASCADE, match_type: SIMPLE}
        - name: t_uq
          type: unique
          columns: [b]
          nulls_not_distinct: true
          index_parameters: {include_columns: [a], storage_parameters: fillfactor = 70}
        - name: t_ex
          type: exclude
          exclude: {index_method: gist, elements: b WITH =, predicate: b > 0}
        - {name: t_ck, type: check, check: a > 0, no_inherit: true}
)");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const auto& cs = Op<CreateTableOp>(*spec).constraints;
  ASSERT_EQ(cs.size(), 5u);
  EXPECT_EQ(cs[0].type, "primary_key");
  EXPECT_EQ(cs[0].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cs[1].ref_table, "u");
  EXPECT_EQ(cs[1].ref_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(cs[1].on_delete, "CASCADE");
  EXPECT_TRUE(cs[1].deferrable);
  EXPECT_TRUE(cs[2].nulls_not_distinct);
  EXPECT_EQ(cs[2].include_columns, (std::vector<std::string>{"a"}));
  EXPECT_EQ(cs[2].storage_parameters, "fillfactor = 70");
  EXPECT_EQ(cs[3].index_method, "gist");
  EXPECT_EQ(cs[3].exclude_elements->text, "b WITH =");
  EXPECT_EQ(cs[3].predicate->text, "b > 0");
  EXPECT_EQ(cs[4].check->text, "a > 0");
  EXPECT_TRUE(cs[4].no_inherit);
  EXPECT_EQ(cs[4].where.line, 24);
}

TEST(TableOpsSpecTest, SimpleOperations) {
  Result<ChangeSpec> spec = Parse(R"yaml(operations:
  - drop_table: {name: old}
  - rename_table: {from: a, to: b}
  - set_replica_identity: {table: t, identity: {type: index, index: t_pkey}}
  - set_replica_identity: {table: t, identity: {type: Full}}
  - sql: {up: "CREATE TABLE x (id int); CREATE TABLE y (id int)", down: "DROP TABLE x, y"}
  - sql: {up: SELECT 1, onComplete: true}
  - sql: {up: VACUUM FULL t, unsafe_ok: [vacuum-full, lock-table]}
)yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(Op<DropTableOp>(*spec, 0).name, "old");
  EXPECT_EQ(Op<RenameTableOp>(*spec, 1).from, "a");
  EXPECT_EQ(Op<RenameTableOp>(*spec, 1).to, "b");
  EXPECT_EQ(Op<SetReplicaIdentityOp>(*spec, 2).type, "INDEX");
  EXPECT_EQ(Op<SetReplicaIdentityOp>(*spec, 2).index, "t_pkey");
  EXPECT_EQ(Op<SetReplicaIdentityOp>(*spec, 3).type, "FULL");
  EXPECT_EQ(Op<SqlOp>(*spec, 4).up.text, "CREATE TABLE x (id int); CREATE TABLE y (id int)");
  EXPECT_EQ(Op<SqlOp>(*spec, 4).down->text, "DROP TABLE x, y");
  EXPECT_FALSE(Op<SqlOp>(*spec, 4).on_complete);
  EXPECT_TRUE(Op<SqlOp>(*spec, 5).on_complete);
  EXPECT_FALSE(Op<SqlOp>(*spec, 5).down.has_value());
  EXPECT_EQ(Op<SqlOp>(*spec, 6).unsafe_ok, (std::vector<std::string>{"vacuum-full", "lock-table"}));
  EXPECT_TRUE(Op<SqlOp>(*spec, 5).unsafe_ok.empty());
}

struct ErrorCase {
  std::string label;
  std::string yaml;
  std::string where;  // "line:col"
  std::string path;
  std::string what;
};

TEST(TableOpsSpecTest, ErrorsNameFileLineColumnAndKey) {
  const ErrorCase cases[] = {
      {"unsafe_ok not a list", "operations:\n  - sql: {up: SELECT 1, unsafe_ok: cluster}\n", "2:36",
       "operations[0].sql.unsafe_ok", "expected a non-empty sequence of lint rule names"},
      {"create_table without columns", "operations:\n  - create_table: {name: t}\n", "2:19",
       "operations[0].create_table.columns", "missing required key"},
      {"empty columns", "operations:\n  - create_table: {name: t, columns: []}\n", "2:38",
       "operations[0].create_table.columns", "expected a non-empty sequence"},
      {"unknown column key",
       "operations:\n  - create_table:\n      name: t\n      columns:\n        - name: a\n"
       "          type: int\n          colour: red\n",
       "7:11", "operations[0].create_table.columns[0].colour", "unknown key"},
      {"nullable pk",
       "operations:\n  - create_table:\n      name: t\n      columns:\n"
       "        - {name: a, type: int, pk: true, nullable: true}\n",
       "5:52", "operations[0].create_table.columns[0].nullable", "cannot be nullable"},
      {"bad on_delete",
       "operations:\n  - create_table:\n      name: t\n      columns:\n        - name: a\n"
       "          type: int\n          references: {name: f, table: u, column: id, "
       "on_delete: explode}\n",
       "7:66", "references.on_delete", "unknown action \"explode\""},
      {"generated with both",
       "operations:\n  - create_table:\n      name: t\n      columns:\n        - name: a\n"
       "          type: int\n          generated: {expression: 1, identity: {}}\n",
       "7:22", "operations[0].create_table.columns[0].generated",
       "exactly one of expression, identity"},
      {"check constraint without check",
       "operations:\n  - create_table:\n      name: t\n      columns: [{name: a, type: int}]\n"
       "      constraints:\n        - {name: c, type: check}\n",
       "6:11", "operations[0].create_table.constraints[0]", "needs `check`"},
      {"unknown constraint type",
       "operations:\n  - create_table:\n      name: t\n      columns: [{name: a, type: int}]\n"
       "      constraints:\n        - {name: c, type: magic}\n",
       "6:27", "constraints[0].type",
       "unknown constraint type \"magic\"; expected one of: check, unique"},
      {"fk column count",
       "operations:\n  - create_table:\n      name: t\n      columns: [{name: a, type: int}]\n"
       "      constraints:\n        - name: c\n          type: foreign_key\n"
       "          columns: [a]\n          references: {table: u, columns: [x, y]}\n",
       "9:23", "constraints[0].references", "as many columns as columns (1)"},
      {"drop_table unknown key", "operations:\n  - drop_table: {name: t, cascade: true}\n", "2:27",
       "operations[0].drop_table.cascade", "unknown key"},
      {"rename to itself", "operations:\n  - rename_table: {from: t, to: t}\n", "2:33",
       "operations[0].rename_table.to", "the new name is the old name"},
      {"replica index without index",
       "operations:\n  - set_replica_identity: {table: t, identity: {type: index}}\n", "2:48",
       "operations[0].set_replica_identity.identity", "needs `index`"},
      {"replica bad type",
       "operations:\n  - set_replica_identity: {table: t, identity: {type: some}}\n", "2:55",
       "identity.type", "expected one of: FULL, DEFAULT, NOTHING, INDEX"},
      {"sql without up", "operations:\n  - sql: {down: x}\n", "2:10", "operations[0].sql.up",
       "missing required key"},
      {"sql onComplete with down", "operations:\n  - sql: {up: a, down: b, onComplete: true}\n",
       "2:24", "operations[0].sql.down", "never run"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    Result<ChangeSpec> spec = Parse(c.yaml);
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().code(), ExitCode::kInvalid);
    const std::string& m = spec.status().message();
    EXPECT_EQ(m.rfind(std::string(kFile) + ":" + c.where + ": ", 0), 0u) << m;
    EXPECT_NE(m.find(c.path), std::string::npos) << m;
    EXPECT_NE(m.find(c.what), std::string::npos) << m;
  }
}

// (Was LoadSpecFileTest.ErrorsCarryTheFilePath in spec_test.cc, with drop_table as the
// unsupported operation; drop_table now parses.)
TEST(TableOpsSpecTest, FileErrorsCarryTheFilePath) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pgphase_spec_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "0001_bad.yaml").string();
  std::ofstream(file) << "operations:\n  - drop_table: {nam: x}\n";
  Result<ChangeSpec> spec = LoadSpecFile(file);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message().rfind(file + ":2:", 0), 0u) << spec.status().message();
}

const std::string kConformanceDir = PGPHASE_SOURCE_DIR "/../shared/conformance/pgroll-examples";

TEST(TableOpsSpecTest, ConformanceExamplesOfTheseOperationsParse) {
  if (!std::filesystem::is_directory(kConformanceDir))
    GTEST_SKIP() << kConformanceDir << " not found";
  for (const char* name :
       {"01_create_tables", "02_create_another_table", "04_rename_table", "05_sql", "07_drop_table",
        "08_create_fruits_table", "12_create_employees_table", "29_set_replica_identity",
        "32_sql_on_complete", "34_create_events_table", "40_create_enum_type",
        "50_create_table_with_table_constraint",
        "51_create_table_with_table_foreign_key_constraint",
        "52_create_table_with_exclusion_constraint", "56_with_version_schema"}) {
    SCOPED_TRACE(name);
    Result<ChangeSpec> spec = LoadSpecFile(kConformanceDir + "/" + name + ".yaml");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
  }
  Result<ChangeSpec> spec = LoadSpecFile(kConformanceDir + "/56_with_version_schema.yaml");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->version_schema, "with_version_schema");
  spec = LoadSpecFile(kConformanceDir + "/08_create_fruits_table.yaml");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(*Op<CreateTableOp>(*spec).columns[0].generated->identity, "BY DEFAULT");
}

}  // namespace
}  // namespace pgphase
