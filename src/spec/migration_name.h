// Migration names from file paths (private to the spec module).
#pragma once

#include <string>

namespace pgphase::spec_internal {

// True if `path` ends in ".yaml" or ".yml".
bool HasSpecExtension(const std::string& path);

// The file's base name without ".yaml"/".yml": "plans/0007_x.yaml" -> "0007_x".
std::string MigrationName(const std::string& path);

// True if `name` is made of [A-Za-z0-9_.-] only, is not empty and is not "." or "..".
bool IsValidMigrationName(const std::string& name);

}  // namespace pgphase::spec_internal
