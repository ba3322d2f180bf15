// Lint of the migration's own SQL: the statements of a `sql` operation, parsed with
// libpg_query, checked against a fixed list of rules for statements that block the
// application or lose data, each with the safe alternative. Pure; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgphase {

enum class Severity { kWarning, kError };
std::string_view SeverityName(Severity severity);  // "warning", "error"

struct LintFinding {
  std::string rule;  // "create-index-not-concurrently", ...
  Severity severity = Severity::kError;
  int offset = 0;       // byte offset of the statement in the SQL text
  std::string message;  // what is unsafe
  std::string safe;     // the safe alternative
};

// The findings of every statement of `sql`, in order; none for a statement on a table that
// `sql` creates before it (CREATE TABLE x ...; CREATE INDEX ON x: nothing uses x yet). SQL that
// does not parse gives one finding, rule "syntax" (an error), at offset 0.
std::vector<LintFinding> LintSql(std::string_view sql);

// True when `rule` is one of the rules LintSql reports.
bool IsLintRule(std::string_view rule);

// Every rule's name, in the order of the fixed list.
std::vector<std::string> LintRuleNames();

// The 1-based line and column of `offset` in `text`.
std::pair<int, int> LineColumnAt(std::string_view text, int offset);

}  // namespace pgphase
