#include "pgphase/ddl.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {
namespace {

Statement AccessExclusive(std::string sql) { return {std::move(sql), Lock::kAccessExclusive}; }

// "NEW."a" IS DISTINCT FROM OLD."a" OR ..." for the UPDATE condition of one fill.
std::string SourcesChanged(const Fill& f) {
  std::string out;
  for (size_t i = 0; i < f.sources.size(); ++i) {
    if (i) out += " OR ";
    out += fmt::format("NEW.{0} IS DISTINCT FROM OLD.{0}", Q(f.sources[i]));
  }
  return out;
}

bool IsPair(const Fill& f) {
  return f.mode == Fill::Mode::kPairNew || f.mode == Fill::Mode::kPairOld;
}

// The kPairOld fill that `f` (kPairNew) is the other half of.
const Fill& PartnerOf(const Fill& f, const std::vector<Fill>& fills) {
  for (const auto& g : fills)
    if (g.mode == Fill::Mode::kPairOld && g.column == f.partner) return g;
  throw std::logic_error("fill of " + f.column + " has no partner " + f.partner);
}

// The condition under which an UPDATE must (re)compute f.column, or "" when never. A pair's
// fills take the kApp condition: each side is recomputed when the statement left it alone
// and changed what it is computed from.
std::string UpdateCondition(const Fill& f) {
  if (f.mode == Fill::Mode::kInsertOnly) return "";
  std::string recompute;
  if (!f.sources.empty() && f.mode == Fill::Mode::kOwned) {
    recompute = "(" + SourcesChanged(f) + ")";
  } else if (!f.sources.empty()) {
    recompute = fmt::format("(NEW.{0} IS NOT DISTINCT FROM OLD.{0} AND ({1}))", Q(f.column),
                            SourcesChanged(f));
  }
  if (!f.FillsWhenNull()) return recompute;
  std::string is_null = fmt::format("NEW.{} IS NULL", Q(f.column));
  return recompute.empty() ? is_null : is_null + " OR " + recompute;
}

// Source columns of the fills an UPDATE may recompute (for UPDATE OF).
std::vector<std::string> UpdateSources(const std::vector<Fill>& fills) {
  std::vector<std::string> out;
  for (const auto& f : fills) {
    if (UpdateCondition(f).empty()) continue;
    for (const auto& s : f.sources)
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

// "c1 = COALESCE(c1, e1), ..." and "c1 IS NULL OR ...": what a backfill batch writes, and
// which rows it writes (only those whose columns are still NULL). With `only_where`:
// "c1 = e1, ..." and that predicate.
std::pair<std::string, std::string> BackfillSetAndFilter(const std::vector<Assignment>& assignments,
                                                         const std::string& only_where) {
  std::string set, any_null;
  for (size_t i = 0; i < assignments.size(); ++i) {
    const std::string sep = i ? ", " : "";
    const std::string column = Q(assignments[i].column);
    if (!only_where.empty()) {
      set += fmt::format("{}{} = {}", sep, column, assignments[i].expr);
      continue;
    }
    set += fmt::format("{0}{1} = COALESCE({1}, {2})", sep, column, assignments[i].expr);
    any_null += (i ? " OR " : "") + column + " IS NULL";
  }
  return {set, only_where.empty() ? any_null : only_where};
}

// " RETURNING k1 AS k1, ..., NOT (filter) AS ok": what a reporting batch's UPDATE returns
// for each row it wrote, `keys` being the expressions of the row's key.
std::string ReportReturning(const std::vector<std::string>& keys, const std::string& filter) {
  std::string out = " RETURNING ";
  for (size_t i = 0; i < keys.size(); ++i) out += fmt::format("{} AS k{}, ", keys[i], i + 1);
  return out + fmt::format("NOT ({}) AS ok", filter);
}

// The report columns (ddl.h) over `done` (ReportReturning's rows) for a key of `n` columns.
std::string ReportColumns(size_t n) {
  std::string ks;
  for (size_t i = 0; i < n; ++i) ks += fmt::format("{}k{}", i ? ", " : "", i + 1);
  const std::string text = n == 1 ? "k1::text" : "ROW(" + ks + ")::text";
  std::string sorted;
  for (size_t i = 0; i < n; ++i) sorted += fmt::format("{}s.k{}", i ? ", " : "", i + 1);
  auto keys = [&](const std::string& where) {
    return fmt::format(
        "(SELECT array_agg(s.k ORDER BY {sorted}) FROM (SELECT {text} AS k, {ks} FROM done{where} "
        "ORDER BY {ks} LIMIT {limit}) s)",
        fmt::arg("sorted", sorted), fmt::arg("text", text), fmt::arg("ks", ks),
        fmt::arg("where", where), fmt::arg("limit", kReportedKeys));
  };
  return fmt::format(
      ", (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), {}, {}", keys(""),
      keys(" WHERE NOT ok"));
}

// A batch statement: it writes rows under ROW EXCLUSIVE, and the walk's batches together
// read every row of the table.
Statement BatchStatement(std::string sql) {
  Statement s{std::move(sql), Lock::kRowExclusive};
  s.scans = true;
  return s;
}

// True when max() over a key column of `type` (as format_type prints it) returns the last
// value in the order of the column's btree index: the built-in integer, numeric, text and
// date/time types. Others (uuid has no max(), for one) take the sort.
bool MaxFollowsIndexOrder(std::string type) {
  if (const auto paren = type.find('('); paren != std::string::npos) {
    // "numeric(10,2)", "character varying(20)", "timestamp(3) with time zone"
    const auto close = type.find(')', paren);
    type.erase(paren, close == std::string::npos ? std::string::npos : close - paren + 1);
  }
  static const char* const kTypes[] = {"smallint",
                                       "integer",
                                       "bigint",
                                       "numeric",
                                       "text",
                                       "character varying",
                                       "date",
                                       "timestamp without time zone",
                                       "timestamp with time zone"};
  return std::any_of(std::begin(kTypes), std::end(kTypes),
                     [&](const char* k) { return type == k; });
}

// The table's size in pages and its file node; $1 is the table.
constexpr const char* kCtidScanStartColumns =
    "pg_catalog.pg_relation_size($1::regclass) / "
    "pg_catalog.current_setting('block_size')::bigint, "
    "pg_catalog.pg_relation_filenode($1::regclass)";

// Variable name -> column, de-duplicated by variable, in order of first appearance.
std::vector<std::pair<std::string, std::string>> Bindings(const std::vector<Fill>& fills) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : fills) {
    for (size_t i = 0; i < f.sources.size(); ++i) {
      const std::string& var = f.source_vars.empty() ? f.sources[i] : f.source_vars[i];
      const bool seen =
          std::any_of(out.begin(), out.end(), [&](const auto& b) { return b.first == var; });
      if (!seen) out.emplace_back(var, f.sources[i]);
    }
  }
  return out;
}

}  // namespace

