// The shared HTTP server over real loopback sockets, with a raw Beast client (plain and TLS).
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/http/server.hpp"
#include "tests/support/tls_files.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace nh = ngsync::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A server on its own io_context thread, stopped and joined on destruction.
struct running_server {
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  std::unique_ptr<nh::server> srv;
  std::thread thread;
  bool stopped = false;

  running_server(nh::server_options opts, nh::handler h) {
    srv = std::make_unique<nh::server>(ioc.get_executor(), std::move(opts), std::move(h));
    srv->start();
    thread = std::thread([this] { ioc.run(); });
  }
  void stop() {
    if (stopped) return;
    stopped = true;
    net::co_spawn(ioc, srv->stop(), net::use_future).get();
  }
  ~running_server() {
    stop();
    guard.reset();
    ioc.stop();
    thread.join();
  }
  std::uint16_t port() const { return srv->port(); }
};

tcp::socket connect_to(net::io_context& ioc, std::uint16_t port) {
  tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  return s;
}

nh::server_response roundtrip(std::uint16_t port, bhttp::verb method, std::string target,
                              std::string body = {}) {
  net::io_context ioc;
  auto s = connect_to(ioc, port);
  nh::server_request req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.body() = std::move(body);
  req.prepare_payload();
  bhttp::write(s, req);
  beast::flat_buffer buf;
  nh::server_response res;
  bhttp::read(s, buf, res);
  return res;
}

nh::handler text(std::string body) {
  return [body](nh::server_request req) -> net::awaitable<nh::server_response> {
    co_return nh::make_response(req, bhttp::status::ok, body, "text/plain");
  };
}

nh::handler echo() {
  return [](nh::server_request req) -> net::awaitable<nh::server_response> {
    co_return nh::make_response(req, bhttp::status::ok, req.body(), "text/plain");
  };
}

}  // namespace

TEST_CASE("router: 200 on a route, 404 elsewhere, 405 with Allow on a wrong method") {
  nh::router r;
  r.add(bhttp::verb::get, "/health", text("ok"));
  r.add(bhttp::verb::post, "/hooks/github", echo());
  r.add_prefix(bhttp::verb::get, "/v1/", text("prefix"));
  running_server s({}, r.as_handler());

  auto ok = roundtrip(s.port(), bhttp::verb::get, "/health?verbose=1");
  CHECK(ok.result() == bhttp::status::ok);
  CHECK(ok.body() == "ok");
  CHECK(roundtrip(s.port(), bhttp::verb::get, "/v1/pages/abc").body() == "prefix");
  CHECK(roundtrip(s.port(), bhttp::verb::post, "/hooks/github", "payload").body() == "payload");
  CHECK(roundtrip(s.port(), bhttp::verb::get, "/nope").result() == bhttp::status::not_found);
  auto wrong = roundtrip(s.port(), bhttp::verb::delete_, "/health");
  CHECK(wrong.result() == bhttp::status::method_not_allowed);
  CHECK(wrong[bhttp::field::allow] == "GET");
  CHECK(s.srv->requests_served() == 5);
  CHECK(s.srv->connections_accepted() == 5);
}

TEST_CASE("keep-alive: several requests on one connection count as one connection") {
  running_server s({}, echo());
  net::io_context ioc;
  auto sock = connect_to(ioc, s.port());
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {
    nh::server_request req{bhttp::verb::post, "/", 11};
    req.body() = "n" + std::to_string(i);
    req.prepare_payload();
    bhttp::write(sock, req);
    nh::server_response res;
    bhttp::read(sock, buf, res);
    CHECK(res.body() == "n" + std::to_string(i));
    CHECK(res.keep_alive());
  }
  CHECK(s.srv->connections_accepted() == 1);
  CHECK(s.srv->requests_served() == 3);
}

TEST_CASE("a body over the limit gets 413 and the handler never runs") {
  nh::server_options o;
  o.body_limit = 1024;
  int calls = 0;
  running_server s(o, [&calls](nh::server_request req) -> net::awaitable<nh::server_response> {
    ++calls;
    co_return nh::make_response(req, bhttp::status::ok, "", "text/plain");
  });
  CHECK(roundtrip(s.port(), bhttp::verb::post, "/", std::string(1024, 'a')).result() ==
        bhttp::status::ok);
  auto res = roundtrip(s.port(), bhttp::verb::post, "/", std::string(4096, 'a'));
  CHECK(res.result() == bhttp::status::payload_too_large);
  CHECK(calls == 1);
}

