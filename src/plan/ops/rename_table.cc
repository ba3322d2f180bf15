// rename_table: both names work from expand until contract.
//
//   expand    CREATE VIEW "to" over "from" (automatically updatable: the new app reads and
//             writes the table through it)
//   swap      one transaction: drop that view, rename the table, a view keeps the old name
//   contract  drop the old-name view
#include <fmt/format.h>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {

Status PlanOperation(const RenameTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  constexpr std::string_view kKind = "rename_table";
  const std::string& schema = b.schema();
  const TableInfo* t = b.catalog().FindTable(schema, op.from);
  if (t == nullptr) return MissingTable(where, kKind, "", schema, op.from);
  if (b.catalog().FindTable(schema, op.to) != nullptr || b.catalog().HasRelation(schema, op.to))
    return Invalid(where, kKind,
                   "cannot rename to " + QuoteQualified(schema, op.to) +
                       ": a table, view, index or sequence of that name already exists");
  const ddl::Rel from{schema, op.from}, to{schema, op.to};
  const std::string base = "rename_table." + op.from;
  b.TouchTable(*t);
  b.MarkChanged(schema, op.from);
  b.Add(Phase::kExpand, "expand." + base + ".view",
        fmt::format("view {} over table {}, so the new name reads and writes the table", op.to,
                    op.from),
        ddl::CreatePassThroughView(to, from), {ddl::DropView(to)});
  b.Add(Phase::kSwap, "swap." + base,
        fmt::format("rename table {} to {}; a view keeps the old name working", op.from, op.to),
        ddl::Transaction({ddl::DropView(to), ddl::RenameTable(from, op.to),
                          ddl::CreatePassThroughView(from, to)}),
        {ddl::Transaction({ddl::DropView(from), ddl::RenameTable(to, op.from),
                           ddl::CreatePassThroughView(to, from)})});
  b.Add(Phase::kContract, "contract." + base + ".view",
        fmt::format("drop the view {} that kept the old name working", op.from),
        ddl::DropView(from));

  TableInfo renamed = *t;
  renamed.name = op.to;
  b.working_catalog().relation_names.push_back(schema + "." + op.to);
  b.working_catalog().tables.push_back(std::move(renamed));
  b.TouchTable(b.working_catalog().tables.back());
  return Status::Ok();
}

}  // namespace pgphase
