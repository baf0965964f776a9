#include "core/http/client.hpp"

#include <charconv>

#include <algorithm>
#include <deque>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/log/logging.hpp"

namespace ngsync::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

// One keep-alive connection: either TLS over TCP or plain TCP, plus its read buffer (which may
// hold bytes of the next message and therefore lives as long as the connection).
struct client::connection {
  std::string origin;
  std::variant<std::monostate, beast::tcp_stream, tls_stream> stream;
  beast::flat_buffer buffer;
  steady::time_point idle_since{};

  beast::tcp_stream& tcp() {
    if (auto* t = std::get_if<tls_stream>(&stream)) return t->next_layer();
    return std::get<beast::tcp_stream>(stream);
  }
  void close() {
    if (std::holds_alternative<std::monostate>(stream)) return;
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
  }
};

// Waiters are woken in arrival order by cancelling their timer.
struct client::pool_waiter {
  net::steady_timer timer;
  bool woken = false;
};

struct client::origin_pool {
  std::vector<std::unique_ptr<connection>> idle;
  std::size_t open = 0;  // idle + busy
  std::deque<pool_waiter*> waiters;
};

struct client::lease {
  std::unique_ptr<connection> conn;
  bool reused = false;
};

struct client::exchange_outcome {
  error_code ec;
  bool response_started = false;  // any byte of the answer arrived
  bool keep_alive = false;
  response resp;
};

client::client(net::any_io_executor executor, client_config config)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      tls_context_(make_client_tls_context(config_.tls)) {}

client::~client() {
  for (auto& [origin, pool] : pools_)
    for (auto& c : pool->idle) c->close();
}

std::size_t client::open_connections(const std::string& origin) const {
  auto it = pools_.find(origin);
  return it == pools_.end() ? 0 : it->second->open;
}

void client::close_idle() {
  for (auto& [origin, pool] : pools_) {
    for (auto& c : pool->idle) c->close();
    pool->open -= pool->idle.size();
    pool->idle.clear();
    wake_one(*pool);
  }
}

void client::wake_one(origin_pool& pool) {
  if (pool.waiters.empty()) return;
  auto* w = pool.waiters.front();
  pool.waiters.pop_front();
  w->woken = true;
  w->timer.cancel();
}

void client::release(std::unique_ptr<connection> conn, bool reusable) {
  auto& pool = *pools_.at(conn->origin);
  if (reusable && config_.pooling) {
    conn->idle_since = steady::now();
    pool.idle.push_back(std::move(conn));
  } else {
    conn->close();
    --pool.open;
  }
  wake_one(pool);
}

net::awaitable<boost::system::result<client::lease>> client::acquire(const parsed_url& url,
                                                                     steady::time_point deadline) {
  const std::string origin = url.origin();
  auto& slot = pools_[origin];
  if (!slot) slot = std::make_unique<origin_pool>();
  origin_pool& pool = *slot;
  for (;;) {
    while (!pool.idle.empty()) {
      auto conn = std::move(pool.idle.back());
      pool.idle.pop_back();
      // Bytes on an idle connection can only be a close_notify or junk; an old connection is
      // likely to be cut by the server any moment. Both are dropped rather than risked.
      error_code ec;
      const auto pending = conn->tcp().socket().available(ec);
      if (ec || pending > 0 || steady::now() - conn->idle_since > config_.idle_timeout) {
        conn->close();
        --pool.open;
        continue;
      }
      ++stats_.requests_on_reused_connection;
      co_return lease{std::move(conn), true};
    }
    if (pool.open < config_.max_connections_per_origin) {
      ++pool.open;
      auto conn = std::make_unique<connection>();
      conn->origin = origin;
      auto ec = co_await connect(*conn, url, deadline);
      if (ec) {
        conn->close();
        --pool.open;
        wake_one(pool);
        co_return ec;
      }
      ++stats_.connections_opened;
      co_return lease{std::move(conn), false};
    }
    pool_waiter waiter{net::steady_timer(executor_), false};
    waiter.timer.expires_at(deadline);
    pool.waiters.push_back(&waiter);
    co_await waiter.timer.async_wait(net::as_tuple(net::use_awaitable));
    if (!waiter.woken) {
      std::erase(pool.waiters, &waiter);
      co_return make_error_code(beast::error::timeout);
    }
  }
}

net::awaitable<error_code> client::connect(connection& conn, const parsed_url& url,
                                           steady::time_point deadline) {
  const auto proxy = config_.proxy.proxy_for(url);
  const parsed_url& first_hop = proxy ? *proxy : url;

  tcp::resolver resolver(executor_);
  auto [rec, endpoints] = co_await resolver.async_resolve(
      first_hop.host, std::to_string(first_hop.port), net::as_tuple(net::use_awaitable));
  if (rec) co_return rec;

  beast::tcp_stream tcp_stream(executor_);
  tcp_stream.expires_at(std::min(deadline, steady::now() + config_.connect_timeout));
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, net::as_tuple(net::use_awaitable));
  if (cec) co_return cec;
  error_code ignored;
  tcp_stream.socket().set_option(tcp::no_delay(true), ignored);

  if (proxy) {
    tcp_stream.expires_at(std::min(deadline, steady::now() + config_.connect_timeout));
    if (auto ec = co_await open_connect_tunnel(tcp_stream, url)) co_return ec;
  }

  if (!url.is_tls()) {
    tcp_stream.expires_never();
    conn.stream.emplace<beast::tcp_stream>(std::move(tcp_stream));
    co_return error_code{};
  }

  auto& tls = conn.stream.emplace<tls_stream>(std::move(tcp_stream), tls_context_);
  if (auto ec = prepare_tls_stream(tls, url.host)) co_return ec;
  tls.next_layer().expires_at(std::min(deadline, steady::now() + config_.handshake_timeout));
  auto [hec] =
      co_await tls.async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
  if (hec) co_return hec;
  tls.next_layer().expires_never();
  co_return error_code{};
}

