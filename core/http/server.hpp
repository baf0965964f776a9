#pragma once
// The HTTP/1.1 server shared by the daemon (webhooks, health, metrics) and the sandbox (API
// emulators): one coroutine per connection, plain or TLS, with the timeouts and limits that keep
// untrusted clients from holding it, a tiny router, counters and a graceful stop.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

namespace ngsync::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

using server_request = bhttp::request<bhttp::string_body>;
using server_response = bhttp::response<bhttp::string_body>;
using handler = std::function<net::awaitable<server_response>(server_request)>;

// Thrown by a handler to make the server close the connection without answering (with a TCP
// reset): how the sandbox emulates a dropped connection.
struct drop_connection : std::exception {
  const char* what() const noexcept override { return "drop_connection"; }
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                // 0: an ephemeral port, read it back with server::port()
  std::size_t body_limit = 1024 * 1024;  // larger bodies get 413
  // The whole header of a request must arrive within this (slow-loris guard); also bounds the
  // TLS handshake.
  std::chrono::milliseconds header_timeout{10'000};
  // The body, once the header is in, must arrive within this.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // A keep-alive connection with no new request for this long is closed.
  std::chrono::milliseconds idle_timeout{60'000};
  // Connections past this are closed right after accept.
  std::size_t max_connections = 512;
  // Connections from one remote address past this are closed right after accept.
  std::size_t max_connections_per_client = 64;
  // How long stop() lets in-flight requests finish before it closes their sockets.
  std::chrono::milliseconds stop_grace{5'000};
  // Set for HTTPS; shared so the context outlives every connection.
  std::shared_ptr<net::ssl::context> tls;
  std::string server_header = "ngsync";
};

class server {
 public:
  server(net::any_io_executor executor, server_options options, handler h);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds, listens and starts accepting. Throws boost::system::system_error when the address
  // cannot be bound (a start-up error).
  void start();
  // The bound port (after start()).
  std::uint16_t port() const;
  // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (up to
  // stop_grace), then closes whatever is left. Returns when that is done.
  net::awaitable<void> stop();

  std::uint64_t connections_accepted() const;
  // Closed at accept because their address already held max_connections_per_client.
  std::uint64_t connections_refused_per_client() const;
  std::uint64_t requests_served() const;
  std::size_t open_connections() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

// Builds a response to `req` with a body and content type (keep-alive copied from the request).
server_response make_response(const server_request& req, bhttp::status status, std::string body,
                              std::string content_type = "application/json");

// Method + exact path or path prefix -> handler. Unknown paths get 404, a known path with another
// method 405 with an Allow header. The query string is ignored for matching.
class router {
 public:
  router& add(bhttp::verb method, std::string path, handler h);
  // Matches every path that starts with `prefix`; the longest matching prefix wins.
  router& add_prefix(bhttp::verb method, std::string prefix, handler h);
  // Replaces the default 404 answer (e.g. to answer in an API's own error shape).
  router& on_not_found(handler h);

  net::awaitable<server_response> handle(server_request req) const;
  // A handler that dispatches through this router; the router must outlive it.
  handler as_handler() const;

 private:
  struct route {
    bhttp::verb method;
    std::string path;
    bool prefix;
    handler h;
  };
  std::vector<route> routes_;
  handler not_found_;
};

}  // namespace ngsync::http
