// Human renderings of a plan for `pgphase plan`: what runs, in which phase, under
// which lock and timeout, and how each step is undone. Deterministic like the plan itself.
#include <fmt/format.h>

#include "pgphase/ddl.h"
#include "pgphase/plan.h"

namespace pgphase {
namespace {

std::string KeyList(const BackfillJob& job) {
  std::string out;
  for (const auto& k : job.key) out += (out.empty() ? "" : ", ") + k.name;
  return out;
}

// How the batches walk the table, for the lock line.
std::string BatchOrder(const BackfillJob& job) {
  if (job.ByCtid())
    return "one range of pages at a time, ctid order (no primary key or unique NOT NULL key)";
  return "one batch of rows at a time, keyset order (" + KeyList(job) + ")";
}

std::string BatchParams(const BackfillJob& job) {
  if (job.ByCtid())
    return "$1 = the table, $2 = its file node at the start, $3, $4 = first and end page as tid";
  return "$1.. = last key done (" + KeyList(job) + "), then batch size";
}

// Text that goes after "--" must stay on that line: an identifier with a newline in it
// must never turn the rest of its name into SQL in a rendered script.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

// Which timeout cuts the statement short, for its lock line: a reviewer sees which steps a
// short statement_timeout could fail, and which scans only scan_timeout bounds.
std::string TimeoutNote(TimeoutKind kind) {
  const std::string note = std::string(TimeoutName(kind)) + " applies";
  if (kind == TimeoutKind::kStatement) return note;
  return note + "; no " + std::string(TimeoutName(TimeoutKind::kStatement));
}

std::string PhaseHeading(const PhasePlan& p) {
  std::string h = std::string(PhaseName(p.phase));
  if (p.phase == Phase::kContract) h += " (irreversible: runs only with --through contract)";
  if (p.steps.empty()) h += " (nothing to do)";
  return h;
}

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

// What a conversion check verifies (it runs no SQL of the plan's own).
std::string ConversionCheckLine(const ConversionCheck& c) {
  std::string cols;
  for (const auto& a : c.columns) cols += (cols.empty() ? "" : ", ") + a.column;
  return fmt::format(
      "pgphase re-evaluates the rows of {}.{} the sync trigger recorded as not convertible ({}) "
      "and refuses (exit 2) while any still fails",
      c.schema, c.table, cols);
}

std::string PrecheckLine(const Precheck& p) {
  return fmt::format(
      "before expand, pgphase evaluates {} for {} over the existing rows of {}.{}{} (read-only) "
      "and "
      "refuses (exit 2, naming them) any it cannot convert{}",
      p.expr, p.column, p.schema, p.table, p.only_where.empty() ? "" : " WHERE " + p.only_where,
      p.not_null ? " or that it makes NULL" : "");
}

}  // namespace

std::string RenderPlanText(const Plan& plan) {
  std::string out = fmt::format("migration {}\n", plan.migration);
  std::string tables;
  for (const auto& t : plan.tables) tables += (tables.empty() ? "" : ", ") + t;
  out += fmt::format("tables: {}\n", tables.empty() ? "(none)" : tables);
  for (const auto& n : plan.notes) out += "note: " + n + "\n";
  for (const auto& c : plan.prechecks) out += "precheck: " + OneLine(PrecheckLine(c)) + "\n";
  for (const auto& p : plan.phases) {
    out += fmt::format("\n== {}\n", PhaseHeading(p));
    for (const auto& s : p.steps) {
      out += fmt::format("  - {}: {}\n", OneLine(s.id), OneLine(s.summary));
      if (s.statement) {
        out += fmt::format("    lock: {} ({}){}\n", LockName(s.statement->lock),
                           TimeoutNote(TimeoutFor(*s.statement)),
                           s.statement->transactional ? "" : ", outside a transaction");
        out += Indent(s.statement->sql, "      ") + "\n";
      }
      if (s.backfill) {
        const Statement batch = BatchSql(*s.backfill, /*first_batch=*/false);
        out += fmt::format("    lock: {} ({}), {}, about {} rows\n", LockName(batch.lock),
                           TimeoutNote(kBackfillBatchTimeout), BatchOrder(*s.backfill),
                           s.backfill->estimated_rows);
        out += Indent(batch.sql, "      ") + "\n";
      }
      if (s.conversion_check)
        out += "    " + OneLine(ConversionCheckLine(*s.conversion_check)) + "\n";
      for (const auto& r : s.reverse) out += Indent("reverse: " + r.sql, "    ") + "\n";
    }
  }
  return out;
}

std::string RenderPlanSql(const Plan& plan) {
  std::string out = fmt::format("-- pgphase plan for migration {}\n", plan.migration);
  for (const auto& n : plan.notes) out += "-- note: " + OneLine(n) + "\n";
  for (const auto& c : plan.prechecks) out += "-- precheck: " + OneLine(PrecheckLine(c)) + "\n";
  for (const auto& p : plan.phases) {
    out += fmt::format("\n-- phase {}\n", PhaseHeading(p));
    for (const auto& s : p.steps) {
      out += fmt::format("\n-- step {}: {}\n", OneLine(s.id), OneLine(s.summary));
      if (s.statement) {
        out += fmt::format("-- lock: {} ({}){}\n", LockName(s.statement->lock),
                           TimeoutNote(TimeoutFor(*s.statement)),
                           s.statement->transactional ? "" : " (outside a transaction)");
        out += s.statement->sql + ";\n";
      }
      if (s.backfill) {
        out += "-- repeated per batch: " + BatchParams(*s.backfill) + "\n";
        out += BatchSql(*s.backfill, /*first_batch=*/false).sql + ";\n";
      }
      if (s.conversion_check)
        out += "-- " + OneLine(ConversionCheckLine(*s.conversion_check)) + "\n";
    }
  }
  return out;
}

}  // namespace pgphase
