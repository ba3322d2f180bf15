// The one file that uses Boost.Asio: an acceptor and one Session per connection, all on
// the server's thread (one io_context, run by one std::thread).
#include "exec/http_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <cctype>
#include <sstream>
#include <thread>

namespace pgphase::exec {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Internal Server Error";
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "GET /x HTTP/1.1\r\nContent-Length: 3\r\n..." -> method, target and the body's length;
// false when the request line is not one.
bool ParseHead(const std::string& head, HttpRequest& req, size_t& content_length) {
  std::istringstream in(head);
  std::string line, version;
  if (!std::getline(in, line)) return false;
  std::istringstream first(line);
  if (!(first >> req.method >> req.target >> version) || version.rfind("HTTP/", 0) != 0)
    return false;
  content_length = 0;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || Lower(line.substr(0, colon)) != "content-length") continue;
    // Digits only (stoul would take "-1" for a huge length), and few enough to fit.
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    if (value.empty() || value.size() > 12 || !std::all_of(value.begin(), value.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        }))
      return false;
    content_length = std::stoul(value);
  }
  return true;
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpHandler h, HttpLimits l) : handler(std::move(h)), limits(l) {}
  void Accept();

  int open = 0;  // connections being served (the server's thread only); outlives `io`
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};  // after a failed accept (out of descriptors): not a spin
  HttpHandler handler;
  HttpLimits limits;
  std::string address;
  std::thread thread;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : socket_(std::move(socket)),
        timer_(server.io),
        buf_(server.limits.max_request_bytes),
        server_(server) {
    ++server_.open;
  }
  ~Session() { --server_.open; }

  void Start() {
    boost::system::error_code ec;
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) req_.peer = fmt::format("{}:{}", peer.address().to_string(), peer.port());
    timer_.expires_after(server_.limits.request_timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
      if (!e) self->Close();
    });
    asio::async_read_until(
        socket_, buf_, "\r\n\r\n",
        [self = shared_from_this()](boost::system::error_code e, size_t n) { self->OnHead(e, n); });
  }

 private:
  void OnHead(boost::system::error_code ec, size_t n) {
    if (ec == asio::error::not_found) return Respond({431, "text/plain", "request too large\n"});
    if (ec) return Close();
    const std::string head(asio::buffers_begin(buf_.data()), asio::buffers_begin(buf_.data()) + n);
    buf_.consume(n);
    size_t length = 0;
    if (!ParseHead(head, req_, length)) return Respond({400, "text/plain", "bad request\n"});
    if (length > server_.limits.max_request_bytes - n)
      return Respond({413, "text/plain", "body too large\n"});
    const size_t have = std::min(length, buf_.size());
    asio::async_read(socket_, buf_, asio::transfer_exactly(length - have),
                     [self = shared_from_this(), length](boost::system::error_code e, size_t) {
                       if (e) return self->Close();
                       self->req_.body.assign(asio::buffers_begin(self->buf_.data()),
                                              asio::buffers_begin(self->buf_.data()) + length);
                       self->Respond(self->Handle());
                     });
  }

  HttpResponse Handle() {
    try {
      return server_.handler(req_);
    } catch (const std::exception& e) {
      return {500, "text/plain", std::string(e.what()) + "\n"};
    }
  }

  void Respond(const HttpResponse& r) {
    out_ = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        r.status, Reason(r.status), r.content_type, r.body.size(), r.body);
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this()](boost::system::error_code, size_t) { self->Close(); });
  }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  asio::streambuf buf_;
  HttpServer::Impl& server_;
  HttpRequest req_;
  std::string out_;
};

// "HOST:PORT", "[v6]:PORT", ":PORT", "PORT" -> host (loopback when none) and port.
bool SplitAddress(const std::string& in, std::string& host, std::string& port) {
  const size_t colon = in.rfind(':');
  host = colon == std::string::npos ? "" : in.substr(0, colon);
  port = colon == std::string::npos ? in : in.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  return !port.empty() && std::all_of(port.begin(), port.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this](boost::system::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    if (open < limits.max_connections) {
      std::make_shared<Session>(std::move(socket), *this)->Start();
    } else {
      boost::system::error_code ignored;
      socket.close(ignored);  // over the cap: refused at once, costing nothing
    }
    Accept();
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& host_port,
                                                      HttpHandler handler, HttpLimits limits) {
  std::string host, port;
  if (!SplitAddress(host_port, host, port))
    return Status::Invalid("--metrics-addr: expected HOST:PORT, got '" + host_port + "'");
  auto impl = std::make_unique<Impl>(std::move(handler), limits);
  try {
    tcp::resolver resolver(impl->io);
    const tcp::endpoint at = *resolver.resolve(host, port, tcp::resolver::passive).begin();
    impl->acceptor.open(at.protocol());
    impl->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl->acceptor.bind(at);
    impl->acceptor.listen();
    const tcp::endpoint bound = impl->acceptor.local_endpoint();
    const std::string addr = bound.address().to_string();
    impl->address = bound.address().is_v6() ? fmt::format("[{}]:{}", addr, bound.port())
                                            : fmt::format("{}:{}", addr, bound.port());
  } catch (const boost::system::system_error& e) {
    return Status::Invalid(fmt::format("--metrics-addr {}: {}", host_port, e.code().message()));
  }
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

const std::string& HttpServer::address() const { return impl_->address; }

}  // namespace pgphase::exec