TEST_CASE("a client that trickles its header is cut by the header timeout") {
  nh::server_options o;
  o.header_timeout = 300ms;
  running_server s(o, text("ok"));
  net::io_context ioc;
  auto sock = connect_to(ioc, s.port());
  const auto start = std::chrono::steady_clock::now();
  net::write(sock, net::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n")));
  boost::system::error_code ec;
  for (int i = 0; i < 30 && !ec; ++i) {
    std::this_thread::sleep_for(50ms);
    net::write(sock, net::buffer(std::string("X-Slow: 1\r\n")), ec);
  }
  // Whether the write fails or not, the server must have closed: a read ends without a response.
  char c;
  boost::system::error_code rec;
  const auto n = sock.read_some(net::buffer(&c, 1), rec);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(n == 0);
  CHECK(rec);
  CHECK(elapsed < 1400ms);  // 30 trickles would take 1.5 s; the cut comes near 300 ms
  CHECK(s.srv->requests_served() == 0);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout") {
  nh::server_options o;
  o.idle_timeout = 200ms;
  running_server s(o, text("ok"));
  net::io_context ioc;
  auto sock = connect_to(ioc, s.port());
  nh::server_request req{bhttp::verb::get, "/", 11};
  bhttp::write(sock, req);
  beast::flat_buffer buf;
  nh::server_response res;
  bhttp::read(sock, buf, res);
  CHECK(res.result() == bhttp::status::ok);
  const auto start = std::chrono::steady_clock::now();
  char c;
  boost::system::error_code ec;
  sock.read_some(net::buffer(&c, 1), ec);
  CHECK(ec);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("drop_connection resets the socket without an answer") {
  running_server s({}, [](nh::server_request) -> net::awaitable<nh::server_response> {
    throw nh::drop_connection{};
    co_return nh::server_response{};
  });
  net::io_context ioc;
  auto sock = connect_to(ioc, s.port());
  nh::server_request req{bhttp::verb::get, "/", 11};
  bhttp::write(sock, req);
  beast::flat_buffer buf;
  nh::server_response res;
  boost::system::error_code ec;
  bhttp::read(sock, buf, res, ec);
  CHECK(ec == net::error::connection_reset);
}

TEST_CASE(
    "graceful stop: the in-flight server_request completes, idle connections close, then stop "
    "returns") {
  std::promise<void> started;
  running_server s({}, [&started](nh::server_request req) -> net::awaitable<nh::server_response> {
    started.set_value();
    net::steady_timer t(co_await net::this_coro::executor, 400ms);
    co_await t.async_wait(net::use_awaitable);
    co_return nh::make_response(req, bhttp::status::ok, "finished", "text/plain");
  });
  net::io_context ioc;
  auto idle = connect_to(ioc, s.port());

  std::chrono::steady_clock::time_point response_at;
  auto client = std::async(std::launch::async, [&] {
    net::io_context cioc;
    auto sock = connect_to(cioc, s.port());
    nh::server_request req{bhttp::verb::get, "/slow", 11};
    bhttp::write(sock, req);
    beast::flat_buffer buf;
    nh::server_response res;
    bhttp::read(sock, buf, res);
    response_at = std::chrono::steady_clock::now();
    return res;
  });
  started.get_future().wait();
  const auto stop_begin = std::chrono::steady_clock::now();
  s.stop();
  const auto stop_end = std::chrono::steady_clock::now();
  auto res = client.get();
  CHECK(res.result() == bhttp::status::ok);
  CHECK(res.body() == "finished");
  CHECK_FALSE(res.keep_alive());  // the server says it is closing
  // stop() waited for the in-flight handler (400 ms) instead of cutting it off. (Comparing the
  // client thread's read time with stop's return races with thread scheduling under load.)
  CHECK(stop_end - stop_begin >= 250ms);
  CHECK(response_at - stop_begin >= 250ms);
  CHECK(s.srv->open_connections() == 0);

  char c;
  boost::system::error_code ec;
  idle.read_some(net::buffer(&c, 1), ec);
  CHECK(ec);  // the idle connection was closed by the stop
  tcp::socket late(ioc);
  late.connect({net::ip::make_address("127.0.0.1"), s.port()}, ec);
  CHECK(ec);  // no longer accepting
}

TEST_CASE("TLS: a client that trusts the generated CA verifies the server by IP and name") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ngsync-tls-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto files = ngsync::test::ensure_server_tls_files(dir.string());
  const auto first_mtime = std::filesystem::last_write_time(files.server_cert);
  // A second call reuses the files rather than making new ones.
  CHECK(std::filesystem::last_write_time(
            ngsync::test::ensure_server_tls_files(dir.string()).server_cert) == first_mtime);

  nh::server_options o;
  o.tls = ngsync::test::make_server_tls_context(files);
  running_server s(o, text("secure"));

  for (std::string host : {"127.0.0.1", "localhost"}) {
    net::io_context ioc;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.load_verify_file(files.ca_cert);
    ctx.set_verify_mode(net::ssl::verify_peer);
    net::ssl::stream<tcp::socket> stream(ioc, ctx);
    stream.set_verify_callback(net::ssl::host_name_verification(host));
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), s.port()});
    stream.handshake(net::ssl::stream_base::client);
    nh::server_request req{bhttp::verb::get, "/", 11};
    req.set(bhttp::field::host, host);
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    nh::server_response res;
    bhttp::read(stream, buf, res);
    CHECK(res.body() == "secure");
  }

  // A client that does not trust the CA fails verification.
  {
    net::io_context ioc;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_verify_mode(net::ssl::verify_peer);
    net::ssl::stream<tcp::socket> stream(ioc, ctx);
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), s.port()});
    boost::system::error_code ec;
    stream.handshake(net::ssl::stream_base::client, ec);
    CHECK(ec);
  }
  // A wrong host name fails verification too.
  {
    net::io_context ioc;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.load_verify_file(files.ca_cert);
    ctx.set_verify_mode(net::ssl::verify_peer);
    net::ssl::stream<tcp::socket> stream(ioc, ctx);
    stream.set_verify_callback(net::ssl::host_name_verification("example.com"));
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), s.port()});
    boost::system::error_code ec;
    stream.handshake(net::ssl::stream_base::client, ec);
    CHECK(ec);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("max_connections: connections past the cap are closed at once") {
  nh::server_options o;
  o.max_connections = 1;
  running_server s(o, text("ok"));
  net::io_context ioc;
  auto first = connect_to(ioc, s.port());
  // Make sure the first connection is registered before the second arrives.
  for (int i = 0; i < 100 && s.srv->open_connections() == 0; ++i) std::this_thread::sleep_for(5ms);
  auto second = connect_to(ioc, s.port());
  char c;
  boost::system::error_code ec;
  second.read_some(net::buffer(&c, 1), ec);
  CHECK(ec);
  nh::server_request req{bhttp::verb::get, "/", 11};
  bhttp::write(first, req);
  beast::flat_buffer buf;
  nh::server_response res;
  bhttp::read(first, buf, res);
  CHECK(res.body() == "ok");
}

