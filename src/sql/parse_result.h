// Owns one pg_query_parse result (private to the sql module).
#pragma once

#include <pg_query.h>

#include <string>
#include <string_view>

#include "pgphase/status.h"

namespace pgphase::sql_internal {

class ParseResult {
 public:
  explicit ParseResult(const std::string& sql) : r_(pg_query_parse(sql.c_str())) {}
  ~ParseResult() { pg_query_free_parse_result(r_); }
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;
  const PgQueryParseResult& get() const { return r_; }

 private:
  PgQueryParseResult r_;
};

// `what` names the user's text in messages ("expression", "type").
inline Status Rejected(std::string_view what, const std::string& why) {
  return Status::Invalid("invalid " + std::string(what) + ": " + why);
}

}  // namespace pgphase::sql_internal
