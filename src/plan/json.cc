// Plan <-> JSON for the state store. nlohmann::json sorts object keys, so the text is
// deterministic. The format carries a version so later releases can read old plans.
#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "pgphase/plan.h"

namespace pgphase {
namespace {

using nlohmann::json;
constexpr int kPlanFormat = 1;

// What a statement does, by name: written only when true, so plans stored before a flag
// existed read as they were.
const std::array<std::pair<const char*, bool Statement::*>, 7> kEffects = {{
    {"scans", &Statement::scans},
    {"rewrites", &Statement::rewrites},
    {"deletes_data", &Statement::deletes_data},
    {"builds_index", &Statement::builds_index},
    {"drops_index", &Statement::drops_index},
    {"untracked", &Statement::untracked},
    {"renames", &Statement::renames},
}};

json ToJson(const Statement& s) {
  json out = {{"sql", s.sql}, {"lock", LockName(s.lock)}, {"transactional", s.transactional}};
  for (const auto& [name, field] : kEffects)
    if (s.*field) out[name] = true;
  if (!s.table.empty()) out["table"] = s.table;
  return out;
}

json ToJson(const std::vector<Statement>& list) {
  json a = json::array();
  for (const auto& s : list) a.push_back(ToJson(s));
  return a;
}

json ToJson(const std::vector<KeyColumn>& key) {
  json out = json::array();
  for (const auto& k : key) out.push_back({{"name", k.name}, {"type", k.type}});
  return out;
}

json ToJson(const std::vector<ddl::Assignment>& set) {
  json out = json::array();
  for (const auto& a : set) out.push_back({{"column", a.column}, {"expr", a.expr}});
  return out;
}

json ToJson(const BackfillJob& j) {
  json out = {{"schema", j.schema},
              {"table", j.table},
              {"key", ToJson(j.key)},
              {"assignments", ToJson(j.assignments)},
              {"estimated_rows", j.estimated_rows}};
  if (!j.only_where.empty()) out["only_where"] = j.only_where;
  if (j.verify) out["verify"] = true;
  if (!j.unprobed.empty()) out["unprobed"] = j.unprobed;
  return out;
}

json ToJson(const ConversionCheck& c) {
  return {{"schema", c.schema},
          {"table", c.table},
          {"key", ToJson(c.key)},
          {"columns", ToJson(c.columns)}};
}

json ToJson(const Precheck& p) {
  return {{"schema", p.schema},        {"table", p.table}, {"key", ToJson(p.key)},
          {"column", p.column},        {"expr", p.expr},   {"not_null", p.not_null},
          {"only_where", p.only_where}};
}

json ToJson(const Step& s) {
  json out = {{"id", s.id}, {"summary", s.summary}, {"reverse", ToJson(s.reverse)}};
  if (s.statement) out["statement"] = ToJson(*s.statement);
  if (s.backfill) out["backfill"] = ToJson(*s.backfill);
  if (s.conversion_check) out["conversion_check"] = ToJson(*s.conversion_check);
  if (!s.done_check.empty()) out["done_check"] = s.done_check;
  if (!s.cleanup.empty()) out["cleanup"] = ToJson(s.cleanup);
  if (!s.diagnose.empty()) out["diagnose"] = s.diagnose;
  return out;
}

Statement StatementFrom(const json& j) {
  Statement s;
  s.sql = j.at("sql").get<std::string>();
  auto lock = ParseLock(j.at("lock").get<std::string>());
  if (!lock) throw std::runtime_error("unknown lock " + j.at("lock").get<std::string>());
  s.lock = *lock;
  s.transactional = j.at("transactional").get<bool>();
  for (const auto& [name, field] : kEffects) s.*field = j.value(name, false);
  s.table = j.value("table", "");
  return s;
}

std::vector<Statement> StatementsFrom(const json& j) {
  std::vector<Statement> out;
  for (const auto& s : j) out.push_back(StatementFrom(s));
  return out;
}

std::vector<KeyColumn> KeyFrom(const json& j) {
  std::vector<KeyColumn> out;
  for (const auto& k : j) out.push_back({k.at("name"), k.at("type")});
  return out;
}

std::vector<ddl::Assignment> AssignmentsFrom(const json& j) {
  std::vector<ddl::Assignment> out;
  for (const auto& a : j) out.push_back({a.at("column"), a.at("expr")});
  return out;
}

ConversionCheck ConversionCheckFrom(const json& j) {
  return {j.at("schema"), j.at("table"), KeyFrom(j.at("key")), AssignmentsFrom(j.at("columns"))};
}

Precheck PrecheckFrom(const json& j) {
  return {j.at("schema"), j.at("table"),    KeyFrom(j.at("key")), j.at("column"),
          j.at("expr"),   j.at("not_null"), j.at("only_where")};
}

BackfillJob BackfillFrom(const json& j) {
  BackfillJob b;
  b.schema = j.at("schema").get<std::string>();
  b.table = j.at("table").get<std::string>();
  b.key = KeyFrom(j.at("key"));
  b.assignments = AssignmentsFrom(j.at("assignments"));
  b.estimated_rows = j.at("estimated_rows").get<int64_t>();
  if (j.contains("only_where")) b.only_where = j.at("only_where").get<std::string>();
  b.verify = j.value("verify", false);
  if (j.contains("unprobed")) b.unprobed = j.at("unprobed").get<std::vector<std::string>>();
  return b;
}

Step StepFrom(const json& j) {
  Step s;
  s.id = j.at("id").get<std::string>();
  s.summary = j.at("summary").get<std::string>();
  s.reverse = StatementsFrom(j.at("reverse"));
  if (j.contains("statement")) s.statement = StatementFrom(j.at("statement"));
  if (j.contains("backfill")) s.backfill = BackfillFrom(j.at("backfill"));
  if (j.contains("done_check")) s.done_check = j.at("done_check").get<std::string>();
  if (j.contains("cleanup")) s.cleanup = StatementsFrom(j.at("cleanup"));
  if (j.contains("conversion_check"))
    s.conversion_check = ConversionCheckFrom(j.at("conversion_check"));
  if (j.contains("diagnose")) s.diagnose = j.at("diagnose").get<std::string>();
  return s;
}

}  // namespace

std::string PlanToJson(const Plan& plan) {
  json phases = json::array();
  for (const auto& p : plan.phases) {
    json steps = json::array();
    for (const auto& s : p.steps) steps.push_back(ToJson(s));
    phases.push_back({{"phase", PhaseName(p.phase)}, {"steps", steps}});
  }
  json expected = json::array();
  for (const auto& e : plan.expected_columns)
    expected.push_back(
        {{"schema", e.schema}, {"table", e.table}, {"column", e.column}, {"type", e.type}});
  json out = {{"format", kPlanFormat}, {"migration", plan.migration},
              {"phases", phases},      {"tables", plan.tables},
              {"notes", plan.notes},   {"expected_columns", expected}};
  if (!plan.prechecks.empty()) {
    json prechecks = json::array();
    for (const auto& p : plan.prechecks) prechecks.push_back(ToJson(p));
    out["prechecks"] = prechecks;
  }
  if (!plan.table_rows.empty()) out["table_rows"] = plan.table_rows;
  if (!plan.expected_keys.empty()) {
    json keys = json::array();
    for (const auto& k : plan.expected_keys)
      keys.push_back({{"schema", k.schema}, {"table", k.table}, {"columns", k.columns}});
    out["expected_keys"] = keys;
  }
  return out.dump();
}

Result<Plan> ParsePlanJson(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (j.at("format").get<int>() != kPlanFormat)
      return Status::Failure("stored plan has format " + j.at("format").dump() +
                             ", this pgphase reads format " + std::to_string(kPlanFormat));
    Plan plan;
    plan.migration = j.at("migration").get<std::string>();
    const json& phases = j.at("phases");
    if (phases.size() != kAllPhases.size()) return Status::Failure("stored plan lacks phases");
    for (size_t i = 0; i < phases.size(); ++i) {
      auto phase = ParsePhase(phases[i].at("phase").get<std::string>());
      if (!phase || PhaseIndex(*phase) != static_cast<int>(i))
        return Status::Failure("stored plan has phases out of order");
      plan.phases[i].phase = *phase;
      for (const auto& s : phases[i].at("steps")) plan.phases[i].steps.push_back(StepFrom(s));
    }
    plan.tables = j.at("tables").get<std::vector<std::string>>();
    plan.notes = j.at("notes").get<std::vector<std::string>>();
    for (const auto& e : j.at("expected_columns"))
      plan.expected_columns.push_back(
          {e.at("schema"), e.at("table"), e.at("column"), e.at("type")});
    if (j.contains("prechecks"))  // absent in plans stored before prechecks
      for (const auto& p : j.at("prechecks")) plan.prechecks.push_back(PrecheckFrom(p));
    if (j.contains("table_rows"))  // absent in plans stored before row estimates per step
      plan.table_rows = j.at("table_rows").get<std::map<std::string, int64_t>>();
    if (j.contains("expected_keys")) {  // absent in plans stored before key checks
      for (const auto& k : j.at("expected_keys"))
        plan.expected_keys.push_back(
            {k.at("schema"), k.at("table"), k.at("columns").get<std::vector<std::string>>()});
    }
    return plan;
  } catch (const std::exception& e) {
    return Status::Failure(std::string("stored plan cannot be read: ") + e.what());
  }
}

}  // namespace pgphase
