#include "cli/log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <streambuf>

#include "pgphase/exec.h"

namespace pgphase::cli {
namespace {

Result<std::string> FlagValue(std::vector<std::string>& args, size_t& i, const std::string& flag) {
  const std::string& a = args[i];
  if (a.rfind(flag + "=", 0) == 0) {
    std::string v = a.substr(flag.size() + 1);
    args.erase(args.begin() + static_cast<long>(i--));
    return v;
  }
  if (i + 1 >= args.size()) return Status::Invalid(flag + ": expected a value");
  std::string v = args[i + 1];
  args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
  --i;
  return v;
}

std::string Now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     static_cast<int>(ms.count() % 1000));
}

// The fields a line carries beyond its words.
nlohmann::ordered_json Fields(const std::string& message, const LiveContext& c) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  if (c.backfill && (message.rfind("backfill ", 0) == 0 || message.rfind("verify ", 0) == 0)) {
    fields["rows_done"] = c.rows_done;
    fields["rows_total"] = c.rows_total;
    fields["rows_per_second"] = c.rows_per_second;
    fields["batch_size"] = c.batch_size;
    if (!c.throttled_by.empty()) fields["throttled_by"] = c.throttled_by;
  }
  // A fleet's line per target and phase (cli/fleet_run.cc): "db1: swap done (0.12s)".
  static const std::regex kFleetLine(
      R"(^(\S+): (expand|sync|backfill|validate|swap|contract|reverse) (done|failed|stopped) )"
      R"(\((?:exit \d+, )?([0-9.]+)s\))");
  std::smatch f;
  if (std::regex_search(message, f, kFleetLine)) {
    fields["target"] = f[1].str();
    fields["target_phase"] = f[2].str();
    fields["target_status"] = f[3].str();
    fields["seconds"] = std::stod(f[4].str());
  }
  static const std::regex kSqlstate("SQLSTATE ([0-9A-Z]{5})");
  std::smatch m;
  if (std::regex_search(message, m, kSqlstate)) fields["sqlstate"] = m[1].str();
  return fields;
}

std::string JsonLine(spdlog::level::level_enum level, const std::string& line) {
  const LiveContext c = CurrentLiveContext();
  const std::string message = line.substr(std::min(line.find_first_not_of(' '), line.size()));
  const auto name = spdlog::level::to_string_view(level);
  return nlohmann::ordered_json({{"time", Now()},
                                 {"level", std::string(name.data(), name.size())},
                                 {"migration", c.migration},
                                 {"phase", c.phase},
                                 {"step", c.step},
                                 {"message", message},
                                 {"fields", Fields(message, c)}})
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A line that warns, on either stream: the server's warnings, lock and batch timeouts
// being retried, a hook that failed.
bool IsWarning(const std::string& line) {
  const std::string_view m =
      std::string_view(line).substr(std::min(line.find_first_not_of(' '), line.size()));
  for (std::string_view w : {"warning", "WARNING", "lock timeout", "batch timed out", "--notify"})
    if (m.substr(0, w.size()) == w) return true;
  return false;
}

// A stream buffer that hands each finished line to `logger`. In text, a line flushed
// unfinished (a terminal's progress bar, redrawn with \r) is written to `file` at once.
class LineLogger final : public std::streambuf {
 public:
  LineLogger(std::shared_ptr<spdlog::logger> logger, spdlog::level::level_enum level, bool json,
             FILE* file)
      : logger_(std::move(logger)), level_(level), json_(json), file_(file) {}
  ~LineLogger() override {
    if (!line_.empty()) Emit();
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return 0;
    if (c == '\n') {
      Emit();
    } else {
      line_ += static_cast<char>(c);
    }
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) overflow(static_cast<unsigned char>(s[i]));
    return n;
  }
  // A line flushed unfinished is a terminal's progress bar, redrawn after a \r: in text it
  // is drawn at once; in json only its last drawing is kept, for the line it ends in.
  int sync() override {
    const size_t redraw = line_.rfind('\r');
    if (redraw == std::string::npos) return 0;
    if (json_) {
      line_ = Drawing(line_.substr(redraw + 1));
    } else {
      std::fputs(line_.c_str(), file_);
      std::fflush(file_);
      line_.clear();
    }
    return 0;
  }

 private:
  // A progress bar's words: without the bar ("  [####    ] ") and the terminal control
  // ("\033[K": clear to the end of the line).
  static std::string Drawing(std::string s) {
    for (size_t at; (at = s.find("\033[K")) != std::string::npos;) s.erase(at, 3);
    const size_t bar = s.find_first_not_of(' ');
    if (bar != std::string::npos && s[bar] == '[' && s.find("] ", bar) != std::string::npos)
      s.erase(0, s.find("] ", bar) + 2);
    return s;
  }

  void Emit() {
    const size_t redraw = line_.rfind('\r');
    if (json_ && redraw != std::string::npos) line_ = Drawing(line_.substr(redraw + 1));
    const auto level = IsWarning(line_) ? spdlog::level::warn : level_;
    logger_->log(level, "{}", json_ ? JsonLine(level, line_) : line_);
    line_.clear();
  }

  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum level_;
  bool json_;
  FILE* file_;
  std::string line_;
};

std::shared_ptr<spdlog::logger> MakeLogger(const char* name,
                                           std::shared_ptr<spdlog::sinks::sink> sink,
                                           const LogFlags& flags) {
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(flags.level));
  return logger;
}

}  // namespace

Result<LogFlags> TakeLogFlags(std::vector<std::string>& args) {
  LogFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--log-format" || a.rfind("--log-format=", 0) == 0) {
      auto v = FlagValue(args, i, "--log-format");
      if (!v.ok()) return v.status();
      if (*v != "text" && *v != "json")
        return Status::Invalid("--log-format: expected text or json, got '" + *v + "'");
      flags.json = *v == "json";
    } else if (a == "--log-level" || a.rfind("--log-level=", 0) == 0) {
      auto v = FlagValue(args, i, "--log-level");
      if (!v.ok()) return v.status();
      if (spdlog::level::from_str(*v) == spdlog::level::off && *v != "off")
        return Status::Invalid(
            "--log-level: expected trace, debug, info, warn, error, critical or off, got '" + *v +
            "'");
      flags.level = *v;
    }
  }
  return flags;
}

struct LogSetup::Impl {
  LineLogger out, err;
  std::streambuf* cout_was;
  std::streambuf* cerr_was;
};

LogSetup::LogSetup(const LogFlags& flags) {
  auto out = MakeLogger("stdout", std::make_shared<spdlog::sinks::stdout_sink_mt>(), flags);
  auto err = MakeLogger("stderr", std::make_shared<spdlog::sinks::stderr_sink_mt>(), flags);
  impl_.reset(new Impl{{out, spdlog::level::info, flags.json, stdout},
                       {err, spdlog::level::err, flags.json, stderr},
                       nullptr,
                       nullptr});
  impl_->cout_was = std::cout.rdbuf(&impl_->out);
  impl_->cerr_was = std::cerr.rdbuf(&impl_->err);
}

LogSetup::~LogSetup() {
  std::cout.rdbuf(impl_->cout_was);
  std::cerr.rdbuf(impl_->cerr_was);
}

}  // namespace pgphase::cli
