// Readers for the table operations (see spec/ops.h): create_table, drop_table,
// rename_table, set_replica_identity and sql, with pgroll's keys.
#include "spec/column.h"
#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

// create_table.constraints[]: any type, and no keys beside the constraint's.
Status ReadTableConstraint(const Value& v, ConstraintSpec* out) {
  static const ConstraintForm kForm = {kConstraintTypes, {}, {}};
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

Status ReadCreateTable(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"name", "columns", "constraints", "comment"}, {"name", "columns"}, &map));
  CreateTableOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  PGPHASE_RETURN_IF_ERROR(ReadList<ColumnSpec>(*map.Find("columns"), ReadColumn, &op.columns));
  if (auto x = map.Find("constraints"))
    PGPHASE_RETURN_IF_ERROR(ReadList<ConstraintSpec>(*x, ReadTableConstraint, &op.constraints));
  if (auto x = map.Find("comment")) PGPHASE_RETURN_IF_ERROR(ReadComment(*x, &op.comment));
  *out = std::move(op);
  return Status::Ok();
}

Status ReadDropTable(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"name"}, {"name"}, &map));
  DropTableOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &op.name));
  *out = std::move(op);
  return Status::Ok();
}

Status ReadRenameTable(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"from", "to"}, {"from", "to"}, &map));
  RenameTableOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("from"), &op.from));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("to"), &op.to));
  if (op.from == op.to) return ErrorAt(*map.Find("to"), "the new name is the old name");
  *out = std::move(op);
  return Status::Ok();
}

Status ReadSetReplicaIdentity(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"table", "identity"}, {"table", "identity"}, &map));
  SetReplicaIdentityOp op;
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &op.table));
  const Value identity = *map.Find("identity");
  YamlMap id;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(identity, {"type", "index"}, {"type"}, &id));
  const std::vector<std::string_view> kTypes = {"FULL", "DEFAULT", "NOTHING", "INDEX"};
  PGPHASE_RETURN_IF_ERROR(ReadKeyword(*id.Find("type"), kTypes, "value", &op.type));
  std::optional<Value> index = id.Find("index");
  if (op.type == "INDEX" && !index)
    return ErrorAt(identity, "identity type index needs `index` (the index to use)");
  if (op.type != "INDEX" && index)
    return ErrorAt(*index, "only identity type index takes an index");
  if (index) PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*index, &op.index));
  *out = std::move(op);
  return Status::Ok();
}

Status ReadSql(const Value& /*key*/, const Value& v, Operation* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"up", "down", "onComplete"}, {"up"}, &map));
  SqlOp op;
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("up"), &op.up));
  if (auto x = map.Find("down")) PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*x, &op.down.emplace()));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "onComplete", &op.on_complete));
  if (op.on_complete && op.down)
    return ErrorAt(*map.Find("down"),
                   "onComplete SQL runs at contract, which is never reversed: `down` would "
                   "never run");
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
