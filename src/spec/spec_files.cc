// LoadSpecFile and ExpandSpecPaths: the spec module's file system side.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "pgphase/spec_reader.h"
#include "spec/migration_name.h"

namespace pgphase {

namespace fs = std::filesystem;

namespace spec_internal {

bool HasSpecExtension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

std::string MigrationName(const std::string& path) {
  std::string base = fs::path(path).filename().string();
  for (std::string_view ext : {".yaml", ".yml"}) {
    if (base.size() >= ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0) {
      return base.substr(0, base.size() - ext.size());
    }
  }
  return base;
}

bool IsValidMigrationName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

}  // namespace spec_internal

namespace {

Status CannotRead(const std::string& path, int error) {
  return Status::Invalid(path + ": cannot read: " + std::strerror(error));
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return CannotRead(path, errno);
  char buf[64 * 1024];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out->append(buf, n);
  // fopen succeeds on a directory; the read then fails with EISDIR.
  if (std::ferror(f.get())) return CannotRead(path, errno);
  return Status::Ok();
}

// Appends the *.yaml / *.yml files directly inside `dir`.
Status ListDirectory(const std::string& dir, std::vector<std::string>* out) {
  std::error_code ec;
  size_t before = out->size();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::string file = (fs::path(dir) / it->path().filename()).string();
    if (spec_internal::HasSpecExtension(file)) out->push_back(file);
  }
  if (ec) return Status::Invalid(dir + ": cannot read directory: " + ec.message());
  if (out->size() == before) {
    return Status::Invalid(dir + ": directory has no migration files (*.yaml, *.yml)");
  }
  return Status::Ok();
}

// The same file named twice (say, a directory and one of its files) counts once.
void RemoveSameFiles(std::vector<std::string>* files) {
  std::vector<std::string> kept;
  std::vector<fs::path> seen;
  for (std::string& file : *files) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (ec) canonical = file;
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    kept.push_back(std::move(file));
  }
  *files = std::move(kept);
}

}  // namespace

Result<ChangeSpec> LoadSpecFile(const std::string& path) {
  std::string text;
  PGPHASE_RETURN_IF_ERROR(ReadWholeFile(path, &text));
  return ParseSpec(text, path);
}

Result<std::vector<std::string>> ExpandSpecPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st)) {
      std::string why = ec ? ec.message() : std::strerror(ENOENT);
      return Status::Invalid(path + ": " + why);
    }
    if (fs::is_directory(st)) {
      PGPHASE_RETURN_IF_ERROR(ListDirectory(path, &files));
    } else {
      files.push_back(path);
    }
  }
  RemoveSameFiles(&files);
  std::stable_sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return spec_internal::MigrationName(a) < spec_internal::MigrationName(b);
  });
  for (size_t i = 1; i < files.size(); ++i) {
    std::string name = spec_internal::MigrationName(files[i]);
    if (name == spec_internal::MigrationName(files[i - 1])) {
      return Status::Invalid("two files have migration name \"" + name + "\": " + files[i - 1] +
                             " and " + files[i]);
    }
  }
  return files;
}

}  // namespace pgphase