std::string Rel::Quoted() const { return QuoteQualified(schema, name); }

Statement AddColumn(const Rel& t, const ColumnDef& def) {
  Statement s = AccessExclusive(AlterTable(t, "ADD COLUMN IF NOT EXISTS " + ColumnCoreClause(def)));
  s.rewrites = def.generated_expr.has_value() || !def.identity.empty();
  if (s.rewrites) s.table = t.Key();
  return s;
}

Statement DropColumn(const Rel& t, const std::string& column) {
  Statement s = AccessExclusive(AlterTable(t, "DROP COLUMN IF EXISTS " + Q(column)));
  s.deletes_data = true;
  return s;
}

Statement SetDefault(const Rel& t, const std::string& column, const std::string& expr) {
  return AccessExclusive(
      AlterTable(t, fmt::format("ALTER COLUMN {} SET DEFAULT {}", Q(column), expr)));
}

Statement CreateSequence(const Rel& seq, const std::string& type) {
  return {fmt::format("CREATE SEQUENCE {} AS {}", seq.Quoted(), type), Lock::kNone};
}

Statement DropSequence(const Rel& seq) {
  return {fmt::format("DROP SEQUENCE IF EXISTS {}", seq.Quoted()), Lock::kNone};
}

Statement SequenceOwnedBy(const Rel& seq, const Rel& t, const std::string& column) {
  // Records a dependency: the table is only read (ACCESS SHARE).
  return {fmt::format("ALTER SEQUENCE {} OWNED BY {}", seq.Quoted(),
                      column.empty() ? "NONE" : t.Quoted() + "." + Q(column)),
          Lock::kAccessShare};
}

