#include "spec/shapes.h"

#include <cstdlib>
#include <iostream>
#include <string>

namespace pgphase::spec_internal {

const std::vector<std::string_view> kReferentialActions = {"NO ACTION", "RESTRICT", "CASCADE",
                                                           "SET NULL", "SET DEFAULT"};
const std::vector<std::string_view> kMatchTypes = {"SIMPLE", "FULL"};
const std::vector<std::string_view> kIdentityKinds = {"ALWAYS", "BY DEFAULT"};
const std::vector<std::string_view> kIndexMethods = {"btree",  "hash", "gist",
                                                     "spgist", "gin",  "brin"};
const std::vector<std::string_view> kSortOrders = {"ASC", "DESC"};
const std::vector<std::string_view> kNullsOrders = {"FIRST", "LAST"};
const std::vector<std::string_view> kReplicaIdentities = {"FULL", "DEFAULT", "NOTHING", "INDEX"};
const std::vector<std::string_view> kConstraintTypes = {"check", "unique", "primary_key",
                                                        "foreign_key", "exclude"};
const std::vector<std::string_view> kAddedConstraintTypes = {"check", "unique", "primary_key",
                                                             "foreign_key"};

namespace {

using K = Kind;

Field Id(std::string_view key, bool required, std::string_view what) {
  return {key, K::kIdentifier, required, what};
}
Field Sql(std::string_view key, bool required, std::string_view what) {
  return {key, K::kSql, required, what};
}
Field Bool(std::string_view key, std::string_view what) { return {key, K::kBool, false, what}; }
Field Keyword(std::string_view key, bool required, const std::vector<std::string_view>& words,
              std::string_view what) {
  Field f{key, K::kKeyword, required, what};
  f.keywords = &words;
  return f;
}
Field Map(std::string_view key, bool required, std::string_view shape, std::string_view what) {
  Field f{key, K::kMap, required, what};
  f.shape = shape;
  return f;
}
Field List(std::string_view key, bool required, std::string_view shape, std::string_view what) {
  Field f{key, K::kList, required, what};
  f.shape = shape;
  return f;
}
Field Names(std::string_view key, bool required, std::string_view what) {
  Field f{key, K::kList, required, what};
  f.element = K::kIdentifier;
  return f;
}
Field Nullable(Field f) {
  f.nullable = true;
  return f;
}
Field OrName(Field f) {
  f.or_name = true;
  return f;
}

Field OrString(Field f) {
  f.or_string = true;
  return f;
}

Field RuleNames() {
  Field f{"unsafe_ok", K::kList, false,
          "lint rules whose error-level findings this SQL accepts on purpose"};
  f.element = K::kLintRule;
  return f;
}

Field Comment() {
  return Nullable({"comment", K::kString, false, "a comment on the object; null for none"});
}

// The keys of a table constraint, after the operation's own (`own`).
std::vector<Field> ConstraintFields(std::vector<Field> own, bool exclude) {
  const std::vector<Field> common = {
      Id("name", true, "the constraint's name"),
      Keyword("type", true, exclude ? kConstraintTypes : kAddedConstraintTypes,
              "the constraint's type"),
      Names("columns", false, "the constrained columns (not for check and exclude)"),
      Sql("check", false, "a check constraint's expression"),
      Bool("no_inherit", "a check constraint that child tables do not inherit"),
      Bool("nulls_not_distinct", "a unique constraint that treats NULLs as equal"),
      Bool("deferrable", "checked at commit when deferred"),
      Bool("initially_deferred", "deferred unless set otherwise (needs deferrable)"),
      Map("references", false, "table_references", "a foreign key's referenced table"),
      Map("index_parameters", false, "index_parameters",
          "the index of a unique, primary key or exclude constraint"),
  };
  own.insert(own.end(), common.begin(), common.end());
  if (exclude) own.push_back(Map("exclude", false, "exclude", "an exclusion constraint"));
  return own;
}

std::vector<ShapeInfo> OperationShapes() {
  return {
      {"add_column",
       "adds a column; a NOT NULL one is filled by `up` (or its default) before it is enforced",
       {Id("table", true, "the table"), Sql("up", false, "fills the column from the old ones"),
        Map("column", true, "column", "the new column")}},
      {"create_table",
       "creates a table",
       {Id("name", true, "the table's name"), List("columns", true, "column", "its columns"),
        List("constraints", false, "table_constraint", "its table constraints"), Comment()}},
      {"alter_column",
       "changes a column: name, type, nullability, default, comment, unique, check, "
       "references (combinable)",
       {Id("table", true, "the table"),
        Id("column", true, "the column"),
        Id("name", false, "renames the column"),
        {"type", K::kType, false, "the new type"},
        Bool("nullable", "false: NOT NULL, proved before it is set"),
        Nullable(Sql("default", false, "the new default; null drops it")),
        Comment(),
        Map("unique", false, "unique", "adds a unique constraint"),
        Map("check", false, "check", "adds a check constraint"),
        Map("references", false, "references", "adds a foreign key"),
        Sql("up", false, "the new column's value from the old row"),
        Sql("down", false, "the old column's value from the new row")}},
      {"drop_column",
       "drops a column at contract",
       {Id("table", true, "the table"), Id("column", true, "the column"),
        Sql("down", false, "fills the old column for rows the new application writes")}},
      {"rename_column",
       "renames a column (both names work until contract)",
       {Id("table", true, "the table"), Id("from", true, "the old name"),
        Id("to", true, "the new name")}},
      {"rename_table",
       "renames a table",
       {Id("from", true, "the old name"), Id("to", true, "the new name")}},
      {"drop_table", "drops a table at contract", {Id("name", true, "the table")}},
      {"create_index",
       "builds an index concurrently",
       {Id("name", true, "the index's name"),
        Id("table", true, "the table"),
        OrName(List("columns", true, "index_column", "the key columns, or their names")),
        Bool("unique", "a unique index"),
        Keyword("method", false, kIndexMethods, "the access method (btree unless given)"),
        Sql("predicate", false, "a partial index's WHERE"),
        {"storage_parameters", K::kString, false, "e.g. fillfactor = 70"}}},
      {"drop_index", "drops an index concurrently", {Id("name", true, "the index")}},
      {"create_constraint", "adds a table constraint, NOT VALID then validated",
       ConstraintFields({Id("table", true, "the table"),
                         {"up", K::kColumnExprs, false, "per column: its value from the old row"},
                         {"down", K::kColumnExprs, false, "per column: the old value"}},
                        false)},
      {"drop_constraint",
       "drops a single-column constraint",
       {Id("table", true, "the table"), Id("name", true, "the constraint"),
        Sql("up", false, "the column's new value"), Sql("down", false, "the old value")}},
      {"drop_multicolumn_constraint",
       "drops a constraint over several columns",
       {Id("table", true, "the table"),
        Id("name", true, "the constraint"),
        {"up", K::kColumnExprs, false, "per column: its new value"},
        {"down", K::kColumnExprs, false, "per column: the old value"}}},
      {"rename_constraint",
       "renames a constraint",
       {Id("table", true, "the table"), Id("from", true, "the old name"),
        Id("to", true, "the new name")}},
      {"set_replica_identity",
       "sets a table's replica identity",
       {Id("table", true, "the table"), Map("identity", true, "replica_identity", "the identity")}},
      {"sql",
       "the migration's own SQL, checked by lint",
       {Sql("up", true, "runs in expand (at contract with onComplete)"),
        Sql("down", false, "undoes up when expand is reversed"),
        Bool("onComplete", "run up at contract instead of expand"), RuleNames()}},
  };
}

std::vector<ShapeInfo> PartShapes() {
  return {
      {"column",
       "a column",
       {Id("name", true, "the column's name"),
        {"type", K::kType, true, "its type"},
        Bool("nullable", "true: NULL allowed (NOT NULL unless given)"),
        Bool("unique", "a unique constraint on the column"),
        Bool("pk", "part of the primary key"),
        Sql("default", false, "its default"),
        Map("check", false, "check", "a check constraint"),
        Map("references", false, "references", "a foreign key"),
        Comment(),
        Map("generated", false, "generated", "a generated or identity column")}},
      {"check",
       "a column's check constraint",
       {Id("name", true, "its name"), Sql("constraint", true, "the expression"),
        Bool("no_inherit", "child tables do not inherit it")}},
      {"references",
       "a column's foreign key",
       {Id("name", true, "its name"), Id("table", true, "the referenced table"),
        Id("column", true, "the referenced column"),
        Keyword("on_delete", false, kReferentialActions,
                "what a delete of the referenced row does"),
        Keyword("on_update", false, kReferentialActions, "what an update of its key does"),
        Keyword("match_type", false, kMatchTypes, "how NULLs in a multi-column key match"),
        Bool("deferrable", "checked at commit when deferred"),
        Bool("initially_deferred", "deferred unless set otherwise (needs deferrable)")}},
      {"generated",
       "GENERATED ALWAYS AS (expression) STORED, or an identity",
       {Sql("expression", false, "the generating expression"),
        Map("identity", false, "identity", "an identity column")},
       true},
      {"identity",
       "an identity column",
       {Keyword("user_specified_values", false, kIdentityKinds, "BY DEFAULT unless given"),
        {"sequence_options", K::kString, false, "e.g. START 1 INCREMENT 1"}}},
      {"unique", "a unique constraint on the column", {Id("name", true, "its name")}},
      {"index_column",
       "a key column of an index",
       {Id("column", true, "the column"), Id("collate", false, "its collation"),
        Keyword("sort", false, kSortOrders, "its order"),
        Keyword("nulls", false, kNullsOrders, "where NULLs sort"),
        OrName(Map("opclass", false, "opclass", "its operator class, or the class's name"))}},
      {"opclass",
       "an operator class",
       {Id("name", true, "its name"),
        OrString(
            {"params", K::kList, false, "its parameters (siglen = 32), one string or a list"})}},
      {"replica_identity",
       "a replica identity",
       {Keyword("type", true, kReplicaIdentities, "which"),
        Id("index", false, "the index, for type index")}},
      {"table_constraint", "a table constraint", ConstraintFields({}, true)},
      {"table_references",
       "a foreign key's referenced table",
       {Id("table", true, "the referenced table"),
        Names("columns", true, "the referenced columns, as many as columns"),
        Keyword("on_delete", false, kReferentialActions,
                "what a delete of the referenced row does"),
        Keyword("on_update", false, kReferentialActions, "what an update of its key does"),
        Keyword("match_type", false, kMatchTypes, "how NULLs in a multi-column key match")}},
      {"index_parameters",
       "the index behind a constraint",
       {Names("include_columns", false, "INCLUDE columns"),
        {"storage_parameters", K::kString, false, "e.g. fillfactor = 70"}}},
      {"exclude",
       "an exclusion constraint",
       {Id("index_method", false, "the access method (btree unless given)"),
        Sql("elements", true, "the elements and operators: c WITH ="),
        Sql("predicate", false, "a partial constraint's WHERE")}},
  };
}

std::vector<ShapeInfo> DocumentShapes() {
  Field operations = List("operations", true, "operation", "the operations, applied in order");
  return {
      {"migration",
       "a pgphase migration: pgroll's operations, and pgphase's settings",
       {Id("version_schema", false, "names this migration's version schema"),
        Map("settings", false, "settings", "pgphase's own settings"), operations}},
      {"settings",
       "pgphase's settings for this migration",
       {Id("schema", false, "the schema of the tables (public unless given)"),
        {"lock_timeout", K::kDuration, false, "the longest wait for a lock"},
        {"statement_timeout", K::kDuration, false, "the longest statement that blocks the app"},
        {"scan_timeout", K::kDuration, false, "the longest scan (0ms: no limit)"},
        {"target_batch_time", K::kDuration, false, "the time a backfill batch aims at"},
        {"max_app_wait", K::kDuration, false,
         "the time batches aim at while the application waits on them (0ms: off)"},
        {"batch_size_min", K::kPositiveInt, false, "the smallest backfill batch"},
        {"batch_size_max", K::kPositiveInt, false, "the largest backfill batch"},
        {"workers", K::kPositiveInt, false, "connections a backfill fills its table on"},
        Bool("precheck", "false: skip the check of existing rows before expand"),
        Bool("version_schemas", "a schema of views per application version"),
        Bool("writer_by_search_path",
             "triggers tell the versions apart by the session's search_path, as pgroll")}},
  };
}

std::vector<ShapeInfo> BuildShapes() {
  std::vector<ShapeInfo> all = DocumentShapes();
  for (auto* part : {OperationShapes, PartShapes}) {
    std::vector<ShapeInfo> more = part();
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

}  // namespace

const std::vector<ShapeInfo>& AllShapes() {
  static const std::vector<ShapeInfo> kShapes = BuildShapes();
  return kShapes;
}

const ShapeInfo& Shape(std::string_view name) {
  for (const ShapeInfo& s : AllShapes())
    if (s.name == name) return s;
  std::cerr << "pgphase: internal error: no shape named " << name << "\n";
  std::abort();
}

}  // namespace pgphase::spec_internal
