#include "pgphase/spec.h"

#include <yaml-cpp/yaml.h>

#include <array>

#include "spec/add_column.h"
#include "spec/migration_name.h"
#include "spec/settings.h"
#include "spec/yaml_value.h"

namespace pgphase {

using spec_internal::ErrorAt;
using spec_internal::LocationOf;
using spec_internal::Value;
using spec_internal::YamlMap;

namespace {

// pgroll's operations that pgphase does not plan yet. Kept in pgroll's documentation order.
constexpr std::array<std::string_view, 14> kNotYetSupported = {"create_table",
                                                               "alter_column",
                                                               "drop_column",
                                                               "rename_column",
                                                               "rename_table",
                                                               "drop_table",
                                                               "create_index",
                                                               "drop_index",
                                                               "create_constraint",
                                                               "drop_constraint",
                                                               "drop_multicolumn_constraint",
                                                               "rename_constraint",
                                                               "set_replica_identity",
                                                               "sql"};

std::string KnownOperations() {
  std::string out = "add_column";
  for (std::string_view op : kNotYetSupported) out += ", " + std::string(op);
  return out;
}

bool IsNotYetSupported(const std::string& kind) {
  for (std::string_view op : kNotYetSupported) {
    if (op == kind) return true;
  }
  return false;
}

// One element of `operations:`: a map with a single key naming the operation.
Status ReadOperation(const Value& v, OperationEntry* out) {
  if (!v.node.IsMap() || v.node.size() != 1) {
    std::string got = v.node.IsMap() ? std::to_string(v.node.size()) + " keys"
                                     : spec_internal::DescribeNode(v.node);
    return ErrorAt(
        v, "expected a map with one key naming the operation (add_column: ...), got " + got);
  }
  auto entry = v.node.begin();
  const YAML::Node key_node = entry->first;
  Value key = v.At(key_node.Mark().is_null() ? v.mark : key_node.Mark(), v.path);
  if (!key_node.IsScalar()) return ErrorAt(key, "expected an operation name");
  const std::string kind = key_node.Scalar();
  if (kind != "add_column") {
    if (IsNotYetSupported(kind)) return ErrorAt(key, "operation " + kind + " is not supported yet");
    return ErrorAt(key, "unknown operation '" + kind + "'; expected one of: " + KnownOperations());
  }
  out->kind = kind;
  out->where = LocationOf(key);
  AddColumnOp op;
  PGPHASE_RETURN_IF_ERROR(
      spec_internal::ReadAddColumn(v.Child(kind, entry->second, key.mark), &op));
  out->op = std::move(op);
  return Status::Ok();
}

Status ReadOperations(const Value& v, std::vector<OperationEntry>* out) {
  if (!v.node.IsSequence() || v.node.size() == 0) {
    std::string got =
        v.node.IsSequence() ? "an empty sequence" : spec_internal::DescribeNode(v.node);
    return ErrorAt(v, "expected a non-empty sequence of operations, got " + got);
  }
  for (size_t i = 0; i < v.node.size(); ++i) {
    OperationEntry entry;
    PGPHASE_RETURN_IF_ERROR(ReadOperation(v.Element(i, v.node[i]), &entry));
    out->push_back(std::move(entry));
  }
  return Status::Ok();
}

Status ReadDocument(const Value& doc, ChangeSpec* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(
      YamlMap::Read(doc, {"version_schema", "settings", "operations"}, {"operations"}, &map));
  if (std::optional<Value> v = map.Find("version_schema")) {
    PGPHASE_RETURN_IF_ERROR(spec_internal::ReadIdentifier(*v, &out->version_schema.emplace()));
  }
  if (std::optional<Value> v = map.Find("settings")) {
    PGPHASE_RETURN_IF_ERROR(spec_internal::ReadSettings(*v, &out->settings));
  }
  return ReadOperations(*map.Find("operations"), &out->operations);
}

// Parses `text` into its one YAML document. yaml-cpp reports problems by throwing.
Status LoadDocument(const std::string& text, const std::string& file, YAML::Node* out) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    return Status::Invalid(LocationOf(file, e.mark).ToString() + ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(file + ": invalid YAML: " + e.what());
  }
  Value first(docs.empty() ? YAML::Node() : docs[0], "", YAML::Mark(), &file);
  if (docs.empty() || docs[0].IsNull()) {
    return ErrorAt(first, "empty spec; expected a map with an operations: list");
  }
  if (docs.size() > 1) {
    Value second(docs[1], "", docs[1].Mark(), &file);
    return ErrorAt(second, "expected one YAML document, found a second one");
  }
  // `out` is a fresh node, so operator= rebinds it rather than writing through.
  *out = docs[0];
  return Status::Ok();
}

}  // namespace

std::string SourceLocation::ToString() const {
  if (line == 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column != 0) out += ":" + std::to_string(column);
  return out;
}

Result<ChangeSpec> ParseSpec(const std::string& text, const std::string& file) {
  ChangeSpec spec;
  spec.file = file;
  spec.text = text;
  spec.name = spec_internal::MigrationName(file);
  if (!spec_internal::IsValidMigrationName(spec.name)) {
    return Status::Invalid(file + ": migration name \"" + spec.name +
                           "\" must match [A-Za-z0-9_.-]+ (it is the file name without .yaml)");
  }
  YAML::Node doc;
  PGPHASE_RETURN_IF_ERROR(LoadDocument(text, file, &doc));
  try {
    PGPHASE_RETURN_IF_ERROR(ReadDocument(Value(doc, "", doc.Mark(), &file), &spec));
  } catch (const YAML::Exception& e) {
    // Reading a loaded node should not throw; if yaml-cpp does, it is still an input problem.
    return Status::Invalid(file + ": invalid YAML: " + e.what());
  }
  return spec;
}

}  // namespace pgphase
