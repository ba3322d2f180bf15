#include "pgphase/ddl.h"
#include "pgphase/plan.h"

namespace pgphase {

Statement BatchSql(const BackfillJob& job, bool first_batch, bool upper_bound) {
  const ddl::Rel table{job.schema, job.table};
  if (job.ByCtid())
    return ddl::BackfillCtidBatch(table, job.assignments, job.only_where, job.verify);
  std::vector<std::string> names, types;
  for (const auto& k : job.key) {
    names.push_back(k.name);
    types.push_back(k.type);
  }
  return ddl::BackfillBatch(table, names, types, job.assignments, first_batch, job.only_where,
                            job.verify, upper_bound);
}

}  // namespace pgphase
