#include "tests/core/support/test_https_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace ngsync::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

struct test_https_server::impl {
  test_https_server& owner;
  server_options options;
  net::io_context ioc{1};
  ssl::context tls_ctx{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  impl(test_https_server& o, server_options opts) : owner(o), options(std::move(opts)) {
    if (!options.handler) options.handler = [](const seen_request&) { return server_reply{}; };
    if (options.tls) {
      tls_ctx.use_certificate_chain_file(options.cert_file);
      tls_ctx.use_private_key_file(options.key_file, ssl::context::pem);
    }
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    owner.port_ = acceptor.local_endpoint().port();
    net::co_spawn(ioc, accept_loop(), net::detached);
    thread = std::thread([this] { ioc.run(); });
  }

  ~impl() {
    ioc.stop();
    if (thread.joinable()) thread.join();
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      const int id = ++owner.connections_;
      net::co_spawn(ioc, session(std::move(sock), id), net::detached);
    }
  }

  template <class Stream>
  net::awaitable<void> serve(Stream& stream, int id) {
    beast::flat_buffer buffer;
    for (int index = 1;; ++index) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [rec, rn] =
          co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
      if (rec) co_return;
      auto req = parser.release();
      seen_request seen;
      seen.method = std::string(req.method_string());
      seen.target = std::string(req.target());
      seen.body = req.body();
      if (auto it = req.find(bhttp::field::authorization); it != req.end())
        seen.authorization = std::string(it->value());
      seen.connection = id;
      seen.index_on_connection = index;
      seen.at = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(owner.mutex_);
        owner.requests_.push_back(seen);
      }
      server_reply reply = options.handler(seen);
      if (reply.drop) co_return;
      if (reply.stall) {
        net::steady_timer forever(ioc, std::chrono::hours(1));
        co_await forever.async_wait(net::as_tuple(net::use_awaitable));
        co_return;
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), 11};
      for (auto& [k, v] : reply.headers) res.set(k, v);
      res.body() = reply.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, res, net::as_tuple(net::use_awaitable));
      if (wec || !res.keep_alive()) co_return;
    }
  }

  net::awaitable<void> session(tcp::socket sock, int id) {
    beast::tcp_stream stream(std::move(sock));
    if (!options.tls) {
      co_await serve(stream, id);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    ssl::stream<beast::tcp_stream> tls(std::move(stream), tls_ctx);
    tls.next_layer().expires_after(std::chrono::seconds(10));
    auto [hec] =
        co_await tls.async_handshake(ssl::stream_base::server, net::as_tuple(net::use_awaitable));
    tls.next_layer().expires_never();
    if (hec) co_return;
    co_await serve(tls, id);
    // No close_notify: the client must cope with a bare TCP close, as with real servers.
    beast::error_code ignored;
    tls.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
};

test_https_server::test_https_server(server_options options)
    : impl_(std::make_unique<impl>(*this, std::move(options))) {}

test_https_server::~test_https_server() {
  impl_.reset();
}

std::string test_https_server::url(const std::string& path) const {
  return std::string(impl_->options.tls ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<seen_request> test_https_server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t test_https_server::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

struct test_connect_proxy::impl {
  test_connect_proxy& owner;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  explicit impl(test_connect_proxy& o) : owner(o) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    owner.port_ = acceptor.local_endpoint().port();
    net::co_spawn(ioc, accept_loop(), net::detached);
    thread = std::thread([this] { ioc.run(); });
  }
  ~impl() {
    ioc.stop();
    if (thread.joinable()) thread.join();
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      net::co_spawn(ioc, tunnel(std::move(sock)), net::detached);
    }
  }

  static net::awaitable<void> pump(std::shared_ptr<tcp::socket> from,
                                   std::shared_ptr<tcp::socket> to) {
    std::array<char, 16384> buf;
    for (;;) {
      auto [rec, n] =
          co_await from->async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
      if (rec) break;
      auto [wec, wn] = co_await net::async_write(*to, net::buffer(buf.data(), n),
                                                 net::as_tuple(net::use_awaitable));
      if (wec) break;
    }
    beast::error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> tunnel(tcp::socket sock) {
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::empty_body> parser;
    auto [rec, rn] =
        co_await bhttp::async_read(sock, buffer, parser, net::as_tuple(net::use_awaitable));
    if (rec || parser.get().method() != bhttp::verb::connect) co_return;
    const std::string target(parser.get().target());
    {
      std::lock_guard lock(owner.mutex_);
      owner.targets_.push_back(target);
    }
    const auto colon = target.rfind(':');
    auto upstream = std::make_shared<tcp::socket>(ioc);
    tcp::resolver resolver(ioc);
    auto [res_ec, eps] = co_await resolver.async_resolve(
        target.substr(0, colon), target.substr(colon + 1), net::as_tuple(net::use_awaitable));
    if (res_ec) co_return;
    auto [cec, ep] = co_await net::async_connect(*upstream, eps, net::as_tuple(net::use_awaitable));
    if (cec) co_return;
    ++owner.tunnels_;
    static const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
    auto [wec, wn] =
        co_await net::async_write(sock, net::buffer(ok), net::as_tuple(net::use_awaitable));
    if (wec) co_return;
    auto client = std::make_shared<tcp::socket>(std::move(sock));
    // Bytes the parser read past the CONNECT header already belong to the tunnel.
    if (buffer.size() > 0) {
      co_await net::async_write(*upstream, buffer.data(), net::as_tuple(net::use_awaitable));
    }
    net::co_spawn(ioc, pump(client, upstream), net::detached);
    net::co_spawn(ioc, pump(upstream, client), net::detached);
  }
};

test_connect_proxy::test_connect_proxy() : impl_(std::make_unique<impl>(*this)) {}
test_connect_proxy::~test_connect_proxy() {
  impl_.reset();
}

std::vector<std::string> test_connect_proxy::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

}  // namespace ngsync::test
