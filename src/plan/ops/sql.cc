// sql: the migration's own statements, which pgphase runs but cannot analyse.
//
//   expand    `up` (parsed first: statements that cannot run in a transaction are refused, but
//             a lone REINDEX CONCURRENTLY, which runs outside one,
//             and so is an error-level lint finding the operation does not name in unsafe_ok);
//             reverse runs `down`, or, without it, drops what `up` only creates
//   contract  `up` instead, with onComplete: true
#include <fmt/format.h>

#include "pgphase/ddl_table.h"
#include "plan/check.h"
#include "plan/ops.h"

namespace pgphase {
namespace {

// Prefixes a field path to a sql-module error message.
Status InvalidField(const SourceLocation& where, const std::string& field, const Status& st) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), field, st.message()));
}

// Tables the SQL names count as touched (another unfinished migration on them is a
// conflict) and as changed (the drift check cannot expect their columns unchanged).
void TouchNamedTables(const ddl::StatementsAnalysis& up, PlanBuilder& b) {
  for (const auto& [schema, name] : up.relations) {
    const std::string& s = schema.empty() ? b.schema() : schema;
    if (const TableInfo* t = b.catalog().FindTable(s, name)) {
      b.TouchTable(*t);
      b.MarkChanged(t->schema, t->name);
    }
  }
}

// The lint of the SQL (LintSqlOperation): an error-level finding the operation does not accept
// refuses the plan; an accepted one is a note of the plan (warnings are for `pgphase lint`).
Status CheckLint(const SqlOp& op, PlanBuilder& b) {
  auto found = LintSqlOperation(op, b.spec().text);
  if (!found.ok()) return found.status();
  for (const auto& f : *found) {
    if (f.Refuses()) return Status::Invalid(f.Refusal());
    if (f.accepted) b.Note("lint: " + f.Describe());
  }
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const SqlOp& op, const SourceLocation& where, PlanBuilder& b) {
  Result<ddl::StatementsAnalysis> up = ddl::CheckStatements(op.up.text);
  if (!up.ok()) return InvalidField(op.up.where, "sql.up", up.status());
  std::vector<Statement> reverse;
  if (op.down) {
    Result<ddl::StatementsAnalysis> down = ddl::CheckStatements(op.down->text);
    if (!down.ok()) return InvalidField(op.down->where, "sql.down", down.status());
    reverse.push_back(ddl::UserSql(op.down->text, down->alone));
  }
  PGPHASE_RETURN_IF_ERROR(CheckLint(op, b));
  TouchNamedTables(*up, b);
  const std::string id = fmt::format("sql.{}.{}", where.line, where.column);
  Statement statement = ddl::UserSql(op.up.text, up->alone);
  if (op.on_complete) {
    b.Add(Phase::kContract, "contract." + id, "the migration's own SQL (onComplete: at contract)",
          std::move(statement));
    b.ChangesAtContract();
    return Status::Ok();
  }
  std::string summary = "the migration's own SQL (reverse runs its `down`)";
  if (!op.down) {
    // Without `down`, reverse can still undo SQL that only creates named objects.
    if (auto drops = ddl::InferDropStatements(op.up.text)) {
      reverse.push_back(ddl::Transaction(*drops));
      summary = "the migration's own SQL (no `down`: reverse drops what it creates)";
      b.Note(fmt::format("sql at {} has no `down`: reverse drops the objects it creates",
                         where.ToString()));
    } else {
      summary = "the migration's own SQL (no `down`: reverse cannot undo it)";
      b.Note(fmt::format("sql at {} has no `down`: reversing expand cannot undo it",
                         where.ToString()));
    }
  }
  b.Add(Phase::kExpand, "expand." + id, summary, std::move(statement), std::move(reverse));
  return Status::Ok();
}

}  // namespace pgphase
