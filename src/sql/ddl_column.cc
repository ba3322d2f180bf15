#include "pgphase/ddl_column.h"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "pgphase/ddl_version.h"
#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {

Statement RenameColumn(const Rel& t, const std::string& from, const std::string& to) {
  Statement s{AlterTable(t, fmt::format("RENAME COLUMN {} TO {}", Q(from), Q(to))),
              Lock::kAccessExclusive};
  // pgphase's own columns (a shadow column taking its name at contract) are named by no
  // application: renaming one away breaks none.
  s.renames = from.rfind("_pgphase_", 0) != 0;
  return s;
}

Statement SetColumnType(const Rel& t, const std::string& column, const std::string& type,
                        bool rewrites) {
  Statement s{AlterTable(t, fmt::format("ALTER COLUMN {} TYPE {}", Q(column), type)),
              Lock::kAccessExclusive};
  s.rewrites = rewrites;
  if (rewrites) s.table = t.Key();
  return s;
}

Statement SetColumnTypeUsing(const Rel& t, const std::string& column, const std::string& type,
                             const std::string& using_expr) {
  Statement s{
      AlterTable(t, fmt::format("ALTER COLUMN {} TYPE {} USING {}", Q(column), type, using_expr)),
      Lock::kAccessExclusive};
  s.rewrites = true;
  s.table = t.Key();
  return s;
}

namespace {

// 'a', 'b', ... of `names`, "" when there are none.
std::string LiteralList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + QuoteLiteral(name);
  return out;
}

// RefuseDependents' exclusions: the table's own indexes and constraints `carried`, other
// tables' foreign keys to it and sequences `referencing`.
std::string CarriedClause(const std::string& rel, const std::vector<std::string>& carried,
                          const std::vector<std::string>& referencing) {
  std::string out;
  if (const std::string kept = LiteralList(carried); !kept.empty()) {
    out += fmt::format(
        "\n     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN "
        "(SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
        "ON c.oid = i.indexrelid WHERE i.indrelid = {rel} AND c.relname IN ({kept})))"
        "\n     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN "
        "(SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = {rel} AND "
        "conname IN ({kept})))",
        fmt::arg("rel", rel), fmt::arg("kept", kept));
  }
  if (const std::string others = LiteralList(referencing); !others.empty()) {
    out += fmt::format(
        "\n     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN "
        "(SELECT oid FROM pg_catalog.pg_constraint WHERE confrelid = {rel} AND "
        "conname IN ({others})))"
        "\n     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN "
        "(SELECT oid FROM pg_catalog.pg_class WHERE relkind = 'S' AND relname IN "
        "({others})))",
        fmt::arg("rel", rel), fmt::arg("others", others));
  }
  return out;
}

}  // namespace

Statement RefuseDependents(const Rel& t, const std::string& column,
                           const std::vector<std::string>& ignored_triggers,
                           const std::vector<std::string>& carried,
                           const std::vector<std::string>& referencing) {
  const std::string rel = QuoteLiteral(t.Quoted()) + "::regclass";
  std::string ignored = LiteralList(ignored_triggers);
  if (ignored.empty()) ignored = "NULL";
  const std::string body = fmt::format(
      "\nDECLARE\n"
      "  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = {rel} "
      "AND attname = {col} AND NOT attisdropped);\n"
      "  deps text;\n"
      "BEGIN\n"
      "  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' "
      "ORDER BY 1) INTO deps\n"
      "    FROM pg_catalog.pg_depend d\n"
      "   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = {rel} "
      "AND d.refobjsubid = col\n"
      "     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN "
      "(SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = {rel} AND adnum = col))\n"
      "     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN "
      "(SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = {rel} AND tgname IN "
      "({ignored})))\n     {versions}{carried};\n"
      "  IF deps IS NOT NULL THEN\n"
      "    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format("
      "'column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column "
      "(drop or recreate them in a separate migration)', {col}, {rel}, deps);\n"
      "  END IF;\n"
      "END\n",
      fmt::arg("rel", rel), fmt::arg("col", QuoteLiteral(column)), fmt::arg("ignored", ignored),
      fmt::arg("carried", CarriedClause(rel, carried, referencing)),
      fmt::arg("versions", NotInVersionSchema("d")));
  return {DoBlock(body), Lock::kAccessShare};
}

