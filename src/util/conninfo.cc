#include "pgphase/conninfo.h"

#include <regex>

namespace pgphase {
namespace {

// URL form: scheme://user:password@host (the password is group 2's text after the colon).
const std::regex& UrlPassword() {
  static const std::regex re(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@)");
  return re;
}

// key=value form and URL query parameters: password=...
const std::regex& KeyPassword() {
  static const std::regex re(R"((^|[\s?&])password\s*=\s*('([^'\\]|\\.)*'|[^\s&]*))");
  return re;
}

}  // namespace

std::string RedactConninfo(const std::string& conninfo) {
  const std::string out = std::regex_replace(conninfo, UrlPassword(), "$1:***@");
  return std::regex_replace(out, KeyPassword(), "$1password=***");
}

bool ConninfoHasPassword(const std::string& conninfo) {
  return std::regex_search(conninfo, UrlPassword()) || std::regex_search(conninfo, KeyPassword());
}

}  // namespace pgphase
