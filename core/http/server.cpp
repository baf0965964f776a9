// The connection coroutine: read header (header timeout), read body (read timeout, body limit),
// call the handler, write (write timeout), wait for the next request (idle timeout).
#include "core/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/log/logging.hpp"

namespace ngsync::http {

namespace beast = boost::beast;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {
constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);
}

struct server::state : std::enable_shared_from_this<server::state> {
  net::any_io_executor executor;
  server_options options;
  handler h;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  bool stopping = false;
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused_per_client{0};
  std::atomic<std::uint64_t> served{0};

  // Every open connection: whether a request is in progress, and how to close its socket.
  struct connection_entry {
    bool busy = false;
    std::function<void()> close;
    net::ip::address peer;
  };
  std::map<std::uint64_t, connection_entry> connections;
  // connections.size() for other threads (tests, a scrape from elsewhere): the map itself is
  // only touched on the server's executor.
  std::atomic<std::size_t> open_count{0};
  std::uint64_t next_id = 0;

  state(net::any_io_executor ex, server_options o, handler hh)
      : executor(ex), options(std::move(o)), h(std::move(hh)), acceptor(ex) {}

  net::awaitable<void> accept_loop();
  template <class Stream>
  net::awaitable<void> serve(Stream& stream, std::uint64_t id);
  net::awaitable<void> run_plain(tcp::socket socket, std::uint64_t id);
  net::awaitable<void> run_tls(tcp::socket socket, std::uint64_t id);
};

namespace {

server_response error_response(unsigned version, bhttp::status status,
                               const std::string& server_name, std::string body) {
  server_response res{status, version};
  res.set(bhttp::field::server, server_name);
  res.set(bhttp::field::content_type, "text/plain");
  res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Closes with RST rather than FIN, so the client sees a connection reset.
void reset_socket(tcp::socket& s) {
  boost::system::error_code ignored;
  s.set_option(net::socket_base::linger(true, 0), ignored);
  s.close(ignored);
}

}  // namespace

template <class Stream>
net::awaitable<void> server::state::serve(Stream& stream, std::uint64_t id) {
  auto self = shared_from_this();
  auto& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  auto log = log::get("http");
  bool first = true;

  for (;;) {
    if (stopping) co_return;
    // Between requests on a keep-alive connection, wait for the first byte under the idle
    // timeout; the header timeout starts once the client has begun a request.
    if (!first && buffer.size() == 0) {
      lowest.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), tuple_awaitable);
      if (ec) co_return;
      buffer.commit(n);
    }
    first = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    lowest.expires_after(options.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, tuple_awaitable);
    if (hec == bhttp::error::body_limit) {
      // Content-Length alone already says the body is too large.
      connections[id].busy = true;
      auto res = error_response(11, bhttp::status::payload_too_large, options.server_header,
                                "server_request body too large\n");
      lowest.expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, tuple_awaitable);
      co_return;
    }
    if (hec) {
      if (hec != bhttp::error::end_of_stream && hec != net::error::operation_aborted &&
          hec != beast::error::timeout && hec != net::error::eof &&
          hec != net::error::connection_reset) {
        auto res =
            error_response(11, bhttp::status::bad_request, options.server_header, "bad request\n");
        lowest.expires_after(options.write_timeout);
        co_await bhttp::async_write(stream, res, tuple_awaitable);
      }
      co_return;
    }
    connections[id].busy = true;

    lowest.expires_after(options.read_timeout);
    auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, tuple_awaitable);
    if (bec == bhttp::error::body_limit) {
      auto res = error_response(parser.get().version(), bhttp::status::payload_too_large,
                                options.server_header, "server_request body too large\n");
      lowest.expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, tuple_awaitable);
      co_return;
    }
    if (bec) co_return;

    server_request req = parser.release();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    server_response res;
    bool drop = false;
    try {
      res = co_await h(std::move(req));
    } catch (const drop_connection&) {
      drop = true;
    } catch (const std::exception& e) {
      log->error("handler failed error={}", log::redact(e.what()));
      res = error_response(version, bhttp::status::internal_server_error, options.server_header,
                           "internal error\n");
    }
    if (drop) {
      served++;
      reset_socket(lowest.socket());
      co_return;
    }
    res.version(version);
    if (res.count(bhttp::field::server) == 0) res.set(bhttp::field::server, options.server_header);
    res.keep_alive(keep_alive && res.keep_alive() && !stopping);
    if (res.count(bhttp::field::content_length) == 0 && !res.chunked()) res.prepare_payload();
    const bool close_after = !res.keep_alive();

    served++;  // counted before the write so a client that has the answer sees the count
    lowest.expires_after(options.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, tuple_awaitable);
    connections[id].busy = false;
    if (wec || close_after || stopping) co_return;
  }
}

net::awaitable<void> server::state::run_plain(tcp::socket socket, std::uint64_t id) {
  auto self = shared_from_this();
  beast::tcp_stream stream(std::move(socket));
  connections[id].close = [&stream] {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  };
  try {
    co_await serve(stream, id);
  } catch (const std::exception& e) {
    log::get("http")->debug("connection ended error={}", e.what());
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  connections.erase(id);
  open_count = connections.size();
}

net::awaitable<void> server::state::run_tls(tcp::socket socket, std::uint64_t id) {
  auto self = shared_from_this();
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *options.tls);
  connections[id].close = [&stream] {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  };
  try {
    beast::get_lowest_layer(stream).expires_after(options.header_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, tuple_awaitable);
    if (!ec) {
      co_await serve(stream, id);
      if (beast::get_lowest_layer(stream).socket().is_open()) {
        beast::get_lowest_layer(stream).expires_after(1s);
        co_await stream.async_shutdown(tuple_awaitable);
      }
    }
  } catch (const std::exception& e) {
    log::get("http")->debug("tls connection ended error={}", e.what());
  }
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).socket().close(ignored);
  connections.erase(id);
  open_count = connections.size();
}

