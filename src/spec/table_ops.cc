// Readers for the table operations (see spec/ops.h): create_table, drop_table,
// rename_table, set_replica_identity and sql, with pgroll's keys.
#include <array>
#include <cctype>
#include <sstream>

#include "spec/ops.h"

namespace pgphase::spec_internal {
namespace {

const std::vector<std::string_view> kMatchTypes = {"SIMPLE", "FULL", "PARTIAL"};

Status ReadNames(const Value& v, bool allow_empty, std::vector<std::string>* out) {
  if (!v.node.IsSequence())
    return ErrorAt(v, "expected a sequence of names, got " + DescribeNode(v.node));
  if (v.node.size() == 0 && !allow_empty) return ErrorAt(v, "expected at least one name");
  for (size_t i = 0; i < v.node.size(); ++i) {
    const Value e = v.Element(i, v.node[i]);
    std::string name;
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(e, &name));
    for (const auto& seen : *out)
      if (seen == name) return ErrorAt(e, "\"" + name + "\" is listed twice");
    out->push_back(std::move(name));
  }
  return Status::Ok();
}

Status ReadComment(const Value& v, std::optional<std::string>* out) {
  if (v.node.IsNull()) {
    out->reset();
    return Status::Ok();
  }
  return ReadString(v, &out->emplace());
}

Status ReadColumnCheck(const Value& v, CheckSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"name", "constraint"}, {"name", "constraint"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  return ReadSqlExpr(*map.Find("constraint"), &out->constraint);
}

Status ReadColumnReferences(const Value& v, ReferencesSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v,
                                        {"name", "table", "column", "on_delete", "on_update",
                                         "match_type", "deferrable", "initially_deferred"},
                                        {"name", "table", "column"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->table));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("column"), &out->column));
  if (auto x = map.Find("on_delete"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "value", &out->on_delete));
  if (auto x = map.Find("on_update"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "value", &out->on_update));
  if (auto x = map.Find("match_type"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kMatchTypes, "value", &out->match_type));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "deferrable", &out->deferrable));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "initially_deferred", &out->initially_deferred));
  if (out->initially_deferred && !out->deferrable)
    return ErrorAt(*map.Find("initially_deferred"), "initially_deferred needs deferrable: true");
  return Status::Ok();
}

Status ReadGenerated(const Value& v, GeneratedSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"expression", "identity"}, {}, &map));
  std::optional<Value> expression = map.Find("expression");
  std::optional<Value> identity = map.Find("identity");
  if (expression.has_value() == identity.has_value())
    return ErrorAt(v, "expected exactly one of expression, identity");
  if (expression) return ReadSqlExpr(*expression, &out->expression.emplace());
  YamlMap id;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(*identity, {"user_specified_values", "sequence_options"}, {}, &id));
  out->identity = "BY DEFAULT";
  if (auto x = id.Find("user_specified_values")) {
    const std::vector<std::string_view> kKinds = {"ALWAYS", "BY DEFAULT"};
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kKinds, "value", &*out->identity));
  }
  if (auto x = id.Find("sequence_options"))
    PGPHASE_RETURN_IF_ERROR(ReadString(*x, &out->sequence_options.emplace()));
  return Status::Ok();
}

Status ReadTableColumn(const Value& v, ColumnSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v,
                                        {"name", "type", "nullable", "unique", "pk", "default",
                                         "check", "references", "comment", "generated"},
                                        {"name", "type"}, &map));
  out->where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  PGPHASE_RETURN_IF_ERROR(ReadString(*map.Find("type"), &out->type));
  if (out->type.find_first_not_of(" \t\r\n") == std::string::npos)
    return ErrorAt(*map.Find("type"), "expected a type, got an empty string");
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "nullable", &out->nullable));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "unique", &out->unique));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "pk", &out->pk));
  if (out->pk && out->nullable)
    return ErrorAt(*map.Find("nullable"), "a primary key column cannot be nullable");
  if (auto x = map.Find("default"))
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*x, &out->default_value.emplace()));
  if (auto x = map.Find("check"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnCheck(*x, &out->check.emplace()));
  if (auto x = map.Find("references"))
    PGPHASE_RETURN_IF_ERROR(ReadColumnReferences(*x, &out->references.emplace()));
  if (auto x = map.Find("comment")) PGPHASE_RETURN_IF_ERROR(ReadComment(*x, &out->comment));
  if (auto x = map.Find("generated")) {
    PGPHASE_RETURN_IF_ERROR(ReadGenerated(*x, &out->generated.emplace()));
    if (out->default_value) return ErrorAt(*x, "a generated column cannot also have a default");
  }
  return Status::Ok();
}