TEST_CASE("max_connections_per_client: one address cannot take every connection") {
  nh::server_options o;
  o.max_connections = 10;
  o.max_connections_per_client = 2;
  running_server s(o, text("ok"));
  net::io_context ioc;
  auto a1 = connect_to(ioc, s.port());
  auto a2 = connect_to(ioc, s.port());
  for (int i = 0; i < 200 && s.srv->open_connections() < 2; ++i) std::this_thread::sleep_for(5ms);
  REQUIRE(s.srv->open_connections() == 2);
  auto a3 = connect_to(ioc, s.port());
  char c;
  boost::system::error_code ec;
  a3.read_some(net::buffer(&c, 1), ec);
  CHECK(ec);  // closed at accept
  CHECK(s.srv->connections_refused_per_client() == 1);
  // Another client (another loopback address) is still served.
  tcp::socket other(ioc);
  other.open(tcp::v4());
  other.bind({net::ip::make_address("127.0.0.2"), 0});
  other.connect({net::ip::make_address("127.0.0.1"), s.port()});
  nh::server_request req{bhttp::verb::get, "/", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(other, req);
  beast::flat_buffer buf;
  nh::server_response res;
  bhttp::read(other, buf, res);
  CHECK(res.body() == "ok");
  // And the first client's existing connections still work.
  bhttp::write(a1, req);
  nh::server_response res1;
  beast::flat_buffer buf1;
  bhttp::read(a1, buf1, res1);
  CHECK(res1.body() == "ok");
}
