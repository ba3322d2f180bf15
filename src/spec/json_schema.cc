// The JSON Schema of the migration format, printed from the shapes the readers use
// (spec/shapes.h) and the registration table of operations (PGPHASE_OPERATIONS).
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "pgphase/spec_reader.h"
#include "spec/shapes.h"

namespace pgphase {
namespace {

using Json = nlohmann::ordered_json;
using spec_internal::Field;
using spec_internal::Kind;
using spec_internal::ShapeInfo;

Json Ref(std::string_view shape) { return {{"$ref", "#/definitions/" + std::string(shape)}}; }

// A scalar as the readers take it: YAML writes `default: 100` or `up: true` without quotes, and
// the readers keep the text as written.
Json Scalar(int min_length, int max_length = 0) {
  Json j = {{"type", Json::array({"string", "number", "boolean"})}};
  if (min_length > 0) j["minLength"] = min_length;
  if (max_length > 0) j["maxLength"] = max_length;
  return j;
}

// ReadKeyword takes a keyword in any case, with any white space around and between its
// words. JSON Schema has no case-insensitive enum (and ECMA-262 patterns no (?i) flag), so the
// schema says it twice: `enum` lists each keyword as the reader documents it (what an editor
// offers to complete), and `pattern` accepts every spelling the reader does, each letter a
// [xX] class: "set null" -> ^\s*[sS][eE][tT]\s+[nN][uU][lL][lL]\s*$.
std::string AnyCasePattern(const std::vector<std::string_view>& words) {
  std::string alternatives;
  for (std::string_view w : words) {
    std::string alt;
    for (char c : w) {
      const auto u = static_cast<unsigned char>(c);
      if (c == ' ') {
        alt += "\\s+";
      } else if (std::isalpha(u)) {
        alt += std::string("[") + static_cast<char>(std::tolower(u)) +
               static_cast<char>(std::toupper(u)) + "]";
      } else {
        alt += c;  // keywords are letters, spaces and _
      }
    }
    alternatives += (alternatives.empty() ? "" : "|") + alt;
  }
  return "^\\s*(?:" + alternatives + ")\\s*$";
}

Json Keywords(const std::vector<std::string_view>& words) {
  Json list = Json::array();
  for (std::string_view w : words) list.push_back(std::string(w));
  return {{"type", "string"},
          {"anyOf", Json::array({{{"enum", list}}, {{"pattern", AnyCasePattern(words)}}})}};
}

Json ScalarOf(Kind kind, const std::vector<std::string_view>* keywords) {
  switch (kind) {
    case Kind::kIdentifier:
      return Scalar(1, 63);
    case Kind::kType:
    case Kind::kSql:
      return Scalar(1);
    case Kind::kBool:
      return {{"type", "boolean"}};
    case Kind::kPositiveInt:
      return {{"type", "integer"}, {"minimum", 1}};
    case Kind::kDuration:
      return {{"type", "string"},
              {"pattern", "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$"}};
    case Kind::kKeyword:
      return Keywords(*keywords);
    case Kind::kColumnExprs:
      return {{"type", "object"}, {"additionalProperties", Scalar(1)}};
    default:
      return Scalar(0);
  }
}

Json Either(Json a, Json b) { return {{"anyOf", Json::array({std::move(a), std::move(b)})}}; }

Json ValueOf(const Field& f, const std::vector<std::string>& lint_rules) {
  Json j;
  if (f.kind == Kind::kMap) {
    j = f.or_name ? Either(Ref(f.shape), ScalarOf(Kind::kIdentifier, nullptr)) : Ref(f.shape);
  } else if (f.kind == Kind::kList) {
    Json items = f.shape.empty() ? ScalarOf(f.element, nullptr) : Ref(f.shape);
    if (f.element == Kind::kLintRule) items = {{"type", "string"}, {"enum", lint_rules}};
    if (f.or_name) items = Either(items, ScalarOf(Kind::kIdentifier, nullptr));
    j = {{"type", "array"}, {"items", items}};
    if (f.non_empty) j["minItems"] = 1;
    if (f.or_string) j = Either(j, {{"type", "string"}});
  } else {
    j = ScalarOf(f.kind, f.keywords);
  }
  if (f.nullable) j = Either(j, {{"type", "null"}});
  j["description"] = std::string(f.description);
  return j;
}

Json ObjectOf(const ShapeInfo& shape, const std::vector<std::string>& lint_rules) {
  Json properties = Json::object(), required = Json::array();
  for (const Field& f : shape.fields) {
    properties[std::string(f.key)] = ValueOf(f, lint_rules);
    if (f.required) required.push_back(f.key);
  }
  Json j = {{"type", "object"},
            {"description", shape.description},
            {"properties", properties},
            {"additionalProperties", false}};
  if (!required.empty()) j["required"] = required;
  if (shape.exactly_one) {
    j["minProperties"] = 1;
    j["maxProperties"] = 1;
  }
  return j;
}

// One element of `operations:`: a map with one key, the operation's name.
Json OperationDefinition() {
  Json properties = Json::object();
#define PGPHASE_SCHEMA_ROW(kind, Type) properties[spec_internal::Shape(#kind).name] = Ref(#kind);
  PGPHASE_OPERATIONS(PGPHASE_SCHEMA_ROW)
#undef PGPHASE_SCHEMA_ROW
  return {
      {"type", "object"},         {"description", "one operation: a map with one key naming it"},
      {"properties", properties}, {"additionalProperties", false},
      {"minProperties", 1},       {"maxProperties", 1}};
}

}  // namespace

std::string MigrationJsonSchema(const std::vector<std::string>& lint_rules) {
  const auto& shapes = spec_internal::AllShapes();
  Json definitions = Json::object();
  definitions["operation"] = OperationDefinition();
  for (size_t i = 1; i < shapes.size(); ++i)
    definitions[std::string(shapes[i].name)] = ObjectOf(shapes[i], lint_rules);
  Json schema = {{"$schema", "http://json-schema.org/draft-07/schema#"},
                 {"title", "pgphase migration"}};
  schema.update(ObjectOf(shapes.front(), lint_rules));
  schema["definitions"] = definitions;
  return schema.dump(2) + "\n";
}

}  // namespace pgphase
