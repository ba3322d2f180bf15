// Quoting of identifiers and literals, dollar-quote tags and bounded names.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "pgphase/sql.h"
#include "sql/parse_result.h"

namespace pgphase {
namespace {

// PostgreSQL truncates identifiers to NAMEDATALEN-1 bytes.
constexpr size_t kMaxIdentifierBytes = 63;
// A cut name keeps this many bytes, then '_' and 8 hex digits: 54 + 1 + 8 = 63.
constexpr size_t kCutBytes = 54;

// FNV-1a, 32 bits: tiny, stable across platforms and releases, good enough to keep
// distinct long names distinct.
uint32_t Fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Appends `value` to `out` with every occurrence of `ch` doubled.
void AppendDoubling(std::string& out, std::string_view value, char ch) {
  for (char c : value) {
    out += c;
    if (c == ch) out += c;
  }
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  AppendDoubling(out, name, '"');
  out += '"';
  return out;
}

std::string QuoteQualified(std::string_view schema, std::string_view name) {
  return QuoteIdent(schema) + "." + QuoteIdent(name);
}

// Bare only when the name is lower-case letters, digits, _ and $ (not first), and both a column
// name and a parameter name may be it bare: those two take plain identifiers and unreserved
// keywords in common, which is what quote_identifier leaves unquoted.
std::string QuoteIdentIfNeeded(std::string_view name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9') && name[0] != '$';
  for (char c : name)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$');
  if (!plain) return QuoteIdent(name);
  const std::string n(name);
  const sql_internal::ParseResult column("CREATE TABLE t (" + n + " int)");
  const sql_internal::ParseResult param("CREATE FUNCTION f(" + n + " int) RETURNS int AS 'x'");
  const bool bare = column.get().error == nullptr && param.get().error == nullptr;
  return bare ? n : QuoteIdent(name);
}

std::string QuoteLiteral(std::string_view value) {
  // With a backslash, the E'' form is the only spelling that means the same under
  // standard_conforming_strings on and off (as libpq's PQescapeLiteral does).
  const bool has_backslash = value.find('\\') != std::string_view::npos;
  std::string out;
  out.reserve(value.size() + 3);
  if (has_backslash) out += 'E';
  out += '\'';
  for (char c : value) {
    out += c;
    if (c == '\'' || (has_backslash && c == '\\')) out += c;
  }
  out += '\'';
  return out;
}

std::string DollarQuoteTag(std::string_view body) {
  // The scanner ends the literal at the first occurrence of the tag after the opener,
  // so the tag must first occur in body + tag exactly where the closer starts (this
  // also rules out a body ending in a prefix of the tag, like "x$pgphase").
  auto fits = [&](const std::string& tag) {
    const std::string closed = std::string(body) + tag;
    return closed.find(tag) == body.size();
  };
  std::string tag = "$pgphase$";
  for (int n = 1; !fits(tag); ++n) tag = "$pgphase" + std::to_string(n) + "$";
  return tag;
}

std::string BoundedName(const std::vector<std::string>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += '_';
    joined += parts[i];
  }
  if (joined.size() <= kMaxIdentifierBytes) return joined;

  size_t cut = kCutBytes;
  while (cut > 0 && IsUtf8Continuation(joined[cut])) --cut;  // never split a character
  char hash[9];
  std::snprintf(hash, sizeof hash, "%08x", Fnv1a32(joined));
  return joined.substr(0, cut) + "_" + hash;
}

}  // namespace pgphase
