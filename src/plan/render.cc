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

namespace {

std::string Quantity(Millis d) { return "'" + std::to_string(d.count()) + "ms'"; }

// The SET statements apply runs before a statement (exec ApplyTimeouts): lock_timeout, and
// statement_timeout set to the limit TimeoutFor picks (scan_timeout is statement_timeout for a
// statement that lets the application go on).
std::string SetTimeouts(const ScriptOptions& o, TimeoutKind kind, bool local) {
  const std::string scope = local ? "SET LOCAL " : "SET ";
  const Millis run = kind == TimeoutKind::kStatement ? o.statement_timeout : o.scan_timeout;
  return scope + "lock_timeout = " + Quantity(o.lock_timeout) + ";\n" + scope +
         "statement_timeout = " + Quantity(run) + ";\n";
}

// Where a statement runs, for its hazards (StepHazards) and its row estimate.
struct Context {
  const Plan& plan;
  Phase phase;
  bool reverse;
};

std::string HazardList(const Statement& s, const Context& at) {
  std::string out;
  for (Hazard h : StepHazards(s, at.phase, at.reverse))
    out += (out.empty() ? "" : ", ") + std::string(HazardName(h));
  return out.empty() ? "none" : out;
}

// The rows a statement reads or writes: the estimate of its table (a backfill's from its
// job, `rows`), or none for a statement that reads no rows.
std::string RowsNote(const Statement& s, const Context& at, std::optional<int64_t> rows) {
  if (!rows && !s.table.empty()) {
    const auto it = at.plan.table_rows.find(s.table);
    rows = it == at.plan.table_rows.end() ? 0 : it->second;
  }
  return rows ? fmt::format("about {}", *rows) : "none read";
}

// What the step's statement does, from the statement value: its lock and the timeout that
// bounds it, whether it reads or rewrites the table, the rows it reads, and its hazards.
std::string Annotation(const Statement& s, const Context& at,
                       std::optional<int64_t> rows = std::nullopt) {
  return fmt::format("-- lock: {} ({}){}; scans: {}; rewrites: {}; rows: {}; hazards: {}\n",
                     LockName(s.lock), TimeoutNote(TimeoutFor(s)),
                     s.transactional ? "" : "; outside a transaction", s.scans ? "yes" : "no",
                     s.rewrites ? "yes" : "no", RowsNote(s, at, rows), HazardList(s, at));
}

// One statement as apply runs it: in a transaction of its own under SET LOCAL timeouts, or
// (CONCURRENTLY) alone under session timeouts that are reset afterwards, after its cleanup.
std::string ScriptStatement(const Statement& s, const std::vector<Statement>& cleanup,
                            const ScriptOptions& o) {
  const TimeoutKind kind = TimeoutFor(s);
  if (s.transactional) return "BEGIN;\n" + SetTimeouts(o, kind, true) + s.sql + ";\nCOMMIT;\n";
  std::string out = SetTimeouts(o, kind, false);
  for (const auto& c : cleanup) out += c.sql + ";\n";
  return out + s.sql + ";\nRESET lock_timeout;\nRESET statement_timeout;\n";
}

// The first batch's arguments: no lower key and o.batch_size rows, or every page of the table.
std::string FirstBatchArguments(const BackfillJob& job, const ScriptOptions& o) {
  if (!job.ByCtid()) return std::to_string(o.batch_size);
  const std::string t = QuoteLiteral(ddl::Rel{job.schema, job.table}.Quoted());
  return fmt::format(
      "{0}, pg_catalog.pg_relation_filenode({0}::regclass), '(0,0)', pg_catalog.format('(%s,0)', "
      "pg_catalog.pg_relation_size({0}::regclass) / pg_catalog.current_setting('block_size')::"
      "bigint + 1)",
      t);
}

// A backfill as its batch statement: apply repeats it, each batch in its own transaction; the
// script runs the first one, prepared with the text apply sends.
std::string ScriptBackfill(const BackfillJob& job, const ScriptOptions& o, const Context& at) {
  const Statement first = BatchSql(job, /*first_batch=*/true);
  std::string out = Annotation(first, at, job.estimated_rows);
  out += fmt::format(
      "-- apply repeats this batch, each in a transaction of its own, {}, with {}, sizing the "
      "batches to target_batch_time and checkpointing after each, until a batch returns 0 "
      "rows: the batches after the first run\n--   {}\n-- here, the first batch",
      BatchOrder(job), BatchParams(job), OneLine(BatchSql(job, /*first_batch=*/false).sql));
  out += job.ByCtid() ? " (every page):\n" : fmt::format(" ({} rows):\n", o.batch_size);
  out += "BEGIN;\n" + SetTimeouts(o, kBackfillBatchTimeout, true);
  for (const std::string& set : ddl::BatchSettings()) out += set + ";\n";
  out += "PREPARE pgphase_batch AS " + first.sql + ";\n";
  out += "EXECUTE pgphase_batch(" + FirstBatchArguments(job, o) + ");\n";
  return out + "DEALLOCATE pgphase_batch;\nCOMMIT;\n";
}

std::string ScriptStep(const Step& s, const ScriptOptions& o, const Context& at) {
  std::string out = fmt::format("\n-- step {}: {}\n", OneLine(s.id), OneLine(s.summary));
  if (s.statement)
    out += Annotation(*s.statement, at) + ScriptStatement(*s.statement, s.cleanup, o);
  if (s.backfill) out += ScriptBackfill(*s.backfill, o, at);
  if (s.conversion_check)
    out += "-- (no SQL here) " + OneLine(ConversionCheckLine(*s.conversion_check)) + "\n";
  return out;
}

std::string ScriptReverseStep(const Step& s, const ScriptOptions& o, const Context& at) {
  if (s.reverse.empty()) return "";
  std::string out = fmt::format("\n-- undo step {}: {}\n", OneLine(s.id), OneLine(s.summary));
  for (const auto& r : s.reverse) out += Annotation(r, at) + ScriptStatement(r, {}, o);
  return out;
}

std::string ScriptPreamble(const Plan& plan, const ScriptOptions& o) {
  std::string out = fmt::format(
      "-- pgphase {}plan for migration {}: the statements apply runs, for psql -v "
      "ON_ERROR_STOP=1\n-- lock_timeout {}, statement_timeout {}, scan_timeout {} (0ms: no "
      "limit); apply also retries a lock timeout and records each step in schema pgphase\n",
      o.reverse ? "reverse " : "", plan.migration, FormatDuration(o.lock_timeout),
      FormatDuration(o.statement_timeout), FormatDuration(o.scan_timeout));
  for (const auto& n : plan.notes) out += "-- note: " + OneLine(n) + "\n";
  if (!o.reverse)
    for (const auto& c : plan.prechecks) out += "-- precheck: " + OneLine(PrecheckLine(c)) + "\n";
  // The sync functions live in pgphase's schema, which apply creates with its state.
  return out +
         ScriptStatement(Statement{"CREATE SCHEMA IF NOT EXISTS \"pgphase\"", Lock::kNone}, {}, o);
}

}  // namespace

std::string RenderPlanSql(const Plan& plan, const ScriptOptions& options) {
  std::string out = ScriptPreamble(plan, options);
  if (options.reverse) {
    out += "\n-- phase contract cannot be reversed; the others, last first\n";
    for (auto p = plan.phases.rbegin(); p != plan.phases.rend(); ++p) {
      if (p->phase == Phase::kContract) continue;
      out += fmt::format("\n-- reverse phase {}\n", PhaseName(p->phase));
      for (auto s = p->steps.rbegin(); s != p->steps.rend(); ++s)
        out += ScriptReverseStep(*s, options, {plan, p->phase, true});
    }
    return out;
  }
  for (const auto& p : plan.phases) {
    out += fmt::format("\n-- phase {}\n", PhaseHeading(p));
    for (const auto& s : p.steps) out += ScriptStep(s, options, {plan, p.phase, false});
  }
  return out;
}

}  // namespace pgphase
