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

// DROP TABLE at contract would fail on a foreign key from another table, or a view or rule
// over it: say so now.
Status CheckNotReferenced(const DropTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.schema();
  if (const TableInfo* t = b.catalog().FindTable(schema, op.name)) {
    for (const ColumnInfo& c : t->columns) {
      std::string deps = DependentsOfKind(c, {"view ", "materialized view ", "rule "});
      if (deps.empty()) continue;
      return Invalid(
          where, kKind,
          fmt::format("{} depend{} on table {} (column {}), so DROP TABLE at contract "
                      "would fail: drop {} first",
                      deps, deps.find(", ") == std::string::npos ? "s" : "", QuoteIdent(op.name),
                      QuoteIdent(c.name), deps.find(", ") == std::string::npos ? "it" : "them"));
    }
  }
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
  if (b.Renames(*t)) {
    return Invalid(where, kKind,
                   fmt::format("table {} is renamed earlier in this migration; drop it as {}, "
                               "without renaming it",
                               QuoteIdent(op.name), QuoteIdent(t->name)));
  }
  PGPHASE_RETURN_IF_ERROR(CheckNotReferenced(op, where, b));
  b.TouchTable(*t);
  b.MarkChanged(schema, t->name);
  b.HideInVersion(t->name);
  b.Note(
      fmt::format("drop_table {}: the table stays in place, untouched, until contract, so the old "
                  "application keeps working; contract drops it",
                  op.name));
  b.Add(Phase::kContract, "contract.drop_table." + op.name, "drop table " + op.name,
        ddl::DropTable({schema, t->name}));
  return Status::Ok();
}

}  // namespace pgphase