Statement DropDefault(const Rel& t, const std::string& column) {
  return AccessExclusive(AlterTable(t, fmt::format("ALTER COLUMN {} DROP DEFAULT", Q(column))));
}

Statement SetNotNull(const Rel& t, const std::string& column, bool proven) {
  Statement s =
      AccessExclusive(AlterTable(t, fmt::format("ALTER COLUMN {} SET NOT NULL", Q(column))));
  s.scans = !proven;
  if (s.scans) s.table = t.Key();
  return s;
}

Statement DropNotNull(const Rel& t, const std::string& column) {
  return AccessExclusive(AlterTable(t, fmt::format("ALTER COLUMN {} DROP NOT NULL", Q(column))));
}

Statement CommentOnColumn(const Rel& t, const std::string& column,
                          const std::optional<std::string>& text) {
  return {fmt::format("COMMENT ON COLUMN {}.{} IS {}", t.Quoted(), Q(column),
                      text ? QuoteLiteral(*text) : "NULL"),
          Lock::kShareUpdateExclusive};
}

Statement AddCheckNotValid(const Rel& t, const std::string& name, const std::string& expr,
                           bool no_inherit) {
  return AccessExclusive(
      AlterTable(t, fmt::format("ADD CONSTRAINT {} CHECK ({}){} NOT VALID", Q(name), expr,
                                no_inherit ? " NO INHERIT" : "")));
}

Statement AddForeignKeyNotValid(const Rel& t, const ForeignKey& fk) {
  return {AlterTable(t, fmt::format("ADD CONSTRAINT {} FOREIGN KEY ({}) {} NOT VALID", Q(fk.name),
                                    JoinQuoted(fk.columns), ReferencesClause(fk.references))),
          Lock::kShareRowExclusive};
}

Statement ValidateConstraint(const Rel& t, const std::string& name) {
  Statement s{AlterTable(t, "VALIDATE CONSTRAINT " + Q(name)), Lock::kShareUpdateExclusive};
  s.scans = true;
  s.table = t.Key();
  return s;
}

Statement DropConstraint(const Rel& t, const std::string& name) {
  return AccessExclusive(AlterTable(t, "DROP CONSTRAINT IF EXISTS " + Q(name)));
}

Statement DropConstraintStrict(const Rel& t, const std::string& name) {
  return AccessExclusive(AlterTable(t, "DROP CONSTRAINT " + Q(name)));
}

Statement RenameConstraint(const Rel& t, const std::string& from, const std::string& to) {
  return AccessExclusive(AlterTable(t, fmt::format("RENAME CONSTRAINT {} TO {}", Q(from), Q(to))));
}

Statement AddConstraintUsingIndex(const Rel& t, const std::string& name, bool primary_key,
                                  const std::string& index, bool deferrable,
                                  bool initially_deferred) {
  std::string sql = AlterTable(t, fmt::format("ADD CONSTRAINT {} {} USING INDEX {}", Q(name),
                                              primary_key ? "PRIMARY KEY" : "UNIQUE", Q(index)));
  if (deferrable) sql += " DEFERRABLE";
  if (initially_deferred) sql += " INITIALLY DEFERRED";
  return AccessExclusive(std::move(sql));
}