namespace {

template <class Stream>
net::awaitable<void> write_and_read(Stream& stream, beast::flat_buffer& buffer,
                                    bhttp::request<bhttp::string_body>& req,
                                    bhttp::response_parser<bhttp::string_body>& parser,
                                    error_code& ec_out) {
  auto [wec, wn] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
  if (wec) {
    ec_out = wec;
    co_return;
  }
  auto [rec, rn] =
      co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
  ec_out = rec;
}

// Errors that mean "the server had already closed this connection".
bool looks_stale(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted || ec == ssl::error::stream_truncated;
}

}  // namespace

net::awaitable<client::exchange_outcome> client::exchange(connection& conn, const parsed_url& url,
                                                          const request& req,
                                                          steady::time_point deadline) {
  bhttp::request<bhttp::string_body> msg{req.method, url.target, 11};
  for (const auto& f : req.headers) msg.insert(f.name_string(), f.value());
  msg.set(bhttp::field::host, url.host_header());
  if (msg.find(bhttp::field::user_agent) == msg.end())
    msg.set(bhttp::field::user_agent, config_.user_agent);
  msg.body() = req.body;
  msg.keep_alive(config_.pooling);
  msg.prepare_payload();

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(config_.body_limit);
  if (req.method == verb::head) parser.skip(true);

  exchange_outcome out;
  conn.tcp().expires_at(deadline);
  if (auto* tls = std::get_if<tls_stream>(&conn.stream)) {
    co_await write_and_read(*tls, conn.buffer, msg, parser, out.ec);
  } else {
    co_await write_and_read(std::get<beast::tcp_stream>(conn.stream), conn.buffer, msg, parser,
                            out.ec);
  }
  conn.tcp().expires_never();
  out.response_started = parser.got_some();
  if (out.ec) co_return out;
  auto res = parser.release();
  out.keep_alive = res.keep_alive();
  out.resp.status = res.result_int();
  out.resp.body = std::move(res.body());
  out.resp.headers = std::move(res.base());
  co_return out;
}

net::awaitable<result> client::send_once(const parsed_url& url, const request& req,
                                         steady::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    auto leased = co_await acquire(url, deadline);
    if (!leased) co_return leased.error();
    if (req.gate) {
      if (const auto until = req.gate()) {
        // Nothing was written: the connection stays good for others while this one waits.
        release(std::move(leased->conn), true);
        if (*until >= deadline) co_return make_error_code(errc::held_back);
        net::steady_timer hold(executor_, *until);
        co_await hold.async_wait(net::as_tuple(net::use_awaitable));
        --attempt;  // not a stale-connection retry
        continue;
      }
    }
    auto conn = std::move(leased->conn);
    auto out = co_await exchange(*conn, url, req, deadline);
    if (!out.ec) {
      release(std::move(conn), out.keep_alive);
      co_return std::move(out.resp);
    }
    release(std::move(conn), false);
    if (leased->reused && !out.response_started && looks_stale(out.ec)) {
      // The server closed the idle connection as we reused it. An idempotent request is sent
      // once more on a fresh connection; anything else may have been processed, so the caller
      // decides.
      if (req.is_idempotent() && attempt == 0) {
        ++stats_.stale_connection_retries;
        continue;
      }
      co_return make_error_code(errc::stale_connection);
    }
    co_return out.ec;
  }
}

net::awaitable<result> client::send(request req) {
  auto url = parse_url(req.url);
  if (!url) co_return url.error();
  const auto deadline = steady::now() + config_.request_timeout;
  for (int redirects = 0;; ++redirects) {
    auto res = co_await send_once(*url, req, deadline);
    if (!res) co_return res;
    const unsigned status = res->status;
    const bool redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    const std::string location = res->header("Location");
    if (!redirect || location.empty()) {
      res->final_url = url->to_string();
      co_return res;
    }
    // 301/302 are followed for GET/HEAD only (other methods would silently become GET in
    // browsers, which is never what an API client wants); 303 explicitly asks for a GET.
    if ((status == 301 || status == 302) && req.method != verb::get && req.method != verb::head) {
      res->final_url = url->to_string();
      co_return res;
    }
    if (redirects >= config_.max_redirects) co_return make_error_code(errc::too_many_redirects);
    auto next = resolve_location(*url, location);
    if (!next) co_return next.error();
    if (status == 303 && req.method != verb::head) {
      req.method = verb::get;
      req.body.clear();
      req.headers.erase(bhttp::field::content_type);
      req.idempotent.reset();
    }
    // Credentials go only where they were meant to go.
    if (next->origin() != url->origin()) {
      req.headers.erase(bhttp::field::authorization);
      req.headers.erase(bhttp::field::cookie);
    }
    ++stats_.redirects_followed;
    url = std::move(*next);
  }
}

}  // namespace ngsync::http
