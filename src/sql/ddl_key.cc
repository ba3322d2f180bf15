#include "pgphase/ddl_key.h"

#include <fmt/format.h>

#include <limits>

#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {

Statement SetSequenceType(const Rel& seq, const std::string& type) {
  return {fmt::format("ALTER SEQUENCE {} AS {}", seq.Quoted(), type), Lock::kAccessExclusive};
}

std::optional<std::pair<int64_t, int64_t>> IntegerRange(const std::string& type) {
  const std::string t = CanonicalType(type);
  if (t == "smallint")
    return std::pair<int64_t, int64_t>{std::numeric_limits<int16_t>::min(),
                                       std::numeric_limits<int16_t>::max()};
  if (t == "integer")
    return std::pair<int64_t, int64_t>{std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max()};
  if (t == "bigint")
    return std::pair{std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  return std::nullopt;
}

Statement RefuseValuesOutside(const Rel& t, const std::string& column,
                              std::pair<int64_t, int64_t> range, const std::string& type,
                              const std::vector<std::string>& key) {
  std::string keys;
  for (const auto& k : key) keys += (keys.empty() ? "" : ", ") + Q(k) + "::text";
  const std::string body = fmt::format(
      "\nDECLARE\n"
      "  keys text;\n"
      "BEGIN\n"
      "  SELECT pg_catalog.string_agg(k, ', ') INTO keys FROM (SELECT pg_catalog.concat_ws(', ', "
      "{keys}) AS k FROM {rel} WHERE {col} NOT BETWEEN {lo} AND {hi} ORDER BY {col} LIMIT 10) s;\n"
      "  IF keys IS NOT NULL THEN\n"
      "    RAISE EXCEPTION USING ERRCODE = {state}, MESSAGE = pg_catalog.format('column %s of %s "
      "holds values that type %s cannot hold (up to ten rows, by key: %s); reversing would lose "
      "them: change or delete them first', {col_lit}, {rel_lit}, {type}, keys);\n"
      "  END IF;\n"
      "END\n",
      fmt::arg("keys", keys), fmt::arg("rel", t.Quoted()), fmt::arg("col", Q(column)),
      fmt::arg("lo", range.first), fmt::arg("hi", range.second),
      fmt::arg("state", QuoteLiteral(kRefusedSqlState)), fmt::arg("col_lit", QuoteLiteral(column)),
      fmt::arg("rel_lit", QuoteLiteral(t.Quoted())), fmt::arg("type", QuoteLiteral(type)));
  return {DoBlock(body), Lock::kAccessShare};
}

namespace {

// PL/pgSQL: reads sequence `seq` (a text variable) into v, called and o (its pg_sequence row).
constexpr const char* kReadSequence =
    "  EXECUTE 'SELECT last_value, is_called FROM ' || seq INTO v, called;\n"
    "  SELECT * INTO o FROM pg_catalog.pg_sequence WHERE seqrelid = seq::regclass;\n";

// PL/pgSQL: the options of the sequence read into `o`, as text; bounds equal to `range`'s
// (the defaults of the type the sequence had) become the new type's defaults.
std::string OptionsOf(std::pair<int64_t, int64_t> range) {
  return fmt::format(
      "pg_catalog.format('INCREMENT BY %s START WITH %s %s %s CACHE %s %s', o.seqincrement, "
      "o.seqstart, CASE WHEN o.seqmin IN ({lo}, 1) THEN 'NO MINVALUE' ELSE 'MINVALUE ' || "
      "o.seqmin END, CASE WHEN o.seqmax IN ({hi}, -1) THEN 'NO MAXVALUE' ELSE 'MAXVALUE ' || "
      "o.seqmax END, o.seqcache, CASE WHEN o.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END)",
      fmt::arg("lo", range.first), fmt::arg("hi", range.second));
}

std::string SequenceBlock(const Rel& seq, const std::string& body) {
  return DoBlock(fmt::format(
      "\nDECLARE\n  seq text := {};\n  v bigint;\n  called boolean;\n  o record;\nBEGIN\n{}{}END\n",
      QuoteLiteral(seq.Quoted()), kReadSequence, body));
}

std::string Generated(bool always) { return always ? "ALWAYS" : "BY DEFAULT"; }

}  // namespace

Statement MoveIdentity(const Rel& t, const std::string& from, const std::string& to, const Rel& seq,
                       bool always, std::pair<int64_t, int64_t> from_range) {
  const std::string body = fmt::format(
      "  {drop};\n"
      "  EXECUTE {add} || {options} || ')';\n"
      "  PERFORM pg_catalog.setval(seq, v, called);\n",
      fmt::arg("drop", AlterTable(t, fmt::format("ALTER COLUMN {} DROP IDENTITY", Q(from)))),
      fmt::arg("add", QuoteLiteral(AlterTable(
                          t, fmt::format("ALTER COLUMN {} ADD GENERATED {} AS IDENTITY (SEQUENCE "
                                         "NAME {} ",
                                         Q(to), Generated(always), seq.Quoted())))),
      fmt::arg("options", OptionsOf(from_range)));
  return {SequenceBlock(seq, body), Lock::kAccessExclusive};
}

Statement IdentityToDefault(const Rel& t, const std::string& from, const std::string& to,
                            const Rel& seq, const Rel& tmp, const std::string& type) {
  const std::string body = fmt::format(
      "  {drop};\n"
      "  EXECUTE {create} || {options};\n"
      "  PERFORM pg_catalog.setval({tmp}, v, called);\n"
      "  {set_default};\n",
      fmt::arg("drop", AlterTable(t, fmt::format("ALTER COLUMN {} DROP IDENTITY", Q(from)))),
      fmt::arg("create",
               QuoteLiteral(fmt::format("CREATE SEQUENCE {} AS {} ", tmp.Quoted(), type))),
      fmt::arg("options", OptionsOf({std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max()})),
      fmt::arg("tmp", QuoteLiteral(tmp.Quoted())),
      fmt::arg("set_default",
               AlterTable(t, fmt::format("ALTER COLUMN {} SET DEFAULT pg_catalog.nextval({})",
                                         Q(to), QuoteLiteral(tmp.Quoted()) + "::regclass"))));
  return {SequenceBlock(seq, body), Lock::kAccessExclusive};
}

Statement DefaultToIdentity(const Rel& t, const std::string& column, const Rel& tmp, const Rel& seq,
                            bool always) {
  const std::string body = fmt::format(
      "  {drop_default};\n"
      "  EXECUTE {add} || {options} || ')';\n"
      "  PERFORM pg_catalog.setval({seq}, v, called);\n"
      "  DROP SEQUENCE {tmp};\n",
      fmt::arg("drop_default",
               AlterTable(t, fmt::format("ALTER COLUMN {} DROP DEFAULT", Q(column)))),
      fmt::arg("add", QuoteLiteral(AlterTable(
                          t, fmt::format("ALTER COLUMN {} ADD GENERATED {} AS IDENTITY (SEQUENCE "
                                         "NAME {} ",
                                         Q(column), Generated(always), seq.Quoted())))),
      fmt::arg("options", OptionsOf({std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max()})),
      fmt::arg("seq", QuoteLiteral(seq.Quoted())), fmt::arg("tmp", tmp.Quoted()));
  return {SequenceBlock(tmp, body), Lock::kAccessExclusive};
}

}  // namespace pgphase::ddl
