// Reading a CatalogSnapshot from a live server (the catalog module, libpqxx inside).
#pragma once

#include <string>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/status.h"

namespace pqxx {
class connection_base;
}

namespace pgphase {

// Reads every table of `schemas` (read-only; runs in its own read-only transaction).
// Errors: ExitCode::kFailure with the SQLSTATE when the catalog cannot be read.
Result<CatalogSnapshot> ReadCatalog(pqxx::connection_base& conn,
                                    const std::vector<std::string>& schemas);

}  // namespace pgphase
