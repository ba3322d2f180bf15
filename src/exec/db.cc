#include "exec/db.h"

#include <fmt/format.h>

#include "pgphase/conninfo.h"
#include "pgphase/ddl_key.h"
#include "pgphase/exec.h"
#include "pgphase/sql.h"

namespace pgphase {

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

namespace {

std::string Trimmed(std::string msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

// The server ended the session (terminated, shut down, restarting) or the link broke.
bool EndsTheSession(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

Status Lost(const std::string& context, const std::string& what) {
  return Status::Failure(fmt::format(
      "{}: {} ({}): the server terminated the session or restarted; what committed is kept, and "
      "`pgphase apply` again resumes from there",
      context, kLostConnection, what));
}

}  // namespace

Status FromSqlError(const pqxx::sql_error& e, const std::string& context) {
  const std::string msg = Trimmed(e.what());
  if (EndsTheSession(e.sqlstate())) return Lost(context, "SQLSTATE " + e.sqlstate() + ": " + msg);
  const std::string state = e.sqlstate().empty() ? "" : "SQLSTATE " + e.sqlstate() + ": ";
  // A pgphase guard that the data refuses: nothing changed, the operator fixes the data.
  if (e.sqlstate() == ddl::kRefusedSqlState)
    return Status::Invalid(fmt::format("{}: {}{}", context, state, msg));
  return Status::Failure(fmt::format("{}: {}{}", context, state, msg));
}

Status FromException(const std::exception& e, const std::string& context) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e))
    return FromSqlError(*sql, context);
  const std::string msg = Trimmed(e.what());
  // libpq says only "Connection to database failed" when the server ends the session.
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return Lost(context, msg);
  return Status::Failure(fmt::format("{}: {}", context, msg));
}

bool LostConnection(const Status& st) {
  return !st.ok() && st.message().find(kLostConnection) != std::string::npos;
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