net::awaitable<void> server::state::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
    if (stopping || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors and the like: back off briefly rather than spin.
      net::steady_timer t(executor, 50ms);
      co_await t.async_wait(tuple_awaitable);
      continue;
    }
    accepted++;
    // A response leaves in several segments (TLS records, a large body). With Nagle on, the
    // last one waits for the client's delayed ACK: about 40 ms added to a request.
    boost::system::error_code nodelay_ignored;
    socket.set_option(tcp::no_delay(true), nodelay_ignored);
    if (connections.size() >= options.max_connections) {
      reset_socket(socket);
      continue;
    }
    // One client (one address) may not take every connection: a scraper or prober that leaks
    // connections would otherwise lock out webhooks and health checks from everyone else.
    boost::system::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec).address();
    std::size_t from_peer = 0;
    for (const auto& [other, entry] : connections) from_peer += entry.peer == peer ? 1 : 0;
    if (peer_ec || from_peer >= options.max_connections_per_client) {
      ++refused_per_client;
      reset_socket(socket);
      continue;
    }
    const auto id = next_id++;
    connections[id] = connection_entry{};
    connections[id].peer = peer;
    open_count = connections.size();
    if (options.tls) {
      net::co_spawn(executor, run_tls(std::move(socket), id), net::detached);
    } else {
      net::co_spawn(executor, run_plain(std::move(socket), id), net::detached);
    }
  }
}

server::server(net::any_io_executor executor, server_options options, handler h)
    : state_(std::make_shared<state>(executor, std::move(options), std::move(h))) {}

server::~server() {
  boost::system::error_code ignored;
  state_->stopping = true;
  state_->acceptor.close(ignored);
}

void server::start() {
  auto& s = *state_;
  tcp::endpoint ep{net::ip::make_address(s.options.address), s.options.port};
  s.acceptor.open(ep.protocol());
  s.acceptor.set_option(net::socket_base::reuse_address(true));
  s.acceptor.bind(ep);
  s.acceptor.listen(net::socket_base::max_listen_connections);
  s.bound_port = s.acceptor.local_endpoint().port();
  net::co_spawn(s.executor, s.accept_loop(), net::detached);
}

std::uint16_t server::port() const {
  return state_->bound_port;
}

net::awaitable<void> server::stop() {
  auto s = state_;
  s->stopping = true;
  boost::system::error_code ignored;
  s->acceptor.close(ignored);
  // Idle connections (no request in progress) close now; busy ones close after their answer.
  for (auto& [id, c] : s->connections) {
    if (!c.busy && c.close) c.close();
  }
  const auto deadline = std::chrono::steady_clock::now() + s->options.stop_grace;
  net::steady_timer timer(s->executor);
  while (!s->connections.empty() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(5ms);
    co_await timer.async_wait(tuple_awaitable);
  }
  for (auto& [id, c] : s->connections) {
    if (c.close) c.close();
  }
}

std::uint64_t server::connections_accepted() const {
  return state_->accepted;
}
std::uint64_t server::connections_refused_per_client() const {
  return state_->refused_per_client;
}
std::uint64_t server::requests_served() const {
  return state_->served;
}
std::size_t server::open_connections() const {
  return state_->open_count;
}

server_response make_response(const server_request& req, bhttp::status status, std::string body,
                              std::string content_type) {
  server_response res{status, req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

router& router::add(bhttp::verb method, std::string path, handler h) {
  routes_.push_back(route{method, std::move(path), false, std::move(h)});
  return *this;
}

router& router::add_prefix(bhttp::verb method, std::string prefix, handler h) {
  routes_.push_back(route{method, std::move(prefix), true, std::move(h)});
  return *this;
}

router& router::on_not_found(handler h) {
  not_found_ = std::move(h);
  return *this;
}

net::awaitable<server_response> router::handle(server_request req) const {
  std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const route* best = nullptr;
  std::vector<std::string> allowed;
  auto consider = [&](bool want_prefix) {
    for (const auto& r : routes_) {
      if (r.prefix != want_prefix) continue;
      const bool match = r.prefix ? path.substr(0, r.path.size()) == r.path : path == r.path;
      if (!match) continue;
      if (r.method == req.method()) {
        if (!best || r.path.size() > best->path.size()) best = &r;
      } else {
        allowed.emplace_back(bhttp::to_string(r.method));
      }
    }
  };
  consider(false);
  if (!best) consider(true);
  if (best) co_return co_await best->h(std::move(req));
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& a : allowed) allow += (allow.empty() ? "" : ", ") + a;
    auto res =
        make_response(req, bhttp::status::method_not_allowed, R"({"error":"method not allowed"})");
    res.set(bhttp::field::allow, allow);
    co_return res;
  }
  if (not_found_) co_return co_await not_found_(std::move(req));
  co_return make_response(req, bhttp::status::not_found, R"({"error":"not found"})");
}

handler router::as_handler() const {
  return [this](server_request req) { return handle(std::move(req)); };
}

}  // namespace ngsync::http