std::string ViolatingRowsQuery(const Rel& t, const std::vector<std::string>& key_columns,
                               const std::string& predicate) {
  std::string key = "ctid::text", order = "ctid";
  if (key_columns.size() == 1) key = Q(key_columns[0]) + "::text";
  if (key_columns.size() > 1) key = "ROW(" + JoinQuoted(key_columns) + ")::text";
  if (!key_columns.empty()) order = JoinQuoted(key_columns);
  return fmt::format("SELECT {} FROM {} WHERE NOT ({}) ORDER BY {} LIMIT 10", key, t.Quoted(),
                     predicate, order);
}

Statement DropIndexConcurrently(const Rel& index) {
  Statement s{"DROP INDEX CONCURRENTLY IF EXISTS " + index.Quoted(), Lock::kShareUpdateExclusive,
              false};
  s.drops_index = true;
  return s;
}

Statement RenameIndex(const std::string& schema, const std::string& from, const std::string& to) {
  return AccessExclusive(
      fmt::format("ALTER INDEX {} RENAME TO {}", QuoteQualified(schema, from), Q(to)));
}

std::string IndexIsValidQuery(const Rel& index) {
  return fmt::format(
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
      "pg_catalog.to_regclass({}) AND indisvalid)",
      QuoteLiteral(index.Quoted()));
}