Status ReadTableReferences(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(
      v, {"table", "columns", "on_delete", "on_update", "match_type"}, {"table", "columns"}, &map));
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("table"), &out->ref_table));
  PGPHASE_RETURN_IF_ERROR(ReadNames(*map.Find("columns"), false, &out->ref_columns));
  if (auto x = map.Find("on_delete"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "value", &out->on_delete));
  if (auto x = map.Find("on_update"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kReferentialActions, "value", &out->on_update));
  if (auto x = map.Find("match_type"))
    PGPHASE_RETURN_IF_ERROR(ReadKeyword(*x, kMatchTypes, "value", &out->match_type));
  return Status::Ok();
}

Status ReadIndexParameters(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, {"include_columns", "storage_parameters"}, {}, &map));
  if (auto x = map.Find("include_columns"))
    PGPHASE_RETURN_IF_ERROR(ReadNames(*x, true, &out->include_columns));
  if (auto x = map.Find("storage_parameters"))
    PGPHASE_RETURN_IF_ERROR(ReadString(*x, &out->storage_parameters));
  return Status::Ok();
}

Status ReadExclude(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(v, {"index_method", "elements", "predicate"}, {"elements"}, &map));
  out->index_method = "btree";
  if (auto x = map.Find("index_method"))
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*x, &out->index_method));
  PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*map.Find("elements"), &out->exclude_elements.emplace()));
  if (auto x = map.Find("predicate"))
    PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*x, &out->predicate.emplace()));
  return Status::Ok();
}

// Which keys each constraint type needs, and which it may not have.
Status CheckConstraintShape(const Value& v, const YamlMap& map, const ConstraintSpec& c) {
  auto needs = [&](std::string_view key) -> Status {
    if (!map.Find(key))
      return ErrorAt(v, "a " + c.type + " constraint needs `" + std::string(key) + "`");
    return Status::Ok();
  };
  auto forbids = [&](std::string_view key) -> Status {
    if (auto x = map.Find(key)) return ErrorAt(*x, "not allowed in a " + c.type + " constraint");
    return Status::Ok();
  };
  const bool index_backed = c.type == "unique" || c.type == "primary_key" || c.type == "exclude";
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(needs("check"));
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("check"));
    PGPHASE_RETURN_IF_ERROR(forbids("no_inherit"));
  }
  if (c.type == "unique" || c.type == "primary_key" || c.type == "foreign_key")
    PGPHASE_RETURN_IF_ERROR(needs("columns"));
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(needs("references"));
    if (c.columns.size() != c.ref_columns.size())
      return ErrorAt(*map.Find("references"),
                     "references.columns must list as many columns as columns (" +
                         std::to_string(c.columns.size()) + ")");
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("references"));
  }
  if (c.type == "exclude") {
    PGPHASE_RETURN_IF_ERROR(needs("exclude"));
    PGPHASE_RETURN_IF_ERROR(forbids("columns"));
  } else {
    PGPHASE_RETURN_IF_ERROR(forbids("exclude"));
  }
  if (!index_backed) PGPHASE_RETURN_IF_ERROR(forbids("index_parameters"));
  if (c.type != "unique") PGPHASE_RETURN_IF_ERROR(forbids("nulls_not_distinct"));
  if (c.initially_deferred && !c.deferrable)
    return ErrorAt(*map.Find("initially_deferred"), "initially_deferred needs deferrable: true");
  return Status::Ok();
}

Status ReadTableConstraint(const Value& v, ConstraintSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(
      v,
      {"name", "type", "columns", "check", "no_inherit", "nulls_not_distinct", "deferrable",
       "initially_deferred", "references", "index_parameters", "exclude"},
      {"name", "type"}, &map));
  out->where = LocationOf(v);
  PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*map.Find("name"), &out->name));
  const std::vector<std::string_view> kTypes = {"CHECK", "UNIQUE", "PRIMARY_KEY", "FOREIGN_KEY",
                                                "EXCLUDE"};
  std::string type;
  PGPHASE_RETURN_IF_ERROR(ReadKeyword(*map.Find("type"), kTypes, "value", &type));
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out->type = type;
  if (auto x = map.Find("columns")) PGPHASE_RETURN_IF_ERROR(ReadNames(*x, false, &out->columns));
  if (auto x = map.Find("check")) PGPHASE_RETURN_IF_ERROR(ReadSqlExpr(*x, &out->check.emplace()));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "no_inherit", &out->no_inherit));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "nulls_not_distinct", &out->nulls_not_distinct));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "deferrable", &out->deferrable));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalBool(map, "initially_deferred", &out->initially_deferred));
  if (auto x = map.Find("references")) PGPHASE_RETURN_IF_ERROR(ReadTableReferences(*x, out));
  if (auto x = map.Find("index_parameters")) PGPHASE_RETURN_IF_ERROR(ReadIndexParameters(*x, out));
  if (auto x = map.Find("exclude")) PGPHASE_RETURN_IF_ERROR(ReadExclude(*x, out));
  return CheckConstraintShape(v, map, *out);
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
  PGPHASE_RETURN_IF_ERROR(ReadList<ColumnSpec>(*map.Find("columns"), ReadTableColumn, &op.columns));
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
