#include "exec/plan_options.h"

#include "exec/db.h"
#include "exec/state.h"
#include "pgphase/ddl.h"

namespace pgphase::exec {
namespace {

// pg_proc.provolatile, as FunctionVolatilityQuery returns it. Anything else (a later
// PostgreSQL's new kind) counts as volatile: the copy is then not verified, which is safe.
Volatility FromProvolatile(const std::string& v) {
  if (v == "i") return Volatility::kImmutable;
  if (v == "s") return Volatility::kStable;
  return Volatility::kVolatile;
}

// Runs each probe read-only: the ones the server refuses are the checks the new type cannot
// take.
Status ReadUnusableChecks(pqxx::connection& conn, const ChangeSpec& spec,
                          const CatalogSnapshot& catalog, PlanOptions& options) {
  for (const CheckProbe& probe : CarriedCheckProbes(spec, catalog)) {
    try {
      pqxx::read_transaction tx(conn);
      tx.exec(probe.sql);
    } catch (const pqxx::sql_error& e) {
      options.unusable_checks[probe.key] = ServerMessage(e.what());
    } catch (const std::exception& e) {
      return FromException(e, "checking the check constraints " + spec.file + " carries over");
    }
  }
  return Status::Ok();
}

// Runs each probe read-only: the keys of those that answer true go to `carried` (what the
// new type can keep: defaults, foreign keys).
Status ReadCarried(pqxx::connection& conn, const std::vector<CheckProbe>& probes,
                   const std::string& what, std::set<std::string>& carried) {
  for (const CheckProbe& probe : probes) {
    try {
      pqxx::read_transaction tx(conn);
      const pqxx::result r = tx.exec(probe.sql);
      if (!r.empty() && r[0][0].as<bool>(false)) carried.insert(probe.key);
    } catch (const std::exception& e) {
      return FromException(e, "checking the " + what + " carries over");
    }
  }
  return Status::Ok();
}

Status ReadVolatilities(pqxx::connection& conn, const ChangeSpec& spec, PlanOptions& options) {
  const std::vector<FunctionName> functions = CalledFunctions(spec);
  if (functions.empty()) return Status::Ok();
  std::vector<std::string> schemas, names;
  for (const FunctionName& f : functions) {
    schemas.push_back(f.schema);
    names.push_back(f.name);
  }
  try {
    pqxx::read_transaction tx(conn);
    auto r = tx.exec_params(ddl::FunctionVolatilityQuery(), TextArrayLiteral(schemas),
                            TextArrayLiteral(names));
    for (const auto& row : r)
      options.function_volatility[{row[0].c_str(), row[1].c_str()}] =
          FromProvolatile(row[2].c_str());
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromException(e, "reading the volatility of the functions " + spec.file + " calls");
  }
}

}  // namespace

Result<PlanOptions> ReadPlanOptions(pqxx::connection& conn, const ChangeSpec& spec,
                                    const CatalogSnapshot& catalog) {
  PlanOptions options;
  SetVersionOptions(spec.settings, options);
  if (options.version_schemas) {
    try {
      options.previous_version_schema = StateStore(conn).LatestVersionSchema(spec.settings.schema);
    } catch (const std::exception& e) {
      return FromException(e, "reading the version schemas of " + spec.settings.schema);
    }
  }
  PGPHASE_RETURN_IF_ERROR(ReadVolatilities(conn, spec, options));
  PGPHASE_RETURN_IF_ERROR(ReadUnusableChecks(conn, spec, catalog, options));
  PGPHASE_RETURN_IF_ERROR(ReadCarried(conn, CarriedDefaultProbes(spec, catalog),
                                      "defaults " + spec.file, options.carried_defaults));
  PGPHASE_RETURN_IF_ERROR(ReadCarried(conn, CarriedForeignKeyProbes(spec, catalog),
                                      "foreign keys " + spec.file, options.carried_foreign_keys));
  return options;
}

}  // namespace pgphase::exec
