// Readers for the constraint operations (see spec/ops.h).
//
//   create_constraint:           {table, up {col: expr}, down {col: expr}} and a table
//                                 constraint (spec/column.h: ReadConstraint) of any type
//                                 but exclude
//   drop_constraint:             {table, name, up, down} (up/down: one expression each)
//   drop_multicolumn_constraint: {table, name, up {col: expr}, down {col: expr}}
//   rename_constraint:           {table, from, to}
#include <algorithm>

#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadCreateConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  // pgroll's create_constraint has no exclude constraints.
  static const ConstraintForm kForm = {
      {"check", "unique", "primary_key", "foreign_key"}, {"table", "up", "down"}, {"table"}};
  YamlMap map;
  CreateConstraintOp op;
  const ConstraintSpec& c = op.constraint;
  PGPHASE_RETURN_IF_ERROR(ReadConstraint(v, kForm, &map, &op.constraint));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  for (const char* field : {"up", "down"}) {
    std::optional<Value> f = map.Find(field);
    if (!f) continue;
    std::vector<ColumnExpr>& exprs = std::string(field) == "up" ? op.up : op.down;
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &exprs));
    for (const ColumnExpr& e : exprs) {
      if (std::find(c.columns.begin(), c.columns.end(), e.column) == c.columns.end()) {
        return ErrorAt(*f, std::string(field) + ": column \"" + e.column +
                               "\" is not one of the constraint's columns");
      }
    }
  }
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.up.emplace_back().expr));
  }
  if (std::optional<Value> f = map.Find("down")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*f, &op.down.emplace_back().expr));
  }
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropMulticolumnConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"table", "name", "up", "down"}, {"table", "name"}, &map));
  DropConstraintOp op;
  op.multicolumn = true;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  if (std::optional<Value> f = map.Find("up")) PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.up));
  if (std::optional<Value> f = map.Find("down"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnExprs(*f, &op.down));
  *out = std::move(op);
  return Status::Ok();
}

Status ReadRenameConstraint(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "from", "to"}, {"table", "from", "to"}, &map));
  RenameConstraintOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  if (op.from == op.to) return ErrorAt(*map.Find("to"), "from and to are the same name");
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
