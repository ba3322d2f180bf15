#include "pgphase/sql_text.h"

#include <cctype>

namespace pgphase::sqltext {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

bool SameWord(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The end of the token starting at `at` that is not a word or a parenthesis: a quoted string
// or name, a dollar-quoted string, a comment, or one other character.
size_t SkipOther(std::string_view text, size_t at) {
  const char c = text[at];
  if (c == '\'' || c == '"') {
    size_t i = at + 1;
    while (i < text.size()) {
      if (text[i] == c && i + 1 < text.size() && text[i + 1] == c) {
        i += 2;
      } else if (text[i] == c) {
        return i + 1;
      } else {
        ++i;
      }
    }
    return text.size();
  }
  if (text.substr(at, 2) == "--") {
    const size_t nl = text.find('\n', at);
    return nl == std::string_view::npos ? text.size() : nl + 1;
  }
  if (text.substr(at, 2) == "/*") {
    const size_t close = text.find("*/", at + 2);
    return close == std::string_view::npos ? text.size() : close + 2;
  }
  if (c == '$') {
    size_t tag_end = at + 1;
    while (tag_end < text.size() && IsWordChar(text[tag_end]) && text[tag_end] != '$') ++tag_end;
    const bool tag = tag_end < text.size() && text[tag_end] == '$' &&
                     (tag_end == at + 1 || !std::isdigit(static_cast<unsigned char>(text[at + 1])));
    if (tag) {
      const std::string_view tag = text.substr(at, tag_end - at + 1);
      const size_t close = text.find(tag, tag_end + 1);
      return close == std::string_view::npos ? text.size() : close + tag.size();
    }
  }
  return at + 1;
}

size_t WordEnd(std::string_view text, size_t at) {
  while (at < text.size() && IsWordChar(text[at])) ++at;
  return at;
}

}  // namespace

size_t ClauseEnd(std::string_view text, size_t from,
                 std::initializer_list<std::string_view> stops) {
  int depth = 0;
  size_t i = from;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t end = WordEnd(text, i);
      for (std::string_view s : stops)
        if (depth == 0 && SameWord(text.substr(i, end - i), s)) return i;
      i = end;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (depth == 0) return i;
      --depth;
      ++i;
    } else if ((c == ',' || c == ';') && depth == 0) {
      return i;
    } else {
      i = SkipOther(text, i);
    }
  }
  return text.size();
}

size_t AfterWord(std::string_view text, size_t from, size_t end, std::string_view word) {
  const size_t at = ClauseEnd(text.substr(0, end), from, {word});
  if (at >= end || !SameWord(text.substr(at, word.size()), word)) return std::string_view::npos;
  return at + word.size();
}

size_t AfterWordBefore(std::string_view text, size_t at, std::string_view word) {
  size_t i = at;
  while (i > 0 && (std::isspace(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '('))
    --i;
  if (i < word.size() || !SameWord(text.substr(i - word.size(), word.size()), word))
    return std::string_view::npos;
  return i;
}

std::string Trimmed(std::string_view text, size_t from, size_t end) {
  if (end > text.size()) end = text.size();
  while (from < end && std::isspace(static_cast<unsigned char>(text[from]))) ++from;
  while (end > from && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(from, end - from));
}

namespace {

// The qualifier at `at` ("public." or "\"public\".") is `schema`'s: its length, else 0.
size_t QualifierAt(std::string_view text, size_t at, std::string_view schema) {
  const std::string quoted = "\"" + std::string(schema) + "\"";
  for (std::string_view form : {std::string_view(schema), std::string_view(quoted)}) {
    if (text.substr(at, form.size()) == form && at + form.size() < text.size() &&
        text[at + form.size()] == '.')
      return form.size() + 1;
  }
  return 0;
}

// A string literal text[at, end) followed by ::regclass, with the qualifier taken off.
std::string RegclassLiteral(std::string_view text, size_t at, size_t end, std::string_view schema) {
  std::string literal(text.substr(at, end - at));
  if (text.substr(end, 10) == "::regclass" && literal.size() > 2) {
    const size_t n = QualifierAt(literal, 1, schema);
    if (n > 0) literal.erase(1, n);
  }
  return literal;
}

}  // namespace

std::string Unqualified(std::string_view text, std::string_view schema) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts_name = i == 0 || (!IsWordChar(text[i - 1]) && text[i - 1] != '.');
    if (starts_name && (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '"')) {
      if (const size_t n = QualifierAt(text, i, schema); n > 0) {
        i += n;
        continue;
      }
    }
    if (IsWordChar(c)) {
      const size_t end = WordEnd(text, i);
      out += text.substr(i, end - i);
      i = end;
      continue;
    }
    const size_t end = SkipOther(text, i);
    out += c == '\'' ? RegclassLiteral(text, i, end, schema) : std::string(text.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace pgphase::sqltext
