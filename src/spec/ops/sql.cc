// sql: {up, down, onComplete, unsafe_ok}; onComplete SQL runs at contract and so has no down.
// unsafe_ok: [rule, ...] names the lint rules the SQL breaks on purpose (the planner checks
// the names).
#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

Status ReadRuleNames(const Value& v, std::vector<std::string>* out) {
  if (!v.node.IsSequence() || v.node.size() == 0)
    return ErrorAt(
        v, "expected a non-empty sequence of lint rule names, got " +
               (v.node.IsSequence() ? std::string("an empty sequence") : DescribeNode(v.node)));
  for (size_t i = 0; i < v.node.size(); ++i) {
    std::string rule;
    PGPHASE_RETURN_IF_ERROR(ReadString(v.Element(i, v.node[i]), &rule));
    out->push_back(std::move(rule));
  }
  return Status::Ok();
}

}  // namespace

Status ReadOperation(const Value& /*key*/, const Value& v, SqlOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("sql"), &map));
  SqlOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("up"), &op.up));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalSqlExpr(map, "down", &op.down));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "onComplete", &op.on_complete));
  if (auto rules = map.Find("unsafe_ok")) {
    op.unsafe_ok_where = LocationOf(*rules);
    PGPHASE_RETURN_IF_ERROR(ReadRuleNames(*rules, &op.unsafe_ok));
  }
  if (op.on_complete && op.down)
    return ErrorAt(*map.Find("down"),
                   "onComplete SQL runs at contract, which is never reversed: `down` would "
                   "never run");
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
