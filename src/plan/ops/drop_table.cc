// drop_table: the old application keeps using the table until contract.
//
//   contract  DROP TABLE (refused at plan time when another table's foreign key references it)
#include <fmt/format.h>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "drop_table";

// DROP TABLE at contract would fail on a foreign key from another table: say so now.
Status CheckNotReferenced(const DropTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.schema();
  for (const TableInfo& other : b.catalog().tables) {
    if (other.schema == schema && other.name == op.name) continue;
    for (const ConstraintInfo& c : other.constraints) {
      if (c.type != 'f' || c.ref_schema != schema || c.ref_table != op.name) continue;
      return Invalid(where, kKind,
                     fmt::format("table {} is referenced by foreign key {} of table {}: drop that "
                                 "constraint first",
                                 QuoteIdent(op.name), QuoteIdent(c.name), QuoteIdent(other.name)));
    }
  }
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const DropTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.schema();
  const TableInfo* t = b.catalog().FindTable(schema, op.name);
  if (t == nullptr) return MissingTable(where, kKind, "", schema, op.name);
  PGPHASE_RETURN_IF_ERROR(CheckNotReferenced(op, where, b));
  b.TouchTable(*t);
  b.MarkChanged(schema, op.name);
  b.HideInVersion(op.name);
  b.Note(
      fmt::format("drop_table {}: the table stays in place, untouched, until contract, so the old "
                  "application keeps working; contract drops it",
                  op.name));
  b.Add(Phase::kContract, "contract.drop_table." + op.name, "drop table " + op.name,
        ddl::DropTable({schema, op.name}));
  return Status::Ok();
}

}  // namespace pgphase
