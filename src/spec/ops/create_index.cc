// create_index: {name, table, columns: [{column, collate, sort, nulls, opclass: {name,
// params}}] (or plain column names), unique, method, predicate, storage_parameters}.
#include <algorithm>

#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

// opclass: {name, params}; params a string ("siglen = 32") or a list of such strings.
Status ReadOpclass(const Value& v, IndexColumnSpec* out) {
  if (v.node.IsScalar()) return ReadIdentifier(v, &out->opclass);
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("opclass"), &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->opclass));
  if (std::optional<Value> p = map.Find("params")) {
    if (p->node.IsSequence()) {
      for (size_t i = 0; i < p->node.size(); ++i) {
        std::string one;
        PGPHASE_RETURN_IF_ERROR(ReadString(p->Element(i, p->node[i]), &one));
        out->opclass_params += (out->opclass_params.empty() ? "" : ", ") + one;
      }
    } else {
      PGPHASE_RETURN_IF_ERROR(ReadString(*p, &out->opclass_params));
    }
  }
  return Status::Ok();
}

Status ReadIndexColumn(const Value& v, IndexColumnSpec* out) {
  if (v.node.IsScalar()) return ReadIdentifier(v, &out->column);
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("index_column"), &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &out->column));
  if (std::optional<Value> c = map.Find("collate")) {
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*c, &out->collate));
  }
  if (std::optional<Value> s = map.Find("sort")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*s, kSortOrders, "value", &out->sort));
  }
  if (std::optional<Value> n = map.Find("nulls")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*n, kNullsOrders, "value", &out->nulls));
  }
  if (std::optional<Value> o = map.Find("opclass")) PGPHASE_RETURN_IF_ERROR(ReadOpclass(*o, out));
  return Status::Ok();
}

Status ReadIndexColumns(const Value& v, std::vector<IndexColumnSpec>* out) {
  if (!v.node.IsSequence() || v.node.size() == 0) {
    return ErrorAt(
        v, "expected a non-empty sequence of columns, got " +
               (v.node.IsSequence() ? std::string("an empty sequence") : DescribeNode(v.node)));
  }
  for (size_t i = 0; i < v.node.size(); ++i) {
    const Value element = v.Element(i, v.node[i]);
    IndexColumnSpec c;
    PGPHASE_RETURN_IF_ERROR(ReadIndexColumn(element, &c));
    const bool duplicate =
        std::any_of(out->begin(), out->end(), [&](const auto& o) { return o.column == c.column; });
    if (duplicate) return ErrorAt(element, "column \"" + c.column + "\" is listed twice");
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace

Status ReadOperation(const Value& /*key*/, const Value& v, CreateIndexOp* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("create_index"), &map));
  CreateIndexOp& op = *out;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  PGPHASE_RETURN_IF_ERROR(ReadIndexColumns(*map.Find("columns"), &op.columns));
  if (std::optional<Value> u = map.Find("unique"))
    PGPHASE_RETURN_IF_ERROR(ReadBool(*u, &op.unique));
  if (std::optional<Value> m = map.Find("method")) {
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*m, kIndexMethods, "value", &op.method));
    if (op.unique && op.method != "btree") {
      return ErrorAt(*m, "only btree indexes can be unique, not " + op.method);
    }
  }
  if (std::optional<Value> p = map.Find("predicate")) {
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*p, &op.predicate.emplace()));
  }
  if (std::optional<Value> s = map.Find("storage_parameters")) {
    PGPHASE_RETURN_IF_ERROR(ReadString(*s, &op.storage_parameters));
  }
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
