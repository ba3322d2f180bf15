#include "plan/verify.h"

#include <fmt/format.h>

#include <algorithm>

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

std::vector<CheckProbe> CarriedCheckProbes(const ChangeSpec& spec, const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  const std::string& schema = spec.settings.schema;
  for (const OperationEntry& e : spec.operations) {
    const auto* alter = std::get_if<AlterColumnOp>(&e.op);
    if (alter == nullptr || !alter->type) continue;
    const TableInfo* t = catalog.FindTable(schema, alter->table);
    if (t == nullptr || t->FindColumn(alter->column) == nullptr) continue;
    for (const ConstraintInfo& k : t->constraints) {
      if (k.type != 'c' || k.check_expr.empty() ||
          std::find(k.columns.begin(), k.columns.end(), alter->column) == k.columns.end())
        continue;
      Result<std::string> expr = ddl::ReplaceColumnRefs(
          k.check_expr, alter->column, fmt::format("CAST(NULL AS {})", *alter->type));
      if (!expr.ok()) continue;
      const std::string key = CheckKey(schema, t->name, k.name);
      if (std::any_of(out.begin(), out.end(), [&](const CheckProbe& p) { return p.key == key; }))
        continue;
      out.push_back({key, ddl::ProbeExpression({schema, t->name}, *expr)});
    }
  }
  return out;
}

std::vector<CheckProbe> CarriedDefaultProbes(const ChangeSpec& spec,
                                             const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  const std::string& schema = spec.settings.schema;
  for (const OperationEntry& e : spec.operations) {
    const auto* alter = std::get_if<AlterColumnOp>(&e.op);
    if (alter == nullptr || !alter->type || alter->set_default) continue;
    const TableInfo* t = catalog.FindTable(schema, alter->table);
    const ColumnInfo* c = t == nullptr ? nullptr : t->FindColumn(alter->column);
    if (c == nullptr || !c->default_expr || !c->sequence.empty()) continue;
    const std::string key = CheckKey(schema, t->name, c->name);
    if (std::any_of(out.begin(), out.end(), [&](const CheckProbe& p) { return p.key == key; }))
      continue;
    out.push_back({key, ddl::ProbeAssignable(c->type, *alter->type)});
  }
  return out;
}

std::vector<CheckProbe> CarriedForeignKeyProbes(const ChangeSpec& spec,
                                                const CatalogSnapshot& catalog) {
  std::vector<CheckProbe> out;
  const std::string& schema = spec.settings.schema;
  for (const OperationEntry& e : spec.operations) {
    const auto* alter = std::get_if<AlterColumnOp>(&e.op);
    if (alter == nullptr || !alter->type) continue;
    const TableInfo* t = catalog.FindTable(schema, alter->table);
    if (t == nullptr) continue;
    for (const ConstraintInfo& k : t->constraints) {
      if (k.type != 'f' || k.columns != std::vector<std::string>{alter->column}) continue;
      const std::string key = CheckKey(schema, t->name, k.name);
      if (std::any_of(out.begin(), out.end(), [&](const CheckProbe& p) { return p.key == key; }))
        continue;
      out.push_back({key, ddl::ProbeForeignKeyType({schema, t->name}, k.name, *alter->type)});
    }
  }
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
