// HttpServer: a small HTTP/1.1 server on its own thread, for the operator endpoint
// (--metrics-addr). Boost.Asio stays in http_server.cc: this header is all others see.
//
// One request per connection (`Connection: close`), handled in arrival order on the
// server's thread. Hostile clients cost it little and the rest of the process nothing:
// a connection that has not sent its whole request within `request_timeout` is closed, a
// request larger than `max_request_bytes` gets 431 and is closed, and connections beyond
// `max_connections` are closed as soon as they are accepted. Thread-safe to construct and
// destroy from one thread; the handler runs on the server's thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pgphase/duration.h"
#include "pgphase/status.h"

namespace pgphase::exec {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/metrics", query string included
  std::string body;
  std::string peer;  // "127.0.0.1:53422"
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct HttpLimits {
  Millis request_timeout{5000};
  size_t max_request_bytes = 16 * 1024;  // request line, headers and body
  int max_connections = 32;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Listens on `host_port` ("HOST:PORT", "[v6]:PORT"; ":PORT" or "PORT": loopback; port 0
  // picks a free one) and serves `handler` until destroyed. kInvalid when the address does
  // not parse, does not resolve, or cannot be bound (in use, not ours).
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& host_port,
                                                   HttpHandler handler, HttpLimits limits = {});
  ~HttpServer();  // stops the thread; connections still open are closed
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Where it listens, as "HOST:PORT" with the port bound.
  const std::string& address() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgphase::exec
