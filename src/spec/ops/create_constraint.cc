// create_constraint: {table, up {column: expression}, down {column: expression}} beside a
// table constraint (spec/column.h: ReadConstraint) of any type but exclude; up and down
// name only the constraint's columns.
#include <algorithm>

#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {

Status ReadOperation(const Value& /*key*/, const Value& v, CreateConstraintOp* out) {
  // pgroll's create_constraint has no exclude constraints.
  static const ConstraintForm kForm = {kAddedConstraintTypes, "create_constraint"};
  YamlMap map;
  CreateConstraintOp& op = *out;
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
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
