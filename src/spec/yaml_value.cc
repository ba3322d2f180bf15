#include "spec/yaml_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace pgphase::spec_internal {
namespace {

constexpr size_t kMaxIdentifierBytes = 63;

// yaml-cpp tags scalars written in quotes (or as block literals) "!", plain ones "?".
bool IsPlainScalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string JoinKeys(const std::vector<std::string_view>& keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

std::string ChildPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool Contains(const std::vector<std::string_view>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The key node of one map entry, as a Value so errors about the key point at it.
Value KeyValue(const Value& map, const YAML::Node& key, const std::string& path) {
  return Value(key, path, key.Mark().is_null() ? map.mark : key.Mark(), map.file);
}

}  // namespace

Value Value::Child(const std::string& key, const YAML::Node& child,
                   const YAML::Mark& key_mark) const {
  // An empty value's mark is wherever the next token starts; its key is the better place.
  bool use_key = child.IsNull() || child.Mark().is_null();
  return Value{child, ChildPath(path, key), use_key ? key_mark : child.Mark(), file};
}

Value Value::Element(size_t index, const YAML::Node& element) const {
  YAML::Mark m = element.Mark().is_null() ? mark : element.Mark();
  return Value{element, path + "[" + std::to_string(index) + "]", m, file};
}

SourceLocation LocationOf(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourceLocation{file, 0, 0};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

SourceLocation LocationOf(const Value& v) { return LocationOf(*v.file, v.mark); }

Status ErrorAt(const Value& v, std::string_view what) {
  std::string message = LocationOf(v).ToString() + ": ";
  if (!v.path.empty()) message += v.path + ": ";
  message += what;
  return Status::Invalid(std::move(message));
}

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

Status YamlMap::Read(const Value& v, const std::vector<std::string_view>& allowed,
                     const std::vector<std::string_view>& required, YamlMap* out) {
  if (!v.node.IsMap()) return ErrorAt(v, "expected a map, got " + DescribeNode(v.node));
  out->entries_.clear();
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) {
      return ErrorAt(KeyValue(v, key_node, v.path),
                     "expected a string key, got " + DescribeNode(key_node));
    }
    const std::string& name = key_node.Scalar();
    Value key = KeyValue(v, key_node, ChildPath(v.path, name));
    Value child = v.Child(name, it->second, key.mark);
    for (const Entry& earlier : out->entries_) {
      if (earlier.key != name) continue;
      int line = LocationOf(*v.file, earlier.key_mark).line;
      return ErrorAt(key, "duplicate key (first written at line " + std::to_string(line) + ")");
    }
    if (!Contains(allowed, name)) {
      return ErrorAt(key, "unknown key; expected one of: " + JoinKeys(allowed));
    }
    out->entries_.push_back(Entry{name, key.mark, std::move(child)});
  }
  for (std::string_view name : required) {
    if (!out->Find(name)) {
      return ErrorAt(v.At(v.mark, ChildPath(v.path, std::string(name))), "missing required key");
    }
  }
  return Status::Ok();
}

Status YamlMap::Read(const Value& v, const ShapeInfo& shape, YamlMap* out) {
  std::vector<std::string_view> allowed, required;
  for (const Field& f : shape.fields) {
    allowed.push_back(f.key);
    if (f.required) required.push_back(f.key);
  }
  return Read(v, allowed, required, out);
}

std::optional<Value> YamlMap::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return e.value;
  }
  return std::nullopt;
}

Status ReadString(const Value& v, std::string* out) {
  if (!v.node.IsScalar()) return ErrorAt(v, "expected a string, got " + DescribeNode(v.node));
  *out = v.node.Scalar();
  return Status::Ok();
}

Status ReadIdentifier(const Value& v, std::string* out) {
  if (!v.node.IsScalar()) return ErrorAt(v, "expected a name, got " + DescribeNode(v.node));
  std::string s = v.node.Scalar();
  if (s.empty()) return ErrorAt(v, "expected a name, got an empty string");
  if (s.find('\0') != std::string::npos) return ErrorAt(v, "a name cannot contain a NUL byte");
  if (s.size() > kMaxIdentifierBytes) {
    return ErrorAt(v, "name " + Quoted(s) + " is " + std::to_string(s.size()) +
                          " bytes long; PostgreSQL allows at most 63");
  }
  *out = std::move(s);
  return Status::Ok();
}

