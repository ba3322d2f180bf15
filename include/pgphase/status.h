// Status and Result<T>: expected failures carried outward as values.
//
// Every module returns Status/Result for failures a user can cause or meet
// (bad YAML, unsupported change, lock timeout, drift). Library exceptions are
// caught in the file that calls the library and turned into one of these.
// The code doubles as the process exit code (DESIGN "Command line").
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pgphase {

enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,         // runtime failure (database error, step failed)
  kInvalid = 2,         // invalid input: spec, flags, drift, checksum, conflict
  kGateNotReached = 3,  // `wait` timed out
  kBusy = 4,            // another executor holds the lock
  kStopped = 5,         // stopped at a safe point (signal, pause, window end)
};

class Status {
 public:
  Status() = default;  // OK
  Status(ExitCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status Failure(std::string m) { return Status(ExitCode::kFailure, std::move(m)); }
  static Status Invalid(std::string m) { return Status(ExitCode::kInvalid, std::move(m)); }
  static Status GateNotReached(std::string m) {
    return Status(ExitCode::kGateNotReached, std::move(m));
  }
  static Status Busy(std::string m) { return Status(ExitCode::kBusy, std::move(m)); }
  static Status Stopped(std::string m) { return Status(ExitCode::kStopped, std::move(m)); }

  bool ok() const { return code_ == ExitCode::kOk; }
  ExitCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ExitCode code_ = ExitCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace pgphase

#define PGPHASE_RETURN_IF_ERROR(expr) \
  do {                                \
    ::pgphase::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)
