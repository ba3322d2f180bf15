// create_table: {name, columns [column (spec/column.h: ReadColumn)], constraints [table
// constraint of any type (ReadConstraint)], comment}.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

// create_table.constraints[]: any type, and no keys beside the constraint's.
Status ReadTableConstraint(const Value& v, ConstraintSpec* out) {
  static const ConstraintForm kForm = {kConstraintTypes, "table_constraint"};
  YamlMap map;
  return ReadConstraint(v, kForm, &map, out);
}

template <class T, class Fn>
Status ReadList(const Value& v, Fn read_one, std::vector<T>* out) {
  if (!v.node.IsSequence() || v.node.size() == 0) {
    const std::string got = v.node.IsSequence() ? "an empty sequence" : DescribeNode(v.node);
    return ErrorAt(v, "expected a non-empty sequence, got " + got);
  }
  for (size_t i = 0; i < v.node.size(); ++i) {
    T item;
    PGPHASE_RETURN_IF_ERROR(read_one(v.Element(i, v.node[i]), &item));
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace

Status ReadOperation(const Value& /*key*/, const Value& v, CreateTableOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("create_table"), &map));
  CreateTableOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  PGPHASE_RETURN_IF_ERROR(ReadList<ColumnSpec>(*map.Find("columns"), ReadColumn, &op.columns));
  if (auto x = map.Find("constraints"))
    PGPHASE_RETURN_IF_ERROR(ReadList<ConstraintSpec>(*x, ReadTableConstraint, &op.constraints));
  if (auto x = map.Find("comment")) PGPHASE_RETURN_IF_ERROR(ReadComment(*x, &op.comment));
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