namespace {

// "NEW.col := expr;" at `indent`. A guarded fill's assignment runs in a block of its own: an
// error evaluating or storing the value leaves the column as the statement wrote it (an
// UPDATE keeps the row's previous value) and is recorded with the row's key, so the
// application's write still succeeds.
std::string Assign(const Fill& f, const std::string& indent, const FillErrors& errors) {
  const std::string assign = fmt::format("NEW.{} := {};\n", Q(f.column), f.expr);
  if (!f.guard) return indent + assign;
  std::string key;
  for (const auto& k : errors.key_columns)
    key += (key.empty() ? "" : ", ") + ("NEW." + Q(k) + "::text");
  return fmt::format(
      "{0}BEGIN\n{0}  {1}{0}EXCEPTION WHEN OTHERS THEN\n"
      "{0}  PERFORM {2}({3}, {4}, {5}, {6}, SQLSTATE, SQLERRM);\n{0}END;\n",
      indent, assign, kRecordSyncErrorFunction, QuoteLiteral(errors.migration),
      QuoteLiteral(errors.table), QuoteLiteral(f.column),
      key.empty() ? "'{}'::text[]" : "ARRAY[" + key + "]");
}

// A pair's assignment, and the variable bound to its column (Bindings) brought up to date:
// the pairs come first, and the other fills read the row as the pair leaves it.
std::string PairAssign(const Fill& f, const std::vector<Fill>& fills, const FillErrors& errors) {
  std::string out = Assign(f, "      ", errors);
  for (const auto& [var, column] : Bindings(fills))
    if (column == f.column) out += fmt::format("      {} := NEW.{};\n", Q(var), Q(column));
  return out;
}

// Whether the session is the new application's: its search_path has the new version schema
// (Fill::writer_schema).
std::string NewAppSession(const Fill& new_side) {
  return fmt::format("{} = ANY (pg_catalog.current_schemas(false))",
                     QuoteLiteral(new_side.writer_schema));
}

// Whether an INSERT leaves `f` for the trigger to fill: it arrives NULL and, for a kApp fill
// told the writer by the session (Fill::writer_schema), is not the new application's.
std::string InsertFills(const Fill& f) {
  std::string cond = fmt::format("NEW.{} IS NULL", Q(f.column));
  if (f.mode == Fill::Mode::kApp && !f.writer_schema.empty())
    cond += " AND NOT (" + NewAppSession(f) + ")";
  return cond;
}

// Whether an INSERT is the old application's, by a kPairNew fill's side of the row (the new
// column left NULL) or, with Fill::writer_schema, by the session.
std::string WrittenByTheOldApp(const Fill& new_side) {
  if (new_side.writer_schema.empty()) return fmt::format("NEW.{} IS NULL", Q(new_side.column));
  return "NOT (" + NewAppSession(new_side) + ")";
}

// The INSERT branch: a pair fills its old column when the row arrives with the new one (or
// from the new version's session), else its new column; then every other fill, each kApp
// one only when the row arrives without it.
std::string InsertPart(const std::vector<Fill>& fills, const FillErrors& errors) {
  std::string out;
  for (const auto& f : fills) {
    if (f.mode != Fill::Mode::kPairNew) continue;
    out +=
        fmt::format("    IF {} THEN\n{}    ELSE\n{}    END IF;\n", WrittenByTheOldApp(f),
                    PairAssign(f, fills, errors), PairAssign(PartnerOf(f, fills), fills, errors));
  }
  for (const auto& f : fills) {
    if (IsPair(f)) continue;
    if (f.mode == Fill::Mode::kOwned || fills.size() == 1) {
      out += Assign(f, "    ", errors);
    } else {
      out += fmt::format("    IF {} THEN\n{}    END IF;\n", InsertFills(f),
                         Assign(f, "      ", errors));
    }
  }
  return out;
}

// A pair's UPDATE: the new app's write of the new column first (a pgphase backfill's is not
// one), and only one of the two sides, so the other is as the statement left it.
std::string PairUpdate(const Fill& new_side, const std::vector<Fill>& fills,
                       const FillErrors& errors) {
  const Fill& old_side = PartnerOf(new_side, fills);
  const std::string by_new_app =
      new_side.writer_schema.empty() ? UpdateCondition(old_side) : NewAppSession(new_side);
  const std::string written =
      fmt::format("({}) AND pg_catalog.current_setting({}, true) IS DISTINCT FROM 'on'", by_new_app,
                  QuoteLiteral(kFillingSetting));
  std::string out = fmt::format("    IF {} THEN\n{}", written, PairAssign(old_side, fills, errors));
  if (std::string cond = UpdateCondition(new_side); !cond.empty())
    out += fmt::format("    ELSIF {} THEN\n{}", cond, PairAssign(new_side, fills, errors));
  return out + "    END IF;\n";
}

// The UPDATE branch: each fill under its condition (UpdateCondition), untested when it is the
// only one: the trigger's WHEN has just tested it.
std::string UpdatePart(const std::vector<Fill>& fills, const FillErrors& errors) {
  std::vector<std::pair<const Fill*, std::string>> on_update;  // fill, its condition
  for (const auto& f : fills)
    if (std::string cond = UpdateCondition(f); !cond.empty()) on_update.emplace_back(&f, cond);
  std::string out;
  for (const auto& f : fills) {
    if (f.mode == Fill::Mode::kPairNew) out += PairUpdate(f, fills, errors);
  }
  for (const auto& [f, cond] : on_update) {
    if (IsPair(*f)) continue;
    if (on_update.size() == 1) {
      out += Assign(*f, "    ", errors);
    } else {
      out += fmt::format("    IF {} THEN\n{}    END IF;\n", cond, Assign(*f, "      ", errors));
    }
  }
  return out;
}

// The body's IF TG_OP: one branch per kind of write, or the one body when INSERT and UPDATE
// do the same (a reviewer should not have to compare two copies). Left as indented as in a
// branch: a user expression over several lines must keep its text.
std::string TriggerBranches(const std::string& insert, const std::string& update) {
  if (insert == update) return insert;
  return "  IF TG_OP = 'INSERT' THEN\n" + insert + (update.empty() ? "" : "  ELSE\n" + update) +
         "  END IF;\n";
}

}  // namespace

