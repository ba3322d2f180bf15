// LoadFleetFile: the YAML side of fleets (pgphase/fleet.h).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "pgphase/conninfo.h"
#include "pgphase/fleet.h"

namespace pgphase {

namespace {

Result<FleetTarget> ReadTarget(const YAML::Node& node, size_t index) {
  const std::string where = fmt::format("targets[{}]", index);
  if (!node.IsMap()) return Status::Invalid(where + ": expected a map with `db`");
  FleetTarget t;
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (key == "db") {
      t.conninfo = kv.second.as<std::string>();
    } else if (key == "schema") {
      t.schema = kv.second.as<std::string>();
    } else if (key == "name") {
      t.name = kv.second.as<std::string>();
    } else if (key == "labels" && kv.second.IsMap()) {
      for (const auto& l : kv.second)
        t.labels[l.first.as<std::string>()] = l.second.as<std::string>();
    } else {
      return Status::Invalid(
          fmt::format("{}: unknown key `{}` (db, name, schema, labels)", where, key));
    }
  }
  if (t.conninfo.empty()) return Status::Invalid(where + ": `db` is required");
  if (ConninfoHasPassword(t.conninfo)) {
    return Status::Invalid(where +
                           ": the connection string carries a password; keep it out of the "
                           "file (PGPASSWORD, PGPASSFILE or a service file)");
  }
  if (t.name.empty()) t.name = t.schema.empty() ? t.conninfo : t.conninfo + " " + t.schema;
  return t;
}

Result<std::vector<FleetTarget>> ReadTargets(const YAML::Node& root) {
  const YAML::Node list = root.IsMap() ? root["targets"] : root;
  if (!list || !list.IsSequence()) return Status::Invalid("expected `targets:`, a list");
  std::vector<FleetTarget> out;
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    auto t = ReadTarget(list[i], i);
    if (!t.ok()) return t.status();
    if (!names.insert(t->name).second)
      return Status::Invalid(fmt::format("targets[{}]: duplicate name {}", i, t->name));
    out.push_back(std::move(*t));
  }
  if (out.empty()) return Status::Invalid("`targets:` is empty");
  return out;
}

}  // namespace

Result<std::vector<FleetTarget>> LoadFleetFile(const std::string& path) {
  try {
    auto targets = ReadTargets(YAML::LoadFile(path));
    if (!targets.ok()) return Status::Invalid(path + ": " + targets.status().message());
    return targets;
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace pgphase