Statement CopyColumnComment(const Rel& t, const std::string& from, const std::string& to) {
  const std::string rel = QuoteLiteral(t.Quoted()) + "::regclass";
  const std::string body = fmt::format(
      "\nDECLARE\n"
      "  c text := pg_catalog.col_description({rel}, (SELECT attnum FROM pg_catalog.pg_attribute "
      "WHERE attrelid = {rel} AND attname = {from} AND NOT attisdropped));\n"
      "BEGIN\n"
      "  IF c IS NOT NULL THEN\n"
      "    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', {rel}, {to}, c);\n"
      "  END IF;\n"
      "END\n",
      fmt::arg("rel", rel), fmt::arg("from", QuoteLiteral(from)), fmt::arg("to", QuoteLiteral(to)));
  return {DoBlock(body), Lock::kShareUpdateExclusive};
}

std::vector<Statement> RestoreNotNull(const Rel& t, const std::string& column,
                                      const std::string& fill_expr, const std::string& helper) {
  std::vector<Statement> out;
  // Dropped first so that a reverse interrupted after adding it can be run again.
  out.push_back(DropConstraint(t, helper));
  if (!fill_expr.empty()) {
    Statement fill{fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL", t.Quoted(), Q(column),
                               fill_expr, Q(column)),
                   Lock::kRowExclusive};
    fill.scans = true;
    fill.table = t.Key();
    out.push_back(std::move(fill));
  }
  out.push_back(AddCheckNotValid(t, helper, Q(column) + " IS NOT NULL"));
  out.push_back(ValidateConstraint(t, helper));
  out.push_back(SetNotNull(t, column, /*proven=*/true));
  out.push_back(DropConstraint(t, helper));
  return out;
}

}  // namespace pgphase::ddl

// --- RenameColumnRefs (libpg_query) ---

namespace pgphase::ddl {
namespace {

constexpr std::string_view kPrefix = "SELECT (";

void CollectRefs(const nlohmann::json& node, const std::string& from, std::vector<int>* out) {
  if (node.is_array()) {
    for (const auto& child : node) CollectRefs(child, from, out);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key == "ColumnRef") {
      const auto& fields = value.value("fields", nlohmann::json::array());
      if (fields.size() == 1 && fields[0].contains("String") &&
          fields[0]["String"].value("sval", "") == from) {
        out->push_back(value.value("location", -1));
      }
    }
    CollectRefs(value, from, out);
  }
}

// Length in bytes of the identifier token starting at `pos` (quoted or not).
size_t IdentifierLength(const std::string& s, size_t pos) {
  if (s[pos] == '"') {
    size_t i = pos + 1;
    while (i < s.size()) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          i += 2;
          continue;
        }
        return i + 1 - pos;
      }
      ++i;
    }
    return s.size() - pos;
  }
  size_t i = pos;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!(std::isalnum(c) || c == '_' || c == '$' || c >= 0x80)) break;
    ++i;
  }
  return i - pos;
}

// `expr` with each unqualified reference to column `from` replaced by `text`.
Result<std::string> SubstituteColumnRefs(const std::string& expr, const std::string& from,
                                         const std::string& text) {
  const std::string sql = std::string(kPrefix) + expr + ")";
  PgQueryParseResult parsed = pg_query_parse(sql.c_str());
  std::vector<int> locations;
  bool ok = parsed.error == nullptr;
  if (ok) {
    nlohmann::json tree = nlohmann::json::parse(parsed.parse_tree, nullptr, false);
    ok = !tree.is_discarded();
    if (ok) CollectRefs(tree, from, &locations);
  }
  pg_query_free_parse_result(parsed);
  if (!ok) return Status::Invalid("invalid expression: it does not parse");
  std::sort(locations.begin(), locations.end());
  std::string out = sql;
  // From the end, so earlier offsets stay valid.
  for (auto it = locations.rbegin(); it != locations.rend(); ++it) {
    if (*it < static_cast<int>(kPrefix.size())) continue;
    const size_t pos = static_cast<size_t>(*it);
    out.replace(pos, IdentifierLength(out, pos), text);
  }
  return out.substr(kPrefix.size(), out.size() - kPrefix.size() - 1);
}

}  // namespace

Result<std::string> RenameColumnRefs(const std::string& expr, const std::string& from,
                                     const std::string& to) {
  return SubstituteColumnRefs(expr, from, QuoteIdent(to));
}

Result<std::string> ReplaceColumnRefs(const std::string& expr, const std::string& column,
                                      const std::string& replacement) {
  return SubstituteColumnRefs(expr, column, "(" + replacement + ")");
}

}  // namespace pgphase::ddl
