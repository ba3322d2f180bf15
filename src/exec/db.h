// Connections and error conversion for the executor. libpqxx stays inside src/exec
// and src/catalog; everything leaving this module is a Status.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "pgphase/status.h"

namespace pgphase::exec {

// Opens a connection (empty conninfo: the libpq PG* environment) and sets
// application_name so other sessions (and a busy second executor) can see who we are.
Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo,
                                                  const std::string& application_name);

// "SQLSTATE 55P03: canceling statement due to lock timeout" style text, with context.
Status FromSqlError(const pqxx::sql_error& e, const std::string& context);
// Any exception from libpqxx, as a runtime failure (connection lost, ...).
Status FromException(const std::exception& e, const std::string& context);
// The phrase both put in a status when the connection was lost (the server ended the session,
// shut down or restarted, or the link broke), and the test for it: apply reconnects then.
inline constexpr std::string_view kLostConnection = "lost the connection to the database";
bool LostConnection(const Status& st);

// SQLSTATEs the executor reacts to.
inline constexpr const char* kLockNotAvailable = "55P03";
inline constexpr const char* kQueryCanceled = "57014";  // statement_timeout or cancel
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kReadOnlyTransaction = "25006";

// The first line of a server error, without its "ERROR:  " prefix: for messages and records.
std::string ServerMessage(const std::string& what);

// True for an SQLSTATE a value can cause (rather than the expression or the schema): data
// exceptions, integrity violations, PL/pgSQL RAISE, routine and external routine
// exceptions, program limits.
bool IsDataError(const std::string& sqlstate);

// "1000ms" for SET lock_timeout etc.
std::string PgInterval(long long millis);

}  // namespace pgphase::exec
