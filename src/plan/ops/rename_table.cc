// rename_table: both names work from expand until contract.
//
// A table that exists (PlanBuilder::RenameTable does the per-table work):
//   expand    after the other expand steps: CREATE VIEW "to" AS SELECT * FROM "from"
//             (automatically updatable: the new app reads and writes the table through it)
//   swap      in the table's swap transaction: the view re-created over the columns the
//             table has from then on (the new app's), so that contract can drop the others
//   contract  last: drop the view, rename the table
// The table keeps its old name until then, so every other step of the migration (those of
// operations that name it by either name) targets it by that name; so do foreign keys that
// reference it by its new name (merge.cc rewrites them).
//
// A table created earlier in the same migration: nobody uses it yet, so expand renames it.
#include <fmt/format.h>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "rename_table";

// A table created by this migration: renamed at once, in expand.
void RenameNewTable(const RenameTableOp& op, TableInfo& t, PlanBuilder& b) {
  const std::string& schema = b.schema();
  b.Add(Phase::kExpand, "expand.rename_table." + op.from,
        fmt::format("rename table {} to {} (created by this migration: nobody uses it yet)",
                    op.from, op.to),
        ddl::RenameTable({schema, op.from}, op.to), {ddl::RenameTable({schema, op.to}, op.from)});
  for (auto& r : b.working_catalog().relation_names)
    if (r == schema + "." + op.from) r = schema + "." + op.to;
  t.name = op.to;
}

}  // namespace

Status PlanOperation(const RenameTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.schema();
  TableInfo* t = b.MutableTable(op.from);
  if (t == nullptr) return MissingTable(where, kKind, "", schema, op.from);
  if (b.catalog().FindTable(schema, op.to) != nullptr || b.catalog().HasRelation(schema, op.to))
    return Invalid(where, kKind,
                   "cannot rename to " + QuoteQualified(schema, op.to) +
                       ": a table, view, index or sequence of that name already exists");
  b.TouchTable(*t);
  if (b.original_catalog().FindTable(schema, t->name) == nullptr) {
    RenameNewTable(op, *t, b);
    return Status::Ok();
  }
  if (b.Renames(*t)) {
    return Invalid(where, kKind,
                   fmt::format("table {} is renamed earlier in this migration; rename it once, "
                               "from {} to {}",
                               QuoteIdent(op.from), QuoteIdent(t->name), QuoteIdent(op.to)));
  }
  b.MarkChanged(schema, op.from);
  b.RenameTable(*t, op.to);
  b.working_catalog().relation_names.push_back(schema + "." + op.to);
  b.working_catalog().renamed_tables.push_back({schema, op.from, op.to});
  return Status::Ok();
}

}  // namespace pgphase
