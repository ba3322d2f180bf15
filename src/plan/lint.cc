// The lint of a migration's own SQL, placed in its file: `pgphase lint` lists the findings,
// and the planner refuses an error-level one the operation does not accept.
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/plan.h"

namespace pgphase {
namespace {

// Line `n` (1-based) of `text`, without its newline; "" past the end.
std::string_view Line(std::string_view text, int n) {
  size_t at = 0;
  for (int i = 1; i < n && at != std::string_view::npos; ++i) {
    at = text.find('\n', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos || at >= text.size()) return "";
  return text.substr(at, text.find('\n', at) - at);
}

// Where `offset` of the expression's text is in the file. A plain scalar starts at the
// value's mark; a block scalar (`|`, `>`) on the lines after it, indented as its first line.
SourceLocation LocationIn(const SqlExpr& e, int offset, std::string_view file_text) {
  const auto [line, column] = LineColumnAt(e.text, offset);
  SourceLocation at = e.where;
  const std::string_view mark = Line(file_text, e.where.line);
  const bool block = e.where.column >= 1 && static_cast<size_t>(e.where.column) <= mark.size() &&
                     (mark[e.where.column - 1] == '|' || mark[e.where.column - 1] == '>');
  if (block) {
    const std::string_view first = Line(file_text, e.where.line + 1);
    at.line += line;
    at.column = static_cast<int>(first.find_first_not_of(' ')) + column;
  } else if (line == 1) {
    at.column += column - 1;
  } else {
    at.line += line - 1;
    at.column = column;
  }
  return at;
}

void LintField(const SqlExpr& e, const std::string& field, const SqlOp& op,
               std::string_view file_text, std::vector<SqlLintFinding>& out) {
  for (LintFinding& f : LintSql(e.text)) {
    const bool accepted =
        std::find(op.unsafe_ok.begin(), op.unsafe_ok.end(), f.rule) != op.unsafe_ok.end();
    out.push_back({LocationIn(e, f.offset, file_text), field, std::move(f), accepted});
  }
}

// A "syntax" finding for `e` when it does not parse as one expression (AnalyzeExpression).
void LintExpression(const SqlExpr& e, const std::string& field, std::vector<SqlLintFinding>& out) {
  const Result<ExprAnalysis> parsed = AnalyzeExpression(e.text);
  if (parsed.ok()) return;
  LintFinding f{"syntax", Severity::kError, 0,
                "the expression does not parse: " + parsed.status().message(), "fix the SQL"};
  out.push_back({e.where, field, std::move(f), false});
}

void LintColumn(const ColumnSpec& c, const std::string& prefix, std::vector<SqlLintFinding>& out) {
  if (c.default_value) LintExpression(*c.default_value, prefix + ".default", out);
  if (c.check) LintExpression(c.check->constraint, prefix + ".check.constraint", out);
  if (c.generated && c.generated->expression)
    LintExpression(*c.generated->expression, prefix + ".generated.expression", out);
}

void LintColumnExprs(const std::vector<ColumnExpr>& exprs, const std::string& field,
                     std::vector<SqlLintFinding>& out) {
  for (const ColumnExpr& e : exprs)
    LintExpression(e.expr, field + (e.column.empty() ? "" : "." + e.column), out);
}

// The expressions of every operation but `sql` (whose statements LintSqlOperation checks).
void LintExpressions(const OperationEntry& entry, std::vector<SqlLintFinding>& out) {
  const std::string& k = entry.kind;
  auto opt = [&](const std::optional<SqlExpr>& e, const std::string& field) {
    if (e) LintExpression(*e, k + "." + field, out);
  };
  if (const auto* op = std::get_if<AddColumnOp>(&entry.op)) {
    opt(op->up, "up");
    LintColumn(op->column, k + ".column", out);
  } else if (const auto* op = std::get_if<CreateTableOp>(&entry.op)) {
    for (const ColumnSpec& c : op->columns) LintColumn(c, k + ".columns." + c.name, out);
    for (const ConstraintSpec& c : op->constraints)
      opt(c.check, "constraints." + c.name + ".check");
  } else if (const auto* op = std::get_if<AlterColumnOp>(&entry.op)) {
    opt(op->default_value, "default");
    if (op->check) LintExpression(op->check->constraint, k + ".check.constraint", out);
    opt(op->up, "up");
    opt(op->down, "down");
  } else if (const auto* op = std::get_if<DropColumnOp>(&entry.op)) {
    opt(op->down, "down");
  } else if (const auto* op = std::get_if<CreateIndexOp>(&entry.op)) {
    opt(op->predicate, "predicate");
  } else if (const auto* op = std::get_if<CreateConstraintOp>(&entry.op)) {
    opt(op->constraint.check, "check");
    LintColumnExprs(op->up, k + ".up", out);
    LintColumnExprs(op->down, k + ".down", out);
  } else if (const auto* op = std::get_if<DropConstraintOp>(&entry.op)) {
    LintColumnExprs(op->up, k + ".up", out);
    LintColumnExprs(op->down, k + ".down", out);
  } else if (const auto* op = std::get_if<DropMulticolumnConstraintOp>(&entry.op)) {
    LintColumnExprs(op->up, k + ".up", out);
    LintColumnExprs(op->down, k + ".down", out);
  }
}

}  // namespace

std::string SqlLintFinding::Refusal() const {
  if (finding.rule == "syntax") return Describe();
  return Describe() + " (or name the rule in unsafe_ok: [" + finding.rule + "])";
}

std::string SqlLintFinding::Describe() const {
  return fmt::format("{}: {} {}: {}: {}; safe: {}{}", where.ToString(),
                     SeverityName(finding.severity), finding.rule, field, finding.message,
                     finding.safe, accepted ? " (accepted: unsafe_ok)" : "");
}

Result<std::vector<SqlLintFinding>> LintSqlOperation(const SqlOp& op, std::string_view file_text) {
  for (const auto& rule : op.unsafe_ok) {
    if (!IsLintRule(rule))
      return Status::Invalid(fmt::format("{}: sql.unsafe_ok: no lint rule named \"{}\"",
                                         op.unsafe_ok_where.ToString(), rule));
  }
  std::vector<SqlLintFinding> out;
  LintField(op.up, "sql.up", op, file_text, out);
  if (op.down) LintField(*op.down, "sql.down", op, file_text, out);
  return out;
}

Result<std::vector<SqlLintFinding>> LintSpec(const ChangeSpec& spec) {
  std::vector<SqlLintFinding> out;
  for (const auto& entry : spec.operations) {
    const auto* op = std::get_if<SqlOp>(&entry.op);
    if (op == nullptr) {
      LintExpressions(entry, out);
      continue;
    }
    auto found = LintSqlOperation(*op, spec.text);
    if (!found.ok()) return found.status();
    out.insert(out.end(), found->begin(), found->end());
  }
  return out;
}

Status CheckLintBeforeConnecting(const ChangeSpec& spec) {
  auto found = LintSpec(spec);
  if (!found.ok()) return found.status();
  for (const auto& f : *found)
    if (f.Refuses()) return Status::Invalid(f.Refusal());
  return Status::Ok();
}

}  // namespace pgphase
