#pragma once
// The outbound HTTP(S) client used by the Notion and GitHub API clients: keep-alive pools per
// origin, TLS with peer and host-name verification, timeouts, redirects, body limits, and an
// optional CONNECT proxy. Network outcomes come back as values (error code or response).
//
// Threading rule: a client and every coroutine that calls send() run on ONE single-threaded
// executor (the daemon's io_context). Nothing is locked; calling from another thread is a bug.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/result.hpp>

#include "core/http/client_error.hpp"
#include "core/http/message.hpp"
#include "core/http/proxy.hpp"
#include "core/http/tls.hpp"
#include "core/http/transport.hpp"
#include "core/http/url.hpp"

namespace ngsync::http {

namespace net = boost::asio;

struct client_config {
  tls_settings tls;
  proxy_settings proxy;  // the daemon passes proxy_settings::from_environment()
  bool pooling = true;   // false: one connection per request (benchmarks, debugging)
  std::size_t max_connections_per_origin = 8;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  // The whole logical request: pool wait, connect, redirects, the stale-connection retry.
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds idle_timeout{50'000};  // idle keep-alive connections older are closed
  std::uint64_t body_limit = 32ull * 1024 * 1024;
  int max_redirects = 5;
  std::string user_agent = "ngsync";  // used when the request has none
};

struct client_stats {
  std::uint64_t connections_opened = 0;
  std::uint64_t requests_on_reused_connection = 0;
  std::uint64_t stale_connection_retries = 0;
  std::uint64_t redirects_followed = 0;
};

class client final : public transport {
 public:
  // Throws on an unusable TLS configuration (start-up error).
  client(net::any_io_executor executor, client_config config);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Never throws for network outcomes. A request on a reused connection that the server had
  // closed is sent again once on a fresh connection when idempotent; otherwise the caller gets
  // errc::stale_connection (retryable) and decides.
  net::awaitable<result> send(request req) override;

  const client_stats& stats() const { return stats_; }
  const client_config& config() const { return config_; }
  const net::any_io_executor& executor() const override { return executor_; }
  // Connections currently open (idle + busy) to one origin, e.g. "https://127.0.0.1:8443".
  std::size_t open_connections(const std::string& origin) const;
  // Closes every idle pooled connection (shutdown, tests).
  void close_idle();

 private:
  struct connection;
  struct origin_pool;
  struct pool_waiter;
  struct lease;
  struct exchange_outcome;

  net::awaitable<result> send_once(const parsed_url& url, const request& req,
                                   std::chrono::steady_clock::time_point deadline);
  net::awaitable<boost::system::result<lease>> acquire(
      const parsed_url& url, std::chrono::steady_clock::time_point deadline);
  net::awaitable<boost::system::error_code> connect(connection& conn, const parsed_url& url,
                                                    std::chrono::steady_clock::time_point deadline);
  net::awaitable<exchange_outcome> exchange(connection& conn, const parsed_url& url,
                                            const request& req,
                                            std::chrono::steady_clock::time_point deadline);
  void release(std::unique_ptr<connection> conn, bool reusable);
  void wake_one(origin_pool& pool);

  net::any_io_executor executor_;
  client_config config_;
  net::ssl::context tls_context_;
  std::map<std::string, std::unique_ptr<origin_pool>> pools_;
  client_stats stats_;
};

}  // namespace ngsync::http
