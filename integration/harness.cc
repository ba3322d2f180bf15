#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

#ifndef PGPHASE_BINARY
#define PGPHASE_BINARY ""
#endif

namespace pgphase::it {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kShowLimit = 8000;  // bytes of each stream shown in a failure message

std::string JoinArgs(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\;$`") == std::string::npos;
    s += plain ? a : "'" + a + "'";
  }
  return s;
}

std::string Capped(const std::string& s) {
  if (s.size() <= kShowLimit) return s;
  return s.substr(0, kShowLimit / 2) + "\n[... " + std::to_string(s.size() - kShowLimit) +
         " bytes cut ...]\n" + s.substr(s.size() - kShowLimit / 2);
}

std::vector<char*> CArgv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

void FillExit(RunResult& r, int wait_status) {
  if (WIFEXITED(wait_status)) {
    r.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    r.term_signal = WTERMSIG(wait_status);
    r.exit_code = 128 + r.term_signal;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool KeepRequested() { return std::getenv("PGPHASE_KEEP_DB") != nullptr; }

std::string CurrentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "unknown";
  return std::string(info->test_suite_name()) + "_" + info->name();
}

// A literal for a string in SQL text (only used for names the harness made itself).
std::string QuoteLiteral(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  os << "\n$ " << r.command << "\nexit code: " << r.exit_code;
  if (r.term_signal != 0) os << " (killed by signal " << r.term_signal << ")";
  if (r.timed_out) os << " (TIMED OUT: killed by the harness)";
  os << " after " << r.elapsed.count() << "ms";
  os << "\n--- stdout ---\n"
     << Capped(r.out) << "\n--- stderr ---\n"
     << Capped(r.err) << "\n--------------\n";
  return os;
}

RunResult RunCommand(const std::vector<std::string>& argv, Millis timeout) {
  RunResult r;
  r.command = JoinArgs(argv);
  const auto start = Clock::now();
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.exit_code = 127;
    r.err = std::string("harness: pipe failed: ") + std::strerror(errno);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid = -1;
  auto cargv = CArgv(argv);
  int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.exit_code = 127;
    r.err = "harness: cannot start " + argv[0] + ": " + std::strerror(rc);
    return r;
  }

  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  const auto deadline = start + timeout;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0 && !r.timed_out) {
      kill(pid, SIGKILL);  // pipes then hit EOF (unless a grandchild holds them)
      r.timed_out = true;
    }
    if (r.timed_out) left = 2000;
    int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      if (r.timed_out) break;  // killed and still no EOF: stop waiting for grandchildren
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  FillExit(r, status);
  r.elapsed = std::chrono::duration_cast<Millis>(Clock::now() - start);
  return r;
}

std::optional<std::string> AdminUrl() {
  const char* v = std::getenv("PGPHASE_TEST_DB");
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string BinaryPath() {
  const char* v = std::getenv("PGPHASE_BINARY");
  if (v != nullptr && *v != '\0') return v;
  return PGPHASE_BINARY;
}

std::string PgDumpPath() {
  static const std::string path = [] {
    if (const char* v = std::getenv("PGPHASE_PG_BINDIR"); v != nullptr && *v != '\0') {
      return (fs::path(v) / "pg_dump").string();
    }
    RunResult r = RunCommand({"pg_config", "--bindir"}, Millis(10'000));
    if (r.exit_code == 0) {
      fs::path p = fs::path(Trim(r.out)) / "pg_dump";
      if (fs::exists(p)) return p.string();
    }
    // The newest installed major version.
    std::string best;
    int best_major = -1;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      fs::path p = entry.path() / "bin" / "pg_dump";
      int major = std::atoi(entry.path().filename().c_str());
      if (fs::exists(p) && major > best_major) {
        best_major = major;
        best = p.string();
      }
    }
    return best.empty() ? std::string("pg_dump") : best;
  }();
  return path;
}

std::string DatabaseNameFor(const std::string& test_name, long pid) {
  std::string clean;
  bool last_underscore = false;
  for (unsigned char c : test_name) {
    char d = std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    if (d == '_' && last_underscore) continue;
    clean += d;
    last_underscore = d == '_';
  }
  uint32_t h = 2166136261u;  // FNV-1a keeps truncated names distinct
  for (unsigned char c : test_name) h = (h ^ c) * 16777619u;
  char hash[9];
  std::snprintf(hash, sizeof hash, "%08x", h);
  std::string suffix = std::string("_") + hash + "_" + std::to_string(pid);
  const std::string prefix = "pgphase_it_";
  size_t room = 63 - prefix.size() - suffix.size();
  if (clean.size() > room) clean.resize(room);
  return prefix + clean + suffix;
}

std::string WithDatabase(const std::string& conninfo, const std::string& dbname) {
  auto scheme = conninfo.find("://");
  bool is_url = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  if (!is_url) return conninfo + " dbname=" + QuoteLiteral(dbname);
  size_t authority = scheme + 3;
  size_t query = conninfo.find('?', authority);
  std::string head = conninfo.substr(0, query);
  std::string tail = query == std::string::npos ? "" : conninfo.substr(query);
  size_t slash = head.find('/', authority);
  if (slash != std::string::npos) head.resize(slash);
  return head + "/" + dbname + tail;
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int PhaseIndexOf(const std::string& phase) {
  const auto& all = AllPhases();
  auto it = std::find(all.begin(), all.end(), phase);
  return it == all.end() ? -1 : static_cast<int>(it - all.begin());
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Basename(const std::string& path) { return fs::path(path).filename().string(); }

// ---------------------------------------------------------------- TestDatabase

TestDatabase::TestDatabase(std::string admin_url, std::string name, bool keep)
    : admin_url_(std::move(admin_url)), name_(std::move(name)), keep_(keep) {
  if (name_.size() > 63)
    throw std::invalid_argument("database name longer than 63 bytes: " + name_);
  url_ = WithDatabase(admin_url_, name_);
  pqxx::connection admin(admin_url_);
  pqxx::nontransaction tx(admin);
  tx.exec0("DROP DATABASE IF EXISTS " + QuoteIdent(name_) + " WITH (FORCE)");
  tx.exec0("CREATE DATABASE " + QuoteIdent(name_));
}

TestDatabase::~TestDatabase() {
  if (keep_) {
    std::fprintf(stderr, "PGPHASE_KEEP_DB: kept database %s\n", url_.c_str());
    return;
  }
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + QuoteIdent(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot drop test database " << name_ << ": " << e.what();
  }
}

// ---------------------------------------------------------------- PgphaseTest

void PgphaseTest::SetUp() {
  keep_ = KeepRequested();
  auto admin = AdminUrl();
  ASSERT_TRUE(admin.has_value())
      << "PGPHASE_TEST_DB is not set. The integration tests need a running PostgreSQL: "
         "run scripts/test.sh, or start a server and export "
         "PGPHASE_TEST_DB=postgresql://USER@HOST:PORT/postgres (a role that may CREATE "
         "DATABASE).";
  char tmpl[] = "/tmp/pgphase_it_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr) << std::strerror(errno);
  dir_ = tmpl;
  try {
    db_ =
        std::make_unique<TestDatabase>(*admin, DatabaseNameFor(CurrentTestName(), getpid()), keep_);
  } catch (const std::exception& e) {
    FAIL() << "cannot create a test database through PGPHASE_TEST_DB (" << *admin
           << "): " << e.what();
  }
}

void PgphaseTest::TearDown() {
  for (auto& [pid, child] : children_) {
    if (child.result) continue;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  children_.clear();
  conn_.reset();
  db_.reset();  // drops the database (WITH FORCE) unless kept
  if (!dir_.empty()) {
    if (keep_) {
      std::fprintf(stderr, "PGPHASE_KEEP_DB: kept spec dir %s\n", dir_.c_str());
    } else {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
}

std::unique_ptr<pqxx::connection> PgphaseTest::Connect() const {
  return std::make_unique<pqxx::connection>(db_url());
}

pqxx::connection& PgphaseTest::conn() {
  if (!conn_ || !conn_->is_open()) conn_ = Connect();
  return *conn_;
}

void PgphaseTest::Exec(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  tx.exec(sql);
}

std::optional<std::string> PgphaseTest::ScalarOpt(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return r[0][0].c_str();
}

std::string PgphaseTest::Scalar(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  pqxx::result r = tx.exec(sql);
  if (r.empty()) {
    ADD_FAILURE() << "query returned no row: " << sql;
    return "";
  }
  return r[0][0].is_null() ? "NULL" : r[0][0].c_str();
}

long long PgphaseTest::ScalarInt(const std::string& sql) {
  std::string s = Scalar(sql);
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not an integer: '" << s << "' from: " << sql;
    return -1;
  }
}

Rows PgphaseTest::Query(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  pqxx::result r = tx.exec(sql);
  Rows rows;
  for (const auto& row : r) {
    std::vector<std::string> cells;
    for (const auto& f : row) cells.push_back(f.is_null() ? "NULL" : f.c_str());
    rows.push_back(std::move(cells));
  }
  return rows;
}

bool PgphaseTest::RelationExists(const std::string& qualified) {
  return ScalarOptP("SELECT to_regclass($1)::text", qualified).has_value();
}

RunResult PgphaseTest::Run(std::vector<std::string> args, Millis timeout) {
  args.push_back("--db");
  args.push_back(db_url());
  return RunNoDb(std::move(args), timeout);
}

RunResult PgphaseTest::RunNoDb(std::vector<std::string> args, Millis timeout) {
  args.insert(args.begin(), BinaryPath());
  return RunCommand(args, timeout);
}

pid_t PgphaseTest::Spawn(std::vector<std::string> args) {
  args.insert(args.begin(), BinaryPath());
  args.push_back("--db");
  args.push_back(db_url());
  return SpawnCommand(args);
}

pid_t PgphaseTest::SpawnCommand(const std::vector<std::string>& argv) {
  Child child;
  child.command = JoinArgs(argv);
  int seq = ++spawn_seq_;
  child.out_path = dir_ + "/spawn" + std::to_string(seq) + ".out";
  child.err_path = dir_ + "/spawn" + std::to_string(seq) + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, child.out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, child.err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  auto cargv = CArgv(argv);
  child.started = Clock::now();
  int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << child.command << ": " << std::strerror(rc);
    return -1;
  }
  children_[pid] = std::move(child);
  return pid;
}

RunResult PgphaseTest::Collect(Child& child, int wait_status) {
  RunResult r;
  r.command = child.command;
  FillExit(r, wait_status);
  r.out = ReadFile(child.out_path);
  r.err = ReadFile(child.err_path);
  r.elapsed = std::chrono::duration_cast<Millis>(Clock::now() - child.started);
  child.result = r;
  return r;
}

std::optional<RunResult> PgphaseTest::TryReap(pid_t pid) {
  auto it = children_.find(pid);
  if (it == children_.end()) {
    ADD_FAILURE() << "pid " << pid << " was not started by Spawn";
    return RunResult{};
  }
  if (it->second.result) return it->second.result;
  int status = 0;
  pid_t got = waitpid(pid, &status, WNOHANG);
  if (got == pid) return Collect(it->second, status);
  return std::nullopt;
}

RunResult PgphaseTest::WaitExit(pid_t pid, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (auto r = TryReap(pid)) return *r;
    std::this_thread::sleep_for(Millis(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r = Collect(children_[pid], status);
  r.timed_out = true;
  children_[pid].result = r;
  return r;
}

bool PgphaseTest::Signal(pid_t pid, int sig) {
  auto it = children_.find(pid);
  if (it != children_.end() && it->second.result) return false;  // already reaped
  return kill(pid, sig) == 0;
}

bool PgphaseTest::Eventually(const std::function<bool()>& pred, Millis timeout,
                             std::optional<pid_t> watched, Millis interval) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    if (watched && TryReap(*watched).has_value()) return pred();
    std::this_thread::sleep_for(interval);
  }
}

bool PgphaseTest::WaitForNoOtherSessions(Millis timeout, const std::string& application_like) {
  return Eventually(
      [&] {
        return ScalarOptP(
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                   "current_database() AND pid <> pg_backend_pid() AND "
                   "coalesce(application_name, '') LIKE $1",
                   application_like) == "0";
      },
      timeout);
}

std::string PgphaseTest::WriteSpec(const std::string& migration, const std::string& yaml) {
  std::string path = dir_ + "/" + migration + ".yaml";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << yaml;
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << path;
  return path;
}

std::string PgphaseTest::WriteAddColumnSpec(const std::string& migration, const std::string& table,
                                            const std::string& up, const std::string& column,
                                            const std::string& type, bool nullable,
                                            const std::string& settings) {
  std::string yaml;
  if (!settings.empty()) yaml += "settings:\n" + settings;
  yaml += "operations:\n  - add_column:\n      table: " + table + "\n      up: " + up +
          "\n      column:\n        name: " + column + "\n        type: " + type + "\n";
  if (nullable) yaml += "        nullable: true\n";
  return WriteSpec(migration, yaml);
}

std::string PgphaseTest::SchemaDump() { return SchemaDumpOf(db_url()); }

std::string SchemaDumpOf(const std::string& url) {
  RunResult r = RunCommand({PgDumpPath(), "--schema-only", "--no-owner", "--no-privileges",
                            "--exclude-schema=pgphase", "--dbname=" + url},
                           Millis(60'000));
  EXPECT_EQ(r.exit_code, 0) << "pg_dump failed" << r;
  // pg_dump >= 15.14 brackets its output with \restrict <random key>; drop those lines.
  std::istringstream in(r.out);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::string PgphaseTest::PhaseStatus(const std::string& migration, const std::string& phase) {
  if (!RelationExists("pgphase.phases")) return "";
  return ScalarOptP(
             "SELECT status::text FROM pgphase.phases WHERE migration::text = $1 "
             "AND phase::text = $2",
             migration, phase)
      .value_or("");
}

std::string PgphaseTest::MigrationStatus(const std::string& migration) {
  if (!RelationExists("pgphase.migrations")) return "";
  return ScalarOptP("SELECT status::text FROM pgphase.migrations WHERE name::text = $1", migration)
      .value_or("");
}

long long PgphaseTest::BackfillRowsDone(const std::string& migration) {
  if (!RelationExists("pgphase.backfill")) return 0;
  auto v = ScalarOptP(
      "SELECT sum(rows_done)::bigint FROM pgphase.backfill WHERE migration::text = $1", migration);
  return v ? std::stoll(*v) : 0;
}

void PgphaseTest::ExpectPhasesDoneThrough(const std::string& migration,
                                          const std::string& last_done) {
  const int last = last_done.empty() ? -1 : PhaseIndexOf(last_done);
  for (int i = 0; i < static_cast<int>(AllPhases().size()); ++i) {
    const std::string& phase = AllPhases()[i];
    std::string status = PhaseStatus(migration, phase);
    if (i <= last) {
      EXPECT_EQ(status, "done") << "pgphase.phases: " << migration << " " << phase;
    } else {
      EXPECT_TRUE(status == "pending" || status.empty())
          << "pgphase.phases: " << migration << " " << phase << " should not have started "
          << "(applied through " << (last_done.empty() ? "nothing" : last_done) << ") but is '"
          << status << "'";
    }
  }
}

bool PgphaseTest::AdvisoryLockHeldByOther() {
  return ScalarInt(
             "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
             "AND pid <> pg_backend_pid() AND database = "
             "(SELECT oid FROM pg_database WHERE datname = current_database())") > 0;
}

bool PgphaseTest::ColumnExists(const std::string& table, const std::string& column) {
  return ScalarOptP(
             "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) "
             "AND attname = $2 AND attnum > 0 AND NOT attisdropped",
             "public." + QuoteIdent(table), column)
      .has_value();
}

bool PgphaseTest::ColumnNotNull(const std::string& table, const std::string& column) {
  return ScalarOptP(
             "SELECT attnotnull::text FROM pg_attribute WHERE attrelid = to_regclass($1) "
             "AND attname = $2 AND attnum > 0 AND NOT attisdropped",
             "public." + QuoteIdent(table), column)
             .value_or("false") == "true";
}

std::string PgphaseTest::TypeOf(const std::string& table, const std::string& column) {
  return ScalarOptP(
             "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
             "to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped",
             "public." + QuoteIdent(table), column)
      .value_or("");
}

void PgphaseTest::Apply(const std::string& spec, const std::string& phase) {
  const RunResult r = Run({"apply", spec, "--through", phase});
  ASSERT_EQ(r.exit_code, 0) << r;
}

void PgphaseTest::Reverse(const std::string& migration) {
  const RunResult r = Run({"reverse", migration});
  ASSERT_EQ(r.exit_code, 0) << r;
}

long long PgphaseTest::UserTriggerCount(const std::string& table) {
  return std::stoll(*ScalarOptP(
      "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal",
      "public." + QuoteIdent(table)));
}

long long PgphaseTest::NotValidConstraintCount(const std::string& table) {
  return std::stoll(
      *ScalarOptP("SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass($1) "
                  "AND NOT convalidated",
                  "public." + QuoteIdent(table)));
}

long long PgphaseTest::CheckConstraintCount(const std::string& table) {
  return std::stoll(*ScalarOptP(
      "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c'",
      "public." + QuoteIdent(table)));
}

long long PgphaseTest::FunctionCountInSchema(const std::string& schema) {
  return std::stoll(
      *ScalarOptP("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                  "WHERE n.nspname = $1 AND p.proname <> 'record_sync_error'",
                  schema));
}

// ---------------------------------------------------------------- OrdersTest

void OrdersTest::SeedOrders(long long rows) {
  Exec(
      "CREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL, note text);"
      "INSERT INTO orders SELECT g, (g * 7919) % 1000, 'note ' || g "
      "FROM generate_series(1, " +
      std::to_string(rows) + ") g; ANALYZE orders;");
}

std::string OrdersTest::WriteOrdersSpec(const std::string& migration, const std::string& settings,
                                        const std::string& up) {
  return WriteAddColumnSpec(migration, "orders", up, "total", "bigint", false, settings);
}

long long OrdersTest::BadTotals() {
  return ScalarInt("SELECT count(*) FROM orders WHERE total IS DISTINCT FROM amount::bigint * 2");
}

long long OrdersTest::FilledTotals() {
  return ScalarInt("SELECT count(*) FROM orders WHERE total IS NOT NULL");
}

long long OrdersTest::OrdersCount() { return ScalarInt("SELECT count(*) FROM orders"); }

std::string OrdersTest::OriginalDataChecksum() {
  return Scalar(
      "SELECT md5(string_agg(id || ':' || amount || ':' || coalesce(note, '~'), ',' "
      "ORDER BY id)) FROM orders");
}

void OrdersTest::OldAppWrites(long long first_id, int n) {
  std::string first = std::to_string(first_id);
  std::string last = std::to_string(first_id + n - 1);
  Exec(
      "INSERT INTO orders (id, amount, note) SELECT g, g % 1000, 'old app' "
      "FROM generate_series(" +
      first + ", " + last +
      ") g;"
      "UPDATE orders SET amount = amount + 3 WHERE id BETWEEN 1 AND " +
      std::to_string(n) + ";");
}

std::string PgphaseTest::StateOf(const std::string& sql) {
  try {
    Exec(sql);
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate();
  }
  return "";
}

void PgphaseTest::ExpectCleanedUp(const std::string& table) {
  EXPECT_EQ(ScalarInt("SELECT count(*) FROM pg_attribute WHERE attrelid = '" + table +
                      "'::regclass AND attname LIKE '\\_pgphase%' AND NOT attisdropped"),
            0);
  EXPECT_EQ(UserTriggerCount(table), 0);
  EXPECT_EQ(FunctionCountInSchema("pgphase"), 0);
}

}  // namespace pgphase::it
