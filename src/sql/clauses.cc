#include "sql/clauses.h"

#include <fmt/format.h>

namespace pgphase::ddl {

std::string JoinQuoted(const std::vector<std::string>& names, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += sep;
    out += Q(names[i]);
  }
  return out;
}

std::string AlterTable(const Rel& t, const std::string& action) {
  return fmt::format("ALTER TABLE {} {}", t.Quoted(), action);
}

std::string DoBlock(const std::string& body) {
  const std::string tag = DollarQuoteTag(body);
  return "DO " + tag + body + tag;
}

std::string ReferencesClause(const References& r) {
  std::string out = fmt::format("REFERENCES {} ({})", r.table.Quoted(), JoinQuoted(r.columns));
  if (!r.match_type.empty()) out += " MATCH " + r.match_type;
  if (!r.on_delete.empty()) out += " ON DELETE " + r.on_delete;
  if (!r.on_update.empty()) out += " ON UPDATE " + r.on_update;
  if (r.deferrable) out += " DEFERRABLE";
  if (r.initially_deferred) out += " INITIALLY DEFERRED";
  return out;
}

std::string ColumnCoreClause(const ColumnDef& c) {
  std::string out = Q(c.name) + " " + c.type;
  if (c.default_expr) out += " DEFAULT " + *c.default_expr;
  if (c.generated_expr) out += " GENERATED ALWAYS AS " + *c.generated_expr + " STORED";
  if (!c.identity.empty()) {
    out += " GENERATED " + c.identity + " AS IDENTITY";
    if (!c.identity_options.empty()) out += " (" + c.identity_options + ")";
  }
  if (c.not_null) out += " NOT NULL";
  return out;
}

}  // namespace pgphase::ddl
