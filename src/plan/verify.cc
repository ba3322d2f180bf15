#include "plan/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "pgphase/ddl_column.h"
#include "pgphase/sql.h"

namespace pgphase {

std::vector<FunctionName> CalledFunctions(const ChangeSpec& spec) {
  std::vector<FunctionName> out;
  auto add = [&](const SqlExpr& up) {
    Result<ExprAnalysis> a = AnalyzeExpression(up.text);
    if (!a.ok()) return;
    for (const FunctionName& f : a->function_calls)
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  };
  for (const OperationEntry& e : spec.operations) {
    if (const auto* alter = std::get_if<AlterColumnOp>(&e.op)) {
      if (alter->up) add(*alter->up);
    } else if (const auto* create = std::get_if<CreateConstraintOp>(&e.op)) {
      // A unique, foreign key or primary key's `up` fills a shadow column (create_constraint.cc).
      for (const ColumnExpr& up : create->up) add(up.expr);
    }
  }
  return out;
}

std::string CheckKey(const std::string& schema, const std::string& table,
                     const std::string& constraint) {
  return schema + "." + table + "." + constraint;
}

namespace {

// Calls `f` with each alter_column that changes a column's type, and its table in `catalog`.
template <typename F>
void ForEachTypeChange(const ChangeSpec& spec, const CatalogSnapshot& catalog, F f) {
  for (const OperationEntry& e : spec.operations) {
    const auto* alter = std::get_if<AlterColumnOp>(&e.op);
    if (alter == nullptr || !alter->type) continue;
    if (const TableInfo* t = catalog.FindTable(spec.settings.schema, alter->table)) f(*alter, *t);
  }
}

// Adds a probe for `key` unless one is there already (a column changed by two operations).
void AddProbe(std::vector<CheckProbe>& out, std::string key, std::string sql) {
  if (std::none_of(out.begin(), out.end(), [&](const CheckProbe& p) { return p.key == key; }))
    out.push_back({std::move(key), std::move(sql)});
}

}  // namespace

std::vector<CheckProbe> CarriedCheckProbes(const ChangeSpec& spec, const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  const std::string& schema = spec.settings.schema;
  ForEachTypeChange(spec, catalog, [&](const AlterColumnOp& alter, const TableInfo& t) {
    if (t.FindColumn(alter.column) == nullptr) return;
    for (const ConstraintInfo& k : t.constraints) {
      if (k.type != 'c' || k.check_expr.empty() ||
          std::find(k.columns.begin(), k.columns.end(), alter.column) == k.columns.end())
        continue;
      Result<std::string> expr = ddl::ReplaceColumnRefs(
          k.check_expr, alter.column, fmt::format("CAST(NULL AS {})", *alter.type));
      if (!expr.ok()) continue;
      AddProbe(out, CheckKey(schema, t.name, k.name),
               ddl::ProbeExpression({schema, t.name}, *expr));
    }
  });
  return out;
}

std::vector<CheckProbe> CarriedDefaultProbes(const ChangeSpec& spec,
                                             const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  ForEachTypeChange(spec, catalog, [&](const AlterColumnOp& alter, const TableInfo& t) {
    const ColumnInfo* c = t.FindColumn(alter.column);
    if (alter.set_default || c == nullptr || !c->default_expr || !c->sequence.empty()) return;
    AddProbe(out, CheckKey(spec.settings.schema, t.name, c->name),
             ddl::ProbeAssignable(c->type, *alter.type));
  });
  return out;
}

std::vector<CheckProbe> CarriedForeignKeyProbes(const ChangeSpec& spec,
                                                const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  const std::string& schema = spec.settings.schema;
  ForEachTypeChange(spec, catalog, [&](const AlterColumnOp& alter, const TableInfo& t) {
    for (const ConstraintInfo& k : t.constraints) {
      if (k.type != 'f' || k.columns != std::vector<std::string>{alter.column}) continue;
      AddProbe(out, CheckKey(schema, t.name, k.name),
               ddl::ProbeForeignKeyType({schema, t.name}, k.name, *alter.type));
    }
  });
  return out;
}

std::string WhyNotDeterministic(const ExprAnalysis& a,
                                const std::vector<std::pair<std::string, std::string>>& sources,
                                const std::string& type, const PlanOptions& options) {
  if (a.reads_other_rows) return "it has a sub-select that reads other rows";
  if (a.reads_session_value)
    return "it reads a session value (CURRENT_TIMESTAMP, CURRENT_USER or the like)";
  for (const FunctionName& f : a.function_calls) {
    const auto it = options.function_volatility.find(f);
    if (it == options.function_volatility.end())
      return fmt::format("the volatility of {}() is not known", f.Display());
    if (it->second != Volatility::kImmutable)
      return fmt::format("{}() is {}", f.Display(), VolatilityName(it->second));
  }
  const std::string settings = "whose conversions depend on session settings";
  for (const std::string& cast : a.cast_types)
    if (DependsOnSessionSettings(CanonicalType(cast)))
      return fmt::format("it casts to {}, {}", cast, settings);
  for (const auto& [column, column_type] : sources)
    if (DependsOnSessionSettings(CanonicalType(column_type)))
      return fmt::format("it reads {} ({}), {}", column, column_type, settings);
  if (DependsOnSessionSettings(CanonicalType(type)))
    return fmt::format("its value is stored as {}, {}", type, settings);
  return "";
}

}  // namespace pgphase
