#include <yaml-cpp/yaml.h>

#include "pgphase/spec_reader.h"
#include "spec/migration_name.h"
#include "spec/ops.h"
#include "spec/settings.h"
#include "spec/yaml_value.h"

namespace pgphase {

using spec_internal::ErrorAt;
using spec_internal::LocationOf;
using spec_internal::Value;
using spec_internal::YamlMap;

namespace {

// Every operation pgphase reads, from the registration table (PGPHASE_OPERATIONS).
struct OperationReader {
  std::string_view name;
  Status (*read)(const Value& key, const Value& v, Operation* out);
};

template <class Op>
Status ReadInto(const Value& key, const Value& v, Operation* out) {
  Op op;
  PGPHASE_RETURN_IF_ERROR(spec_internal::ReadOperation(key, v, &op));
  *out = std::move(op);
  return Status::Ok();
}

#define PGPHASE_READER_ROW(kind, Type) {#kind, ReadInto<Type>},
constexpr OperationReader kOperations[] = {PGPHASE_OPERATIONS(PGPHASE_READER_ROW)};
#undef PGPHASE_READER_ROW

std::string KnownOperations() {
  std::string out;
  for (const auto& op : kOperations) out += (out.empty() ? "" : ", ") + std::string(op.name);
  return out;
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
  const Value key(key_node, v.path, key_node.Mark().is_null() ? v.mark : key_node.Mark(), v.file);
  if (!key_node.IsScalar()) return ErrorAt(key, "expected an operation name");
  const std::string& kind = key_node.Scalar();
  for (const auto& op : kOperations) {
    if (op.name != kind) continue;
    out->kind = kind;
    out->where = LocationOf(key);
    return op.read(key, v.Child(kind, entry->second, key.mark), &out->op);
  }
  return ErrorAt(key, "unknown operation '" + kind + "'; expected one of: " + KnownOperations());
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
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(doc, spec_internal::Shape("migration"), &map));
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