Status ReadSqlExpr(const Value& v, SqlExpr* out) {
  if (!v.node.IsScalar()) {
    return ErrorAt(v, "expected a SQL expression, got " + DescribeNode(v.node));
  }
  const std::string& s = v.node.Scalar();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
    return ErrorAt(v, "expected a SQL expression, got an empty string");
  }
  *out = SqlExpr{s, LocationOf(v)};
  return Status::Ok();
}

Status ReadBool(const Value& v, bool* out) {
  if (!v.node.IsScalar()) return ErrorAt(v, "expected true or false, got " + DescribeNode(v.node));
  const std::string& s = v.node.Scalar();
  // YAML 1.2 core schema booleans only: "yes"/"on" and quoted "true" are mistakes here.
  if (IsPlainScalar(v.node) && (s == "true" || s == "True" || s == "TRUE")) {
    *out = true;
  } else if (IsPlainScalar(v.node) && (s == "false" || s == "False" || s == "FALSE")) {
    *out = false;
  } else {
    return ErrorAt(v, "expected true or false, got " +
                          (IsPlainScalar(v.node) ? s : "the quoted string " + Quoted(s)));
  }
  return Status::Ok();
}

Status ReadPositiveInt(const Value& v, int64_t* out) {
  std::string what = "expected a positive integer, got ";
  if (!v.node.IsScalar()) return ErrorAt(v, what + DescribeNode(v.node));
  const std::string& s = v.node.Scalar();
  bool digits =
      !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!IsPlainScalar(v.node) || !digits) return ErrorAt(v, what + Quoted(s));
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc::result_out_of_range) return ErrorAt(v, "integer " + s + " is too large");
  if (ec != std::errc() || end != s.data() + s.size() || n <= 0) return ErrorAt(v, what + s);
  *out = n;
  return Status::Ok();
}

Status ReadDuration(const Value& v, Millis* out) {
  std::string s;
  PGPHASE_RETURN_IF_ERROR(ReadString(v, &s));
  Result<Millis> d = ParseDuration(s);
  if (!d.ok()) return ErrorAt(v, d.status().message());
  *out = *d;
  return Status::Ok();
}

Status ReadPositiveDuration(const Value& v, Millis* out) {
  Millis d{};
  PGPHASE_RETURN_IF_ERROR(ReadDuration(v, &d));
  if (d.count() <= 0) return ErrorAt(v, "duration must be greater than 0ms");
  *out = d;
  return Status::Ok();
}

Status ReadOptionalBool(const YamlMap& map, std::string_view key, bool* out) {
  if (std::optional<Value> v = map.Find(key)) return ReadBool(*v, out);
  return Status::Ok();
}

Status ReadOptionalSqlExpr(const YamlMap& map, std::string_view key, std::optional<SqlExpr>* out) {
  if (std::optional<Value> v = map.Find(key)) return ReadSqlExpr(*v, &out->emplace());
  return Status::Ok();
}

Status ReadKeyword(const Value& v, const std::vector<std::string_view>& known,
                   std::string_view noun, std::string* out) {
  std::string written;
  PGPHASE_RETURN_IF_ERROR(ReadString(v, &written));
  std::istringstream words(written);
  std::string word, normalized;
  while (words >> word) normalized += (normalized.empty() ? "" : " ") + Upper(word);
  std::string list;
  for (std::string_view k : known) {
    if (normalized == Upper(std::string(k))) {
      *out = k;
      return Status::Ok();
    }
    list += (list.empty() ? "" : ", ") + std::string(k);
  }
  return ErrorAt(v,
                 "unknown " + std::string(noun) + " \"" + written + "\"; expected one of: " + list);
}

}  // namespace pgphase::spec_internal
