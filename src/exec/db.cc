#include "exec/db.h"

#include <fmt/format.h>

#include <regex>

#include "pgphase/exec.h"
#include "pgphase/sql.h"

namespace pgphase {

std::string RedactConninfo(const std::string& conninfo) {
  // URL form: scheme://user:password@host -> scheme://user:***@host
  static const std::regex url_pw(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@)");
  // key=value form and URL query parameters: password=... -> password=***
  static const std::regex kv_pw(R"((^|[\s?&])password\s*=\s*('([^'\\]|\\.)*'|[^\s&]*))");
  std::string out = std::regex_replace(conninfo, url_pw, "$1:***@");
  return std::regex_replace(out, kv_pw, "$1password=***");
}

namespace exec {

std::string ServerMessage(const std::string& what) {
  std::string msg = what.substr(0, what.find('\n'));
  if (msg.rfind("ERROR:", 0) == 0)
    msg = msg.substr(std::min(msg.size(), msg.find_first_not_of(' ', 6)));
  return msg;
}

bool IsDataError(const std::string& sqlstate) {
  const std::string c = sqlstate.substr(0, 2);
  return c == "22" || c == "23" || c == "P0" || c == "2F" || c == "38" || c == "39" || c == "54";
}

std::string PgInterval(long long millis) { return std::to_string(millis) + "ms"; }

Status FromSqlError(const pqxx::sql_error& e, const std::string& context) {
  std::string msg = e.what();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string state = e.sqlstate().empty() ? "" : "SQLSTATE " + e.sqlstate() + ": ";
  return Status::Failure(fmt::format("{}: {}{}", context, state, msg));
}

Status FromException(const std::exception& e, const std::string& context) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e))
    return FromSqlError(*sql, context);
  std::string msg = e.what();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    // libpq says only "Connection to database failed" when the server ends the session.
    return Status::Failure(fmt::format(
        "{}: lost the connection to the database ({}): the server terminated the session or "
        "restarted; what committed is kept, and `pgphase apply` again resumes from there",
        context, msg));
  }
  return Status::Failure(fmt::format("{}: {}", context, msg));
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo,
                                                  const std::string& application_name) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    pqxx::nontransaction tx(*conn);
    tx.exec("SET application_name = " + QuoteLiteral(application_name));
    return conn;
  } catch (const std::exception& e) {
    // libpq's message may echo the connection string; never the password.
    const std::string where = conninfo.empty() ? "the PG* environment" : RedactConninfo(conninfo);
    return Status::Failure(
        fmt::format("cannot connect to {}: {}", where, RedactConninfo(e.what())));
  }
}

}  // namespace exec
}  // namespace pgphase