Statement CreateFillFunction(const Rel& fn, const Rel& table, const std::vector<Fill>& fills,
                             const FillErrors& errors) {
  std::string body = "\n#variable_conflict use_variable\n";
  const auto bindings = Bindings(fills);
  if (!bindings.empty()) {
    body += "DECLARE\n";
    for (const auto& [var, column] : bindings)
      body +=
          fmt::format("  {} {}.{}%TYPE := NEW.{};\n", Q(var), table.Quoted(), Q(column), Q(column));
  }
  // The triggers' WHEN clauses are the OR of the fills' conditions (CreateFillInsertTrigger,
  // CreateFillUpdateTrigger), and PostgreSQL evaluates WHEN right before calling the
  // function. So when one fill alone has a condition, the trigger has already tested it
  // and the function assigns without testing it again: a PL/pgSQL IF costs a few percent
  // of an UPDATE's time per row (docs/benchmarks.md).
  body += "BEGIN\n" + TriggerBranches(InsertPart(fills, errors), UpdatePart(fills, errors)) +
          "  RETURN NEW;\nEND\n";
  const std::string tag = DollarQuoteTag(body);
  return {fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}{}{}",
                      fn.Quoted(), tag, body, tag),
          Lock::kNone};
}

Statement DropFunction(const Rel& fn) {
  return {fmt::format("DROP FUNCTION IF EXISTS {}()", fn.Quoted()), Lock::kNone};
}

Statement CreateFillInsertTrigger(const std::string& name, const Rel& table, const Rel& fn,
                                  const std::vector<Fill>& fills) {
  std::string when;
  for (size_t i = 0; i < fills.size(); ++i) {
    if (fills[i].mode == Fill::Mode::kOwned || IsPair(fills[i])) {
      when.clear();
      break;
    }
    if (i) when += " OR ";
    const std::string fills_it = InsertFills(fills[i]);
    when += fills.size() > 1 && !fills[i].writer_schema.empty() ? "(" + fills_it + ")" : fills_it;
  }
  return {
      fmt::format("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW{} EXECUTE FUNCTION {}()",
                  Q(name), table.Quoted(), when.empty() ? "" : " WHEN (" + when + ")", fn.Quoted()),
      Lock::kShareRowExclusive};
}

std::optional<Statement> CreateFillUpdateTrigger(const std::string& name, const Rel& table,
                                                 const Rel& fn, const std::vector<Fill>& fills) {
  std::string when;
  bool fills_when_null = false;
  for (const auto& f : fills) {
    const std::string cond = UpdateCondition(f);
    if (cond.empty()) continue;
    if (!when.empty()) when += " OR ";
    when += "(" + cond + ")";
    fills_when_null = fills_when_null || f.FillsWhenNull();
  }
  if (when.empty()) return std::nullopt;
  // A column filled whenever it is NULL must be filled on any UPDATE of a row the backfill
  // has not reached yet, so the trigger cannot be narrowed to the sources' columns then.
  std::string of;
  if (!fills_when_null) of = " OF " + JoinQuoted(UpdateSources(fills));
  return Statement{fmt::format("CREATE TRIGGER {} BEFORE UPDATE{} ON {} FOR EACH ROW WHEN ({}) "
                               "EXECUTE FUNCTION {}()",
                               Q(name), of, table.Quoted(), when, fn.Quoted()),
                   Lock::kShareRowExclusive};
}

