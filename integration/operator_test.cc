// --metrics-addr: /metrics, /status and live control of a running apply, and clients that
// try to get in its way.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "harness.h"

namespace pgphase::it {
namespace {

struct HttpReply {
  int status = 0;  // 0: no answer
  std::string body;
};

// A TCP connection to 127.0.0.1:port, or -1; reads give up after `timeout`.
int ConnectTo(int port, Millis timeout = Millis(5000)) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

HttpReply ReadReply(int fd) {
  std::string raw;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<size_t>(n));
  HttpReply r;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) r.status = std::atoi(raw.c_str() + 9);
  const size_t body = raw.find("\r\n\r\n");
  if (body != std::string::npos) r.body = raw.substr(body + 4);
  return r;
}

HttpReply Http(int port, const std::string& method, const std::string& path,
               const std::string& body = "") {
  const int fd = ConnectTo(port);
  if (fd < 0) return {};
  SendAll(fd, method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
  HttpReply r = ReadReply(fd);
  close(fd);
  return r;
}

// A port nobody listens on now (the kernel's pick for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  EXPECT_TRUE(ok) << "no free port";
  return ntohs(addr.sin_port);
}

// The value of the first sample of `metric` (with its labels, as written) in an exposition;
// -1 when absent.
double Sample(const std::string& exposition, const std::string& metric) {
  const size_t at = exposition.find("\n" + metric + " ");
  if (at == std::string::npos) return -1;
  return std::stod(exposition.substr(at + metric.size() + 2));
}

class OperatorEndpointTest : public OrdersTest {
 protected:
  // Starts a slow backfill of 50k rows (at most 200 a batch, 50ms between: some 15s)
  // serving on a free port, and waits until it has done some rows.
  void StartBackfill() {
    SeedOrders(50000);
    port_ = FreePort();
    const std::string settings =
        "  batch_size_min: 100\n  batch_size_max: 200\n  target_batch_time: 20ms\n";
    pid_ = Spawn({"apply", WriteOrdersSpec(kMigration, settings), "--through", "backfill",
                  "--batch-delay", "50ms", "--metrics-addr", "127.0.0.1:" + std::to_string(port_)});
    ASSERT_TRUE(Eventually([&] { return RowsDone() > 0; }, Millis(30000), pid_));
  }

  // pgphase_backfill_rows_done of the orders backfill, as /metrics says.
  double RowsDone() {
    return Sample(Http(port_, "GET", "/metrics").body, "pgphase_backfill_rows_done{migration=\"" +
                                                           std::string(kMigration) +
                                                           "\",table=\"orders\"}");
  }

  // Stops the apply through POST /stop; it exits 5.
  void StopIt() {
    EXPECT_EQ(Http(port_, "POST", "/stop").status, 200);
    const RunResult r = WaitExit(pid_, Millis(30000));
    EXPECT_EQ(r.exit_code, 5) << r;
    EXPECT_NE(r.err.find("stopped by POST /stop from 127.0.0.1:"), std::string::npos) << r;
  }

  // The backfill's progress in `status --json`.
  nlohmann::json StatusProgress() {
    const RunResult r = Run({"status", "--json"});
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r;
    if (j.is_discarded()) return {};
    return j["migrations"][0]["phases"][2].value("progress", nlohmann::json::object());
  }

  std::string EventDetail(const std::string& event) {
    return ScalarOptP("SELECT string_agg(detail, '; ') FROM pgphase.events WHERE event = $1", event)
        .value_or("");
  }

  int port_ = 0;
  pid_t pid_ = -1;
};

TEST_F(OperatorEndpointTest, MetricsAndStatusAdvanceWhileAThrottledBackfillRuns) {
  StartBackfill();
  const double first = RowsDone();
  EXPECT_TRUE(Eventually([&] { return RowsDone() > first; }, Millis(20000), pid_));
  const std::string metrics = Http(port_, "GET", "/metrics").body;
  EXPECT_EQ(Sample(metrics, "pgphase_backfill_rows_total{migration=\"" + std::string(kMigration) +
                                "\",table=\"orders\"}"),
            50000);
  EXPECT_GT(Sample(metrics, "pgphase_backfill_batch_seconds_count"), 0);
  EXPECT_GT(Sample(metrics, "pgphase_throttled_seconds_total{reason=\"batch_delay\"}"), 0);
  EXPECT_EQ(Sample(metrics, "pgphase_phase_status{migration=\"" + std::string(kMigration) +
                                "\",phase=\"backfill\",status=\"running\"}"),
            1);

  auto status_rows = [&] {
    const auto j = nlohmann::json::parse(Http(port_, "GET", "/status").body, nullptr, false);
    if (j.is_discarded()) return -1LL;
    for (const auto& p : j["migrations"][0]["phases"])
      if (p["name"] == "backfill" && p.contains("progress"))
        return p["progress"]["rows_done"].get<long long>();
    return -1LL;
  };
  const long long at = status_rows();
  EXPECT_GT(at, 0);
  EXPECT_TRUE(Eventually([&] { return status_rows() > at; }, Millis(20000), pid_));
  EXPECT_EQ(Http(port_, "GET", "/healthz").body, "ok\n");
  StopIt();
  EXPECT_NE(EventDetail("operator_stop").find("POST /stop from 127.0.0.1:"), std::string::npos);
}

