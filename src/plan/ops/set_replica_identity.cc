// set_replica_identity: metadata only.
//
//   expand    ALTER TABLE ... REPLICA IDENTITY ...; reverse restores the previous one (read
//             from the catalog)
#include <fmt/format.h>

#include <cctype>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "set_replica_identity";

std::string IdentityType(char relreplident) {
  switch (relreplident) {
    case 'n':
      return "NOTHING";
    case 'f':
      return "FULL";
    case 'i':
      return "INDEX";
    default:
      return "DEFAULT";
  }
}

// An index can be the replica identity when it is unique, valid, not partial, and over NOT
// NULL columns only.
Status CheckIdentityIndex(const SetReplicaIdentityOp& op, const TableInfo& t,
                          const SourceLocation& where) {
  const IndexInfo* i = t.FindIndex(op.index);
  if (i == nullptr)
    return Invalid(where, kKind,
                   fmt::format("index {} does not exist on table {}", QuoteIdent(op.index),
                               QuoteIdent(op.table)));
  if (!i->unique || i->partial || !i->valid)
    return Invalid(where, kKind,
                   fmt::format("index {} cannot be a replica identity: it must be unique, "
                               "valid and not partial",
                               QuoteIdent(op.index)));
  for (const auto& c : i->columns) {
    const ColumnInfo* ci = t.FindColumn(c);
    if (ci == nullptr || !ci->not_null)
      return Invalid(where, kKind,
                     fmt::format("index {} cannot be a replica identity: column {} is nullable "
                                 "or an expression",
                                 QuoteIdent(op.index), QuoteIdent(c)));
  }
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const SetReplicaIdentityOp& op, const SourceLocation& where, PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  if (t == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  if (op.type == "INDEX") PGPHASE_RETURN_IF_ERROR(CheckIdentityIndex(op, *t, where));
  std::string previous = IdentityType(t->replica_identity);
  std::string previous_index = t->replica_identity_index;
  if (previous == "INDEX" && previous_index.empty()) previous = "DEFAULT";
  const ddl::Rel table{t->schema, t->name};
  b.TouchTable(*t);
  b.Add(Phase::kExpand, "expand.set_replica_identity." + op.table,
        fmt::format("replica identity of {}: {}{} (was {}{})", op.table, op.type,
                    op.index.empty() ? "" : " " + op.index, previous,
                    previous_index.empty() || previous != "INDEX" ? "" : " " + previous_index),
        ddl::SetReplicaIdentity(table, op.type, op.index),
        {ddl::SetReplicaIdentity(table, previous, previous_index)});
  t->replica_identity = op.type == "INDEX" ? 'i' : static_cast<char>(std::tolower(op.type[0]));
  t->replica_identity_index = op.index;
  return Status::Ok();
}

}  // namespace pgphase
