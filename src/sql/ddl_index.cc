#include "pgphase/ddl_index.h"

#include <fmt/format.h>

#include <cctype>

#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Reads one value at text[*pos]: a number, a bare word, or a '...' string ('' escapes a
// quote). Returns the canonical rendering, or "" when there is no valid value here.
std::string ReadParamValue(const std::string& text, size_t* pos) {
  size_t i = *pos;
  if (i >= text.size()) return "";
  if (text[i] == '\'') {
    std::string raw;
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          raw += '\'';
          ++i;
          continue;
        }
        *pos = i + 1;
        return QuoteLiteral(raw);
      }
      raw += text[i];
    }
    return "";  // unterminated
  }
  size_t start = i;
  if (text[i] == '-' || text[i] == '+') ++i;
  if (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
  } else if (start == i && i < text.size() && IsIdentStart(text[i])) {
    while (i < text.size() && IsIdentChar(text[i])) ++i;
  } else {
    return "";
  }
  *pos = i;
  return text.substr(start, i - start);
}

void SkipSpace(const std::string& text, size_t* pos) {
  while (*pos < text.size() && std::isspace(static_cast<unsigned char>(text[*pos]))) ++*pos;
}

}  // namespace

IndexDef PlainIndex(const std::string& name, const std::vector<std::string>& columns, bool unique) {
  IndexDef def;
  def.name = name;
  def.unique = unique;
  for (const auto& c : columns) def.columns.push_back(IndexColumn{c, "", "", "", "", ""});
  return def;
}

Result<std::string> ParseParameterList(const std::string& text) {
  std::string out;
  size_t pos = 0;
  SkipSpace(text, &pos);
  if (pos == text.size()) return Status::Invalid("expected name = value, got an empty list");
  while (pos < text.size()) {
    const size_t name_start = pos;
    if (!IsIdentStart(text[pos])) {
      return Status::Invalid(
          fmt::format("expected a parameter name at offset {} of \"{}\"", pos, text));
    }
    while (pos < text.size() && IsIdentChar(text[pos])) ++pos;
    const std::string name = text.substr(name_start, pos - name_start);
    SkipSpace(text, &pos);
    if (pos >= text.size() || text[pos] != '=') {
      return Status::Invalid(fmt::format("expected '=' after parameter {} in \"{}\"", name, text));
    }
    ++pos;
    SkipSpace(text, &pos);
    const std::string value = ReadParamValue(text, &pos);
    if (value.empty()) {
      return Status::Invalid(fmt::format(
          "expected a number, a word or a quoted string as the value of {} in \"{}\"", name, text));
    }
    out += (out.empty() ? "" : ", ") + name + " = " + value;
    SkipSpace(text, &pos);
    if (pos < text.size()) {
      if (text[pos] != ',') {
        return Status::Invalid(
            fmt::format("expected ',' or the end after {} = {} in \"{}\"", name, value, text));
      }
      ++pos;
      SkipSpace(text, &pos);
      if (pos == text.size()) {
        return Status::Invalid(
            fmt::format("expected a parameter after the last ',' in \"{}\"", text));
      }
    }
  }
  return out;
}

Statement CreateIndexConcurrently(const Rel& t, const IndexDef& index, bool if_not_exists) {
  std::string cols;
  for (size_t i = 0; i < index.columns.size(); ++i) {
    const IndexColumn& c = index.columns[i];
    std::string col = Q(c.column);
    if (!c.collate.empty()) col += " COLLATE " + Q(c.collate);
    if (!c.opclass.empty()) {
      col += " " + Q(c.opclass);
      if (!c.opclass_params.empty()) col += " (" + c.opclass_params + ")";
    }
    if (!c.sort.empty()) col += " " + c.sort;
    if (!c.nulls.empty()) col += " NULLS " + c.nulls;
    cols += (i ? ", " : "") + col;
  }
  std::string sql =
      fmt::format("CREATE {}INDEX CONCURRENTLY {}{} ON {}{} ({})", index.unique ? "UNIQUE " : "",
                  if_not_exists ? "IF NOT EXISTS " : "", Q(index.name), t.Quoted(),
                  index.method.empty() ? "" : " USING " + index.method, cols);
  if (!index.include.empty()) sql += " INCLUDE (" + JoinQuoted(index.include) + ")";
  if (index.nulls_not_distinct) sql += " NULLS NOT DISTINCT";
  if (!index.storage.empty()) sql += " WITH (" + index.storage + ")";
  if (!index.predicate.empty()) sql += " WHERE " + index.predicate;
  Statement s{std::move(sql), Lock::kShareUpdateExclusive, /*transactional=*/false};
  s.scans = true;
  s.builds_index = true;
  s.table = t.Key();
  return s;
}

std::string IndexIsAbsentQuery(const Rel& index) {
  return fmt::format("SELECT pg_catalog.to_regclass({}) IS NULL", QuoteLiteral(index.Quoted()));
}

Statement FixViolatingRows(const Rel& t,
                           const std::vector<std::pair<std::string, std::string>>& sets,
                           const std::string& check) {
  std::string set;
  for (size_t i = 0; i < sets.size(); ++i)
    set += fmt::format("{}{} = {}", i ? ", " : "", Q(sets[i].first), sets[i].second);
  Statement s{fmt::format("UPDATE {} SET {} WHERE NOT ({})", t.Quoted(), set, check),
              Lock::kRowExclusive};
  s.scans = true;
  s.table = t.Key();
  return s;
}

}  // namespace pgphase::ddl