TEST_F(OperatorEndpointTest, ExpositionPassesPromtool) {
  if (RunCommand({"promtool", "--version"}).exit_code != 0)
    GTEST_SKIP() << "promtool not installed (Debian package prometheus; scripts/bootstrap.sh)";
  StartBackfill();
  const std::string file = temp_dir() + "/metrics.txt";
  std::ofstream(file) << Http(port_, "GET", "/metrics").body;
  const RunResult r = RunCommand({"sh", "-c", "promtool check metrics < " + file});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err + r.out, "") << "promtool lint findings";
  StopIt();
}

TEST_F(OperatorEndpointTest, SettingsChangeTheBatchSizeOfTheNextCheckpoint) {
  StartBackfill();
  auto stored = [&] { return ScalarInt("SELECT max(batch_size) FROM pgphase.backfill"); };
  ASSERT_NE(stored(), 137);
  const HttpReply r = Http(port_, "POST", "/settings", R"({"batch_size_max": 137})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Eventually([&] { return stored() == 137; }, Millis(10000), pid_));
  EXPECT_EQ(Http(port_, "POST", "/settings", R"({"batch_size": 1})").status, 400);
  EXPECT_NE(EventDetail("operator_settings").find("batch_size_max"), std::string::npos);
  StopIt();
}

TEST_F(OperatorEndpointTest, ThrottleHoldsProgressAndResumeRestartsIt) {
  StartBackfill();
  ASSERT_EQ(Http(port_, "POST", "/throttle").status, 200);
  auto held_for = [&] {
    return Sample(Http(port_, "GET", "/metrics").body,
                  "pgphase_throttled_seconds_total{reason=\"manual\"}");
  };
  // Once the loop has held for a turn, no batch is under way.
  ASSERT_TRUE(Eventually([&] { return held_for() > 0; }, Millis(10000), pid_));
  const long long held = BackfillRowsDone(kMigration);
  std::this_thread::sleep_for(Millis(1000));
  EXPECT_EQ(BackfillRowsDone(kMigration), held) << "batches ran while throttled";
  EXPECT_FALSE(TryReap(pid_)) << "the process ended while throttled";
  EXPECT_GT(held_for(), 0.5);
  const nlohmann::json held_progress = StatusProgress();
  EXPECT_EQ(held_progress.value("throttled_by", ""), "held by POST /throttle") << held_progress;
  EXPECT_GT(held_progress.value("batch_size", 0), 0) << held_progress;
  ASSERT_EQ(Http(port_, "POST", "/resume").status, 200);
  EXPECT_TRUE(Eventually([&] { return BackfillRowsDone(kMigration) > held; }, Millis(10000), pid_));
  EXPECT_FALSE(StatusProgress().contains("throttled_by")) << "still throttled after /resume";
  EXPECT_NE(EventDetail("operator_throttle").find("from 127.0.0.1:"), std::string::npos);
  EXPECT_NE(EventDetail("operator_resume").find("from 127.0.0.1:"), std::string::npos);
  StopIt();
}

TEST_F(OperatorEndpointTest, HostileClientsNeverHoldUpTheBackfill) {
  StartBackfill();
  std::vector<int> idle;  // half-open: connected, never a byte sent
  for (int i = 0; i < 500; ++i) idle.push_back(ConnectTo(port_));
  const int big = ConnectTo(port_);  // a 1 MB header
  SendAll(big, "GET /metrics HTTP/1.1\r\nX-Big: " + std::string(1 << 20, 'a'));
  const long long during = BackfillRowsDone(kMigration);
  EXPECT_TRUE(
      Eventually([&] { return BackfillRowsDone(kMigration) > during + 1000; }, Millis(10000), pid_))
      << "the backfill slowed down under hostile clients";
  for (int fd : idle)
    if (fd >= 0) close(fd);
  close(big);
  EXPECT_TRUE(
      Eventually([&] { return Http(port_, "GET", "/healthz").status == 200; }, Millis(10000), pid_))
      << "the endpoint did not recover";
  auto raw = [&](const std::string& request) {
    const int fd = ConnectTo(port_);
    SendAll(fd, request);
    const HttpReply r = ReadReply(fd);
    close(fd);
    return r.status;
  };
  EXPECT_EQ(raw("NONSENSE\r\n\r\n"), 400);
  EXPECT_EQ(raw("POST /settings HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"), 413);
  EXPECT_EQ(raw("POST /settings HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(raw("GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n"), 431);
  StopIt();
}

TEST_F(OperatorEndpointTest, BadOrBusyAddressIsInvalidBeforeAnythingRuns) {
  SeedOrders(10);
  const std::string spec = WriteOrdersSpec();
  const int busy = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(busy, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(busy, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(busy, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  for (const std::string& at : {taken, std::string("nonsense"), std::string("no.such.host:1")}) {
    const RunResult r = Run({"apply", spec, "--metrics-addr", at});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find("--metrics-addr"), std::string::npos) << r;
  }
  const RunResult r = Run({"reverse", kMigration, "--metrics-addr", taken});
  EXPECT_EQ(r.exit_code, 2) << r;
  close(busy);
  EXPECT_FALSE(RelationExists("pgphase.migrations")) << "apply ran despite the bad address";
}

}  // namespace
}  // namespace pgphase::it