Statement DropTrigger(const std::string& name, const Rel& table) {
  return AccessExclusive(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", Q(name), table.Quoted()));
}

std::vector<std::string> BatchSettings() {
  return {fmt::format("SET LOCAL {} = on", kFillingSetting), "SET LOCAL synchronous_commit = off"};
}

bool operator==(const Assignment& a, const Assignment& b) {
  return a.column == b.column && a.expr == b.expr;
}

Statement BackfillBatch(const Rel& t, const std::vector<std::string>& key_columns,
                        const std::vector<std::string>& key_types,
                        const std::vector<Assignment>& assignments, bool first_batch,
                        const std::string& only_where, bool report, bool upper_bound) {
  const std::string keys = JoinQuoted(key_columns);
  std::string params, upper, desc, bound_cols, bound_keys, last_keys;
  const size_t limit_param = first_batch ? 1 : key_columns.size() + 1;
  std::vector<std::string> quoted;
  for (size_t i = 0; i < key_columns.size(); ++i) {
    const std::string sep = i ? ", " : "";
    params += sep + fmt::format("${}::{}", i + 1, key_types[i]);
    upper += sep + fmt::format("${}::{}", limit_param + i + 1, key_types[i]);
    desc += sep + Q(key_columns[i]) + " DESC";
    bound_cols += fmt::format(", k{}", i + 1);
    bound_keys += sep + fmt::format("bound.k{}", i + 1);
    last_keys += fmt::format(", (SELECT k{}::text FROM bound)", i + 1);
    quoted.push_back(Q(key_columns[i]));
  }
  const std::string after = first_batch ? "" : fmt::format("({}) > ({})", keys, params);
  std::string range = after;
  if (upper_bound)
    range += fmt::format("{}({}) <= ({})", range.empty() ? "" : " AND ", keys, upper);
  const std::string batch =
      fmt::format("SELECT {keys} FROM {t}{where_range} ORDER BY {keys} LIMIT ${limit}::bigint",
                  fmt::arg("keys", keys), fmt::arg("t", t.Quoted()),
                  fmt::arg("where_range", range.empty() ? "" : " WHERE " + range),
                  fmt::arg("limit", limit_param));
  // The batch's last key: max() in one streaming pass where the key is one column of a type
  // whose max() follows the index order; else the last row by a top-1 sort of the batch.
  std::string bound;
  if (key_columns.size() == 1 && MaxFollowsIndexOrder(key_types[0])) {
    bound = fmt::format("SELECT count(*), max({}) FROM ({}) batch", keys, batch);
  } else {
    bound = fmt::format("SELECT count(*) OVER (), {} FROM ({}) batch ORDER BY {} LIMIT 1", keys,
                        batch, desc);
  }
  const auto [set, filter] = BackfillSetAndFilter(assignments, only_where);
  return BatchStatement(fmt::format(
      "WITH bound (n{bound_cols}) AS ({bound}), "
      "done AS (UPDATE {t} SET {set} WHERE {after_and}({keys}) <= (SELECT {bound_keys} FROM "
      "bound) AND ({filter}){returning}) "
      "SELECT coalesce((SELECT n FROM bound), 0){last_keys}{report}",
      fmt::arg("bound_cols", bound_cols), fmt::arg("bound", bound), fmt::arg("t", t.Quoted()),
      fmt::arg("set", set), fmt::arg("after_and", after.empty() ? "" : after + " AND "),
      fmt::arg("keys", keys), fmt::arg("bound_keys", bound_keys), fmt::arg("filter", filter),
      fmt::arg("returning", report ? ReportReturning(quoted, filter) : ""),
      fmt::arg("last_keys", last_keys),
      fmt::arg("report", report ? ReportColumns(key_columns.size()) : "")));
}

std::string BackfillRow(const Rel& t, const std::string& key_equals,
                        const std::vector<Assignment>& a, const std::string& only_where) {
  const auto [set, filter] = BackfillSetAndFilter(a, only_where);
  return fmt::format("UPDATE {} SET {} WHERE {} AND ({})", t.Quoted(), set, key_equals, filter);
}

Statement BackfillCtidBatch(const Rel& t, const std::vector<Assignment>& assignments,
                            const std::string& only_where, bool report) {
  const auto [set, filter] = BackfillSetAndFilter(assignments, only_where);
  // The file node test has no column in it: the planner evaluates it once, before the scan.
  const std::string range =
      "pg_catalog.pg_relation_filenode($1::regclass) = $2::oid "
      "AND ctid >= $3::tid AND ctid < $4::tid";
  return BatchStatement(fmt::format(
      "WITH done AS (UPDATE ONLY {t} SET {set} WHERE {range} AND ({filter}){returning}) "
      "SELECT (SELECT count(*) FROM ONLY {t} WHERE {range}), {start}{report}",
      fmt::arg("t", t.Quoted()), fmt::arg("set", set), fmt::arg("range", range),
      fmt::arg("filter", filter),
      fmt::arg("returning", report ? ReportReturning({"ctid"}, filter) : ""),
      fmt::arg("start", kCtidScanStartColumns),
      fmt::arg("report", report ? ReportColumns(1) : "")));
}

std::string OwnedColumnMismatch(const std::vector<OwnedColumn>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    const OwnedColumn& c = columns[i];
    const std::string value = fmt::format("CAST({} AS {})", c.expr, c.type);
    out += i ? " OR " : "";
    if (c.compare_text) {
      out += fmt::format("{}::text IS DISTINCT FROM {}::text", Q(c.column), value);
    } else {
      out += fmt::format("{} IS DISTINCT FROM {}", Q(c.column), value);
    }
  }
  return out;
}

