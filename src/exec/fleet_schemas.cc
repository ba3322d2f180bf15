// ListSchemas: the tenant schemas `--schemas PATTERN` chooses from (pgphase/exec.h).
#include <pqxx/pqxx>

#include "exec/db.h"
#include "pgphase/exec.h"

namespace pgphase {

namespace {

// Version schemas are pgphase's own views, not tenants; they are listed in its state when
// that exists.
constexpr const char* kSchemasSql = R"(
SELECT n.nspname FROM pg_catalog.pg_namespace n
 WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'pgphase')
 ORDER BY n.nspname)";

constexpr const char* kSchemasWithStateSql = R"(
SELECT n.nspname FROM pg_catalog.pg_namespace n
 WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'pgphase')
   AND n.nspname NOT IN (SELECT name FROM pgphase.version_schemas)
 ORDER BY n.nspname)";

}  // namespace

Result<std::vector<std::string>> ListSchemas(const std::string& conninfo) {
  auto conn = exec::Connect(conninfo, "pgphase schemas");
  if (!conn.ok()) return conn.status();
  try {
    pqxx::nontransaction tx(**conn);
    const bool state = !tx.exec("SELECT to_regclass('pgphase.version_schemas')")[0][0].is_null();
    std::vector<std::string> out;
    for (const auto& row : tx.exec(state ? kSchemasWithStateSql : kSchemasSql))
      out.emplace_back(row[0].c_str());
    return out;
  } catch (const std::exception& e) {
    return exec::FromException(e, "listing schemas");
  }
}

}  // namespace pgphase
