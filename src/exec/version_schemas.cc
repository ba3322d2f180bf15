// `pgphase baseline` and `pgphase latest`: the version schemas outside a migration.
#include <fmt/format.h>

#include <ostream>

#include "exec/db.h"
#include "exec/state.h"
#include "pgphase/ddl_version.h"
#include "pgphase/exec.h"
#include "pgphase/sql.h"

namespace pgphase {

Status Baseline(const std::string& conninfo, const std::string& schema, const std::string& name,
                std::ostream& out) {
  const std::string version = BoundedName({schema, name});
  auto conn = exec::Connect(conninfo, "pgphase baseline " + name);
  if (!conn.ok()) return conn.status();
  try {
    exec::StateStore store(**conn);
    PGPHASE_RETURN_IF_ERROR(store.AcquireExecutorLock());
    const exec::ExecutorLockGuard guard(store);
    PGPHASE_RETURN_IF_ERROR(store.Ensure());
    pqxx::work tx(**conn);
    if (tx.exec_params1("SELECT to_regnamespace($1) IS NULL", QuoteIdent(schema))[0].as<bool>())
      return Status::Invalid("schema " + QuoteIdent(schema) + " does not exist");
    if (!tx.exec_params1("SELECT to_regnamespace($1) IS NULL", QuoteIdent(version))[0].as<bool>())
      return Status::Invalid(fmt::format("a schema named {} exists already", QuoteIdent(version)));
    tx.exec(ddl::CreateVersionSchema(version, schema, "", {}).sql);
    const long long views = tx.exec_params1(
                                  "SELECT count(*) FROM pg_class WHERE relnamespace = "
                                  "to_regnamespace($1) AND relkind = 'v'",
                                  QuoteIdent(version))[0]
                                .as<long long>();
    tx.commit();
    out << fmt::format(
        "version schema {} created: {} views over the tables of {}; point applications at it "
        "with search_path={},{}\n",
        version, views, schema, QuoteIdent(version), QuoteIdent(schema));
    return Status::Ok();
  } catch (const std::exception& e) {
    return exec::FromException(e, "creating version schema " + version);
  }
}

Result<std::string> LatestVersionSchema(const std::string& conninfo, const std::string& schema) {
  auto conn = exec::Connect(conninfo, "pgphase latest");
  if (!conn.ok()) return conn.status();
  try {
    const std::string latest = exec::StateStore(**conn).LatestVersionSchema(schema);
    if (latest.empty())
      return Status::Failure(fmt::format(
          "no version schema of {} yet: run `pgphase baseline <name>`, or apply a migration "
          "with version schemas on",
          schema));
    return latest;
  } catch (const std::exception& e) {
    return exec::FromException(e, "reading the version schemas of " + schema);
  }
}

}  // namespace pgphase