std::string CtidScanStart() { return fmt::format("SELECT {}", kCtidScanStartColumns); }

std::string ProbeExpression(const Rel& t, const std::string& expr) {
  return fmt::format("SELECT {} FROM {} LIMIT 0", expr, t.Quoted());
}

std::string ProbeType(const std::string& type) {
  return fmt::format("SELECT CAST(NULL AS {})", type);
}

std::string ProbeAssignable(const std::string& from, const std::string& to) {
  return fmt::format(
      "SELECT s.base = t.base OR t.category = 'S' OR EXISTS (SELECT FROM pg_catalog.pg_cast c "
      "WHERE c.castsource = s.base AND c.casttarget = t.base AND c.castcontext IN ('a', 'i')) "
      "FROM (SELECT COALESCE(NULLIF(typbasetype, 0), oid) AS base FROM pg_catalog.pg_type WHERE "
      "oid = CAST({} AS regtype)) s, (SELECT b.oid AS base, b.typcategory AS category FROM "
      "pg_catalog.pg_type d JOIN pg_catalog.pg_type b ON b.oid = COALESCE(NULLIF(d.typbasetype, "
      "0), d.oid) WHERE d.oid = CAST({} AS regtype)) t",
      QuoteLiteral(from), QuoteLiteral(to));
}

std::string ProbeForeignKeyType(const Rel& t, const std::string& constraint,
                                const std::string& to) {
  return fmt::format(
      "SELECT EXISTS (SELECT FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_index i ON "
      "i.indexrelid = k.conindid JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[0], "
      "CAST(CAST({to} AS regtype) AS oid) AS n (to_type) WHERE k.conrelid = CAST({t} AS "
      "regclass) AND k.conname = {k} AND k.contype = 'f' AND pg_catalog.cardinality(k.conkey) "
      "= 1 AND (n.to_type = oc.opcintype OR (EXISTS (SELECT FROM pg_catalog.pg_amop o WHERE "
      "o.amopfamily = oc.opcfamily AND o.amopstrategy = 3 AND o.amoplefttype = oc.opcintype "
      "AND o.amoprighttype = n.to_type) AND EXISTS (SELECT FROM pg_catalog.pg_amop o WHERE "
      "o.amopfamily = oc.opcfamily AND o.amopstrategy = 3 AND o.amoplefttype = n.to_type AND "
      "o.amoprighttype = n.to_type)) OR EXISTS (SELECT FROM pg_catalog.pg_cast c WHERE "
      "c.castsource = n.to_type AND c.casttarget = oc.opcintype AND c.castcontext = 'i')))",
      fmt::arg("to", QuoteLiteral(to)), fmt::arg("t", QuoteLiteral(t.Quoted())),
      fmt::arg("k", QuoteLiteral(constraint)));
}

std::string FunctionVolatilityQuery() {
  // provolatile sorts i < s < v, from most to least stable.
  return "SELECT f.schema, f.name, max(p.provolatile::text) "
         "FROM unnest($1::text[], $2::text[]) AS f (schema, name) "
         "JOIN pg_catalog.pg_proc p ON p.proname = f.name "
         "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
         "WHERE CASE WHEN f.schema = '' THEN n.nspname = ANY (pg_catalog.current_schemas(true)) "
         "ELSE n.nspname = f.schema END "
         "GROUP BY f.schema, f.name";
}

}  // namespace pgphase::ddl
