#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <string_view>

#include "pgphase/sql.h"

namespace pgphase {
namespace {

bool OpensOrSeparates(char c) { return c == '(' || c == ',' || c == '['; }
bool IsPunctuation(char c) { return OpensOrSeparates(c) || c == ')' || c == ']'; }

// Lower case, runs of white space as one space, none at the ends, after "(", "," or "[", or
// before any of "(),[]" ("timestamp (3) with time zone" -> "timestamp(3) with time zone").
std::string Squeeze(const std::string& written) {
  std::string words;
  for (char c : written) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isspace(u)) {
      words += static_cast<char>(std::tolower(u));
    } else if (!words.empty() && words.back() != ' ') {
      words += ' ';
    }
  }
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const bool space = words[i] == ' ';
    const bool next_to_punctuation = (i > 0 && OpensOrSeparates(words[i - 1])) ||
                                     (i + 1 < words.size() && IsPunctuation(words[i + 1]));
    if (space && (next_to_punctuation || i + 1 == words.size())) continue;
    out += words[i];
  }
  return out;
}

const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string> kAliases = {
      {"int", "integer"},
      {"int4", "integer"},
      {"serial", "integer"},
      {"serial4", "integer"},
      {"int8", "bigint"},
      {"bigserial", "bigint"},
      {"serial8", "bigint"},
      {"int2", "smallint"},
      {"smallserial", "smallint"},
      {"serial2", "smallint"},
      {"bool", "boolean"},
      {"varchar", "character varying"},
      {"char", "character"},
      {"bpchar", "character"},
      {"float8", "double precision"},
      {"float", "double precision"},
      {"float4", "real"},
      {"decimal", "numeric"},
      {"varbit", "bit varying"},
      {"timestamptz", "timestamp with time zone"},
      {"timetz", "time with time zone"},
  };
  return kAliases;
}

}  // namespace

std::string CanonicalType(const std::string& written) {
  std::string s = Squeeze(written);
  std::string array;
  while (s.size() >= 2 && s.compare(s.size() - 2, 2, "[]") == 0) {
    array += "[]";
    s.resize(s.size() - 2);
  }
  // name [(args)] [rest]: "timestamp(3) with time zone" has its arguments in the middle.
  std::string name = s, args, rest;
  if (const size_t open = s.find('('); open != std::string::npos) {
    const size_t close = s.find(')', open);
    name = s.substr(0, open);
    args = s.substr(open, close == std::string::npos ? std::string::npos : close - open + 1);
    rest = close == std::string::npos ? "" : s.substr(close + 1);
  }
  if (auto it = Aliases().find(name); it != Aliases().end()) name = it->second;
  if ((name == "timestamp" || name == "time") && rest.empty()) rest = " without time zone";
  if (name == "timestamp with time zone" || name == "time with time zone") {
    const size_t at = name.find(' ');
    rest = name.substr(at);
    name = name.substr(0, at);
  }
  return name + args + rest + array;
}

namespace {

// character varying(n) -> n, unbounded character varying -> 0, anything else -> -1.
long VarcharLength(const std::string& canonical) {
  const std::string kName = "character varying";
  if (canonical == kName) return 0;
  if (canonical.rfind(kName + "(", 0) != 0 || canonical.back() != ')') return -1;
  try {
    return std::stol(canonical.substr(kName.size() + 1));
  } catch (...) {
    return -1;
  }
}

}  // namespace

bool IsWideningType(const std::string& from, const std::string& to) {
  const long n = VarcharLength(from);
  if (n < 0) return false;
  if (to == "text") return true;
  const long m = VarcharLength(to);
  if (m < 0) return false;
  return m == 0 || (n != 0 && m >= n);
}

namespace {

// The type's name without arguments or array brackets: "timestamp(3) with time zone[]" ->
// "timestamp with time zone".
std::string BaseName(const std::string& canonical) {
  std::string s = canonical;
  while (s.size() >= 2 && s.compare(s.size() - 2, 2, "[]") == 0) s.resize(s.size() - 2);
  if (const size_t open = s.find('('); open != std::string::npos) {
    const size_t close = s.find(')', open);
    s.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
  }
  return s;
}

bool OneOf(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool DependsOnSessionSettings(const std::string& canonical) {
  return OneOf(BaseName(canonical),
               {"date", "time without time zone", "time with time zone",
                "timestamp without time zone", "timestamp with time zone", "interval", "money"});
}

bool HasEqualityOperator(const std::string& canonical) {
  return !OneOf(BaseName(canonical),
                {"json", "jsonpath", "xml", "point", "polygon", "txid_snapshot", "pg_snapshot"});
}

}  // namespace pgphase
