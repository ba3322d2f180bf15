// StartMetricsEndpoint (pgphase/exec.h): the fleet's /metrics, served by exec's HttpServer.
#include "exec/http_server.h"
#include "pgphase/exec.h"

namespace pgphase {
namespace {

class MetricsEndpoint final : public OperatorEndpoint {
 public:
  explicit MetricsEndpoint(std::unique_ptr<exec::HttpServer> server) : server_(std::move(server)) {}
  std::string Address() const override { return server_->address(); }

 private:
  std::unique_ptr<exec::HttpServer> server_;
};

}  // namespace

Result<std::unique_ptr<OperatorEndpoint>> StartMetricsEndpoint(
    const std::string& host_port, std::function<std::string()> metrics) {
  auto server = exec::HttpServer::Start(host_port, [metrics](const exec::HttpRequest& req) {
    exec::HttpResponse res;
    if (req.method == "GET" && req.target == "/metrics") {
      res.content_type = "text/plain; version=0.0.4";
      res.body = metrics();
    } else if (req.method == "GET" && req.target == "/healthz") {
      res.body = "ok\n";
    } else {
      res.status = 404;
      res.body = "not found\n";
    }
    return res;
  });
  if (!server.ok()) return server.status();
  return std::unique_ptr<OperatorEndpoint>(std::make_unique<MetricsEndpoint>(std::move(*server)));
}

}  // namespace pgphase
