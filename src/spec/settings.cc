#include "spec/settings.h"

namespace pgphase::spec_internal {
namespace {

// `read` is ReadPositiveDuration unless zero means something (scan_timeout: no limit;
// max_app_wait: off).
Status ReadOptionalDuration(const YamlMap& map, std::string_view key, std::optional<Millis>* out,
                            Status (*read)(const Value&, Millis*) = ReadPositiveDuration) {
  std::optional<Value> v = map.Find(key);
  if (!v) return Status::Ok();
  Millis d{};
  PGPHASE_RETURN_IF_ERROR(read(*v, &d));
  *out = d;
  return Status::Ok();
}

Status ReadOptionalInt(const YamlMap& map, std::string_view key, std::optional<int64_t>* out) {
  std::optional<Value> v = map.Find(key);
  if (!v) return Status::Ok();
  int64_t n = 0;
  PGPHASE_RETURN_IF_ERROR(ReadPositiveInt(*v, &n));
  *out = n;
  return Status::Ok();
}

}  // namespace

Status ReadSettings(const Value& v, Settings* out) {
  YamlMap map;
  PGPHASE_RETURN_IF_ERROR(YamlMap::Read(v, Shape("settings"), &map));
  if (std::optional<Value> schema = map.Find("schema")) {
    PGPHASE_RETURN_IF_ERROR(ReadIdentifier(*schema, &out->schema));
  }
  PGPHASE_RETURN_IF_ERROR(ReadOptionalDuration(map, "lock_timeout", &out->lock_timeout));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalDuration(map, "statement_timeout", &out->statement_timeout));
  PGPHASE_RETURN_IF_ERROR(
      ReadOptionalDuration(map, "scan_timeout", &out->scan_timeout, ReadDuration));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalDuration(map, "target_batch_time", &out->target_batch_time));
  PGPHASE_RETURN_IF_ERROR(
      ReadOptionalDuration(map, "max_app_wait", &out->max_app_wait, ReadDuration));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalInt(map, "batch_size_min", &out->batch_size_min));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalInt(map, "batch_size_max", &out->batch_size_max));
  PGPHASE_RETURN_IF_ERROR(ReadOptionalInt(map, "workers", &out->workers));
  if (std::optional<Value> v = map.Find("precheck")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->precheck.emplace()));
  }
  if (std::optional<Value> v = map.Find("version_schemas")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->version_schemas.emplace()));
  }
  if (std::optional<Value> v = map.Find("writer_by_search_path")) {
    PGPHASE_RETURN_IF_ERROR(ReadBool(*v, &out->writer_by_search_path.emplace()));
  }
  if (out->batch_size_min && out->batch_size_max && *out->batch_size_min > *out->batch_size_max) {
    return ErrorAt(*map.Find("batch_size_max"), "must be at least batch_size_min (" +
                                                    std::to_string(*out->batch_size_min) + ")");
  }
  return Status::Ok();
}

}  // namespace pgphase::spec_internal
