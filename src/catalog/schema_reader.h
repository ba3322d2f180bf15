// The statement-by-statement reader behind ReadSchemaFile (private to the catalog module).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgphase/schema_file.h"

namespace pgphase::schema_file {

using Json = nlohmann::json;

// The schema that unqualified names are in, and whose qualifier a live session's search_path
// leaves off.
inline constexpr std::string_view kDefaultSchema = "public";

// A column that something outside the table depends on, by the pg_describe_object text.
struct Dependent {
  std::string schema, table, column, what;
};

// A view's (or a trigger's) references to table columns, resolved once every table is known.
struct ViewRefs {
  std::string what;                                            // "view v"
  std::vector<std::pair<std::string, std::string>> relations;  // alias or name -> "schema.table"
  std::vector<std::vector<std::string>> columns;               // ColumnRef fields
};

class Reader {
 public:
  Reader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  // One statement of the parse tree: its node and where its text is.
  void Statement(const Json& stmt, size_t from, size_t end);
  // Dependents resolved, everything in catalog order, only the tables of `schemas`.
  SchemaFile Finish(const std::vector<std::string>& schemas);

  void Warn(size_t at, const std::string& what);
  std::string Text(size_t from, size_t end) const;

 private:
  // schema_reader.cc: statements that are not about one table
  void Sequence(const Json& n);
  void OwnedBy(const Json& options);
  void View(const Json& view, const Json& query, std::string_view kind);
  void Function(const Json& n);
  void Trigger(const Json& n);
  void Comment(const Json& n);
  void ResolveViews();
  void AddRelation(const Json& range_var);

  // schema_table.cc: tables, their columns, constraints and indexes
  void CreateTable(const Json& n);
  void AlterTable(const Json& n);
  void AlterTableCommand(TableInfo& t, const Json& cmd);
  ColumnInfo Column(TableInfo& t, const Json& def);
  void ColumnConstraint(TableInfo& t, ColumnInfo& c, const Json& con);
  void Identity(TableInfo& t, ColumnInfo& c, const Json& con);
  void Constraint(TableInfo& t, const Json& con, const std::vector<std::string>& columns);
  void KeyIndex(TableInfo& t, const ConstraintInfo& c, const Json& con);
  void Index(const Json& n);
  TableInfo* Table(const Json& range_var);
  ColumnInfo* FindColumn(TableInfo& t, const std::string& column);

  std::string_view text_, file_;
  size_t from_ = 0, end_ = 0;  // the statement being read
  std::vector<std::string> warnings_;
  CatalogSnapshot catalog_;
  std::vector<std::pair<std::string, std::string>> relations_;  // schema, name
  std::map<FunctionName, Volatility> functions_;
  std::vector<Dependent> dependents_;
  std::vector<ViewRefs> views_;
  std::vector<std::string> version_schemas_;  // pgphase's: their views are not dependents
  std::vector<std::pair<std::string, std::string>> view_schemas_;  // views_[i]'s schema, name
};

// A RangeVar's schema, kDefaultSchema when it names none.
std::string SchemaOf(const Json& range_var);
// The sval of each String node of a list.
std::vector<std::string> Strings(const Json& list);
// `name` as pg_describe_object names a relation: bare when in kDefaultSchema.
std::string Described(const std::string& schema, const std::string& name);

}  // namespace pgphase::schema_file
