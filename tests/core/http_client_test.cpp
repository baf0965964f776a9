// The HTTP client against real TLS servers on loopback (tests/core/support).
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "core/http/client.hpp"
#include "tests/core/support/run_coro.hpp"
#include "tests/core/support/test_https_server.hpp"
#include "tests/core/support/test_tls.hpp"

namespace net = boost::asio;
namespace http = ngsync::http;
using ngsync::test::run_coro;
using ngsync::test::seen_request;
using ngsync::test::server_options;
using ngsync::test::server_reply;
using ngsync::test::test_https_server;
using namespace std::chrono_literals;

// Results print as their error message (Boost's own operator<< needs one for the value too).
namespace doctest {
template <class T>
struct StringMaker<boost::system::result<T>> {
  static String convert(const boost::system::result<T>& r) {
    return r ? String("value") : String(r.error().message().c_str());
  }
};
}  // namespace doctest

namespace {

http::client_config trusting_config() {
  http::client_config cfg;
  cfg.tls.use_system_store = false;
  cfg.tls.extra_ca_file = ngsync::test::shared_pki().ca_cert;
  cfg.request_timeout = 5s;
  return cfg;
}

server_options tls_server(ngsync::test::server_handler handler = {},
                          const ngsync::test::cert_files* cert = nullptr) {
  const auto& pki = ngsync::test::shared_pki();
  if (!cert) cert = &pki.valid;
  server_options o;
  o.cert_file = cert->cert;
  o.key_file = cert->key;
  o.handler = std::move(handler);
  return o;
}

http::result get(net::io_context& ioc, http::client& c, std::string url) {
  http::request req;
  req.url = std::move(url);
  return run_coro(ioc, c.send(std::move(req)));
}

}  // namespace

TEST_CASE("url parsing gives origin, target and default ports") {
  auto u = http::parse_url("https://API.github.com/repos/a/b?x=1");
  REQUIRE(u);
  CHECK(u->host == "api.github.com");
  CHECK(u->port == 443);
  CHECK(u->target == "/repos/a/b?x=1");
  CHECK(u->origin() == "https://api.github.com:443");
  CHECK(u->host_header() == "api.github.com");
  auto p = http::parse_url("http://127.0.0.1:8080");
  REQUIRE(p);
  CHECK(p->target == "/");
  CHECK(p->host_header() == "127.0.0.1:8080");
  CHECK(http::parse_url("ftp://x/").error() == http::errc::bad_url);
  CHECK(http::parse_url("/relative").error() == http::errc::bad_url);
  CHECK_FALSE(http::is_retryable(http::make_error_code(http::errc::bad_url)));
  auto r = http::resolve_location(*u, "../c/d?y=2");
  REQUIRE(r);
  CHECK(r->to_string() == "https://api.github.com/repos/c/d?y=2");
}

TEST_CASE("pagination links are followed only under the API base, compared parsed") {
  const std::string gh = "https://api.github.com";
  CHECK(http::target_under_base(gh, "https://api.github.com/repos/a/b/issues?page=2") ==
        "/repos/a/b/issues?page=2");
  CHECK(http::target_under_base(gh, "https://API.github.com:443/repos/a/b?page=2") ==
        "/repos/a/b?page=2");
  // A string prefix would accept all of these.
  CHECK_FALSE(http::target_under_base(gh, "https://api.github.com.evil.example/repos/a/b"));
  CHECK_FALSE(http::target_under_base(gh, "https://api.github.com@evil.example/repos/a/b"));
  CHECK_FALSE(http::target_under_base(gh, "https://api.github.com:8443/repos/a/b"));
  CHECK_FALSE(http::target_under_base(gh, "http://api.github.com/repos/a/b"));
  // GitHub Enterprise Server: the prefix is part of the base.
  const std::string ghes = "https://ghe.example.com/api/v3";
  CHECK(http::target_under_base(ghes, "https://ghe.example.com/api/v3/repos/a/b?page=3") ==
        "/repos/a/b?page=3");
  CHECK_FALSE(http::target_under_base(ghes, "https://ghe.example.com/api/v3x/repos/a/b"));
  CHECK_FALSE(http::target_under_base(ghes, "https://ghe.example.com/other/repos/a/b"));
  CHECK_FALSE(http::target_under_base(gh, "not a url"));
}

TEST_CASE("TLS: a certificate for 127.0.0.1 signed by the trusted CA verifies (IP SAN)") {
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());
  auto r = get(ioc, c, server.url("/hello"));
  REQUIRE_MESSAGE(r, r.error().message());
  CHECK(r->status == 200);
  CHECK(r->body == "ok");
  CHECK(r->final_url == "https://127.0.0.1:" + std::to_string(server.port()) + "/hello");
  // Also by DNS name, which goes through SNI and host-name checks.
  auto by_name = get(ioc, c, "https://localhost:" + std::to_string(server.port()) + "/x");
  REQUIRE_MESSAGE(by_name, by_name.error().message());
  CHECK(by_name->status == 200);
}

TEST_CASE("TLS: wrong host name, untrusted self-signed and expired certificates are refused") {
  const auto& pki = ngsync::test::shared_pki();
  for (const auto* cert : {&pki.wrong_host, &pki.self_signed, &pki.expired}) {
    CAPTURE(cert->cert);
    test_https_server server(tls_server({}, cert));
    net::io_context ioc;
    http::client c(ioc.get_executor(), trusting_config());
    auto r = get(ioc, c, server.url("/secret"));
    REQUIRE_FALSE(r);
    CHECK(r.error().category() == net::error::get_ssl_category());
    CHECK_FALSE(http::is_retryable(r.error()));
    CHECK(server.request_count() == 0);
  }
}

TEST_CASE("TLS: the system store alone does not trust the test CA") {
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client_config cfg;
  http::client c(ioc.get_executor(), cfg);
  auto r = get(ioc, c, server.url("/"));
  CHECK_FALSE(r);
  CHECK(server.request_count() == 0);
}

TEST_CASE("keep-alive: 100 sequential requests share one connection") {
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());
  int ok = 0;
  run_coro(ioc, [&]() -> net::awaitable<void> {
    for (int i = 0; i < 100; ++i) {
      http::request req;
      req.url = server.url("/n/" + std::to_string(i));
      auto r = co_await c.send(req);
      if (r && r->status == 200) ++ok;
    }
  }());
  CHECK(ok == 100);
  CHECK(server.connections() == 1);
  CHECK(c.stats().connections_opened == 1);
  CHECK(c.stats().requests_on_reused_connection == 99);
}

TEST_CASE("pool: concurrent requests wait for the per-origin connection cap") {
  test_https_server server(tls_server());
  net::io_context ioc;
  auto cfg = trusting_config();
  cfg.max_connections_per_origin = 2;
  http::client c(ioc.get_executor(), cfg);
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          http::request req;
          req.url = server.url("/p");
          auto r = co_await c.send(req);
          if (r && r->status == 200) ++ok;
        },
        net::detached);
  }
  ioc.run();
  CHECK(ok == 20);
  CHECK(server.connections() <= 2);
  CHECK(c.open_connections("https://127.0.0.1:" + std::to_string(server.port())) <= 2);
}

TEST_CASE("pooling off: every request opens its own connection") {
  test_https_server server(tls_server());
  net::io_context ioc;
  auto cfg = trusting_config();
  cfg.pooling = false;
  http::client c(ioc.get_executor(), cfg);
  for (int i = 0; i < 3; ++i) REQUIRE(get(ioc, c, server.url("/")));
  CHECK(server.connections() == 3);
}

TEST_CASE("a stalled server trips the request timeout") {
  test_https_server server(tls_server([](const seen_request&) {
    server_reply r;
    r.stall = true;
    return r;
  }));
  net::io_context ioc;
  auto cfg = trusting_config();
  cfg.request_timeout = 300ms;
  http::client c(ioc.get_executor(), cfg);
  const auto start = std::chrono::steady_clock::now();
  auto r = get(ioc, c, server.url("/slow"));
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r);
  CHECK(r.error() == boost::beast::error::timeout);
  CHECK(http::is_retryable(r.error()));
  CHECK(took >= 280ms);
  CHECK(took < 3s);
}

TEST_CASE("a reused connection closed by the server: GET is resent once, POST is not replayed") {
  // The server reads every second request on a connection and then closes without answering:
  // the worst case of a keep-alive race, where the request may have been processed.
  test_https_server server(tls_server([](const seen_request& s) {
    server_reply r;
    r.drop = s.index_on_connection >= 2;
    return r;
  }));
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());

  SUBCASE("idempotent GET") {
    REQUIRE(get(ioc, c, server.url("/first")));
    auto r = get(ioc, c, server.url("/second"));
    REQUIRE_MESSAGE(r, r.error().message());
    CHECK(r->status == 200);
    CHECK(c.stats().stale_connection_retries == 1);
    CHECK(server.connections() == 2);
  }
  SUBCASE("POST") {
    REQUIRE(get(ioc, c, server.url("/first")));
    http::request post;
    post.method = http::verb::post;
    post.url = server.url("/create");
    post.body = R"({"title":"x"})";
    auto r = run_coro(ioc, c.send(post));
    REQUIRE_FALSE(r);
    CHECK(r.error() == http::errc::stale_connection);
    CHECK(http::is_retryable(r.error()));
    int posts = 0;
    for (const auto& s : server.requests()) posts += s.method == "POST";
    CHECK(posts == 1);
    CHECK(server.connections() == 1);
  }
}

TEST_CASE("redirects: 301 on GET and 307 keeping a PATCH body are followed") {
  test_https_server server(tls_server([](const seen_request& s) {
    server_reply r;
    if (s.target == "/old") {
      r.status = 301;
      r.headers = {{"Location", "/new"}};
    } else if (s.target == "/patch-here") {
      r.status = 307;
      r.headers = {{"Location", "/patched"}};
    } else if (s.target == "/loop") {
      r.status = 302;
      r.headers = {{"Location", "/loop"}};
    } else {
      r.body = s.method + " " + s.target + " " + s.body;
    }
    return r;
  }));
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());
  auto r = get(ioc, c, server.url("/old"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "GET /new ");
  CHECK(r->final_url == "https://127.0.0.1:" + std::to_string(server.port()) + "/new");

  http::request patch;
  patch.method = http::verb::patch;
  patch.url = server.url("/patch-here");
  patch.body = R"({"state":"closed"})";
  auto p = run_coro(ioc, c.send(patch));
  REQUIRE(p);
  CHECK(p->body == R"(PATCH /patched {"state":"closed"})");

  auto loop = get(ioc, c, server.url("/loop"));
  REQUIRE_FALSE(loop);
  CHECK(loop.error() == http::errc::too_many_redirects);
}

TEST_CASE("redirects: Authorization is kept on the same origin and dropped for another one") {
  test_https_server other(tls_server());
  const std::string other_url = other.url("/elsewhere");
  test_https_server server(tls_server([other_url](const seen_request& s) {
    server_reply r;
    if (s.target == "/same") r = {301, {{"Location", "/same2"}}, ""};
    if (s.target == "/cross") r = {302, {{"Location", other_url}}, ""};
    return r;
  }));
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());
  for (std::string path : {"/same", "/cross"}) {
    http::request req;
    req.url = server.url(path);
    req.headers.set(boost::beast::http::field::authorization, "Bearer token-123456");
    REQUIRE(run_coro(ioc, c.send(req)));
  }
  auto seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].target == "/same2");
  CHECK(seen[1].authorization == "Bearer token-123456");
  REQUIRE(other.request_count() == 1);
  CHECK(other.requests()[0].authorization.empty());
}

TEST_CASE("the response body limit is enforced") {
  test_https_server server(tls_server([](const seen_request&) {
    server_reply r;
    r.body.assign(5000, 'x');
    return r;
  }));
  net::io_context ioc;
  auto cfg = trusting_config();
  cfg.body_limit = 1000;
  http::client c(ioc.get_executor(), cfg);
  auto r = get(ioc, c, server.url("/big"));
  REQUIRE_FALSE(r);
  CHECK(r.error() == boost::beast::http::error::body_limit);
  CHECK_FALSE(http::is_retryable(r.error()));
}

TEST_CASE("proxy: https goes through a CONNECT tunnel with TLS to the origin inside") {
  test_https_server server(tls_server());
  ngsync::test::test_connect_proxy proxy;
  net::io_context ioc;
  auto cfg = trusting_config();
  cfg.proxy.https_proxy = *http::parse_url("http://127.0.0.1:" + std::to_string(proxy.port()));
  http::client c(ioc.get_executor(), cfg);
  auto r = get(ioc, c, server.url("/via-proxy"));
  REQUIRE_MESSAGE(r, r.error().message());
  CHECK(r->status == 200);
  CHECK(proxy.tunnels() == 1);
  REQUIRE(proxy.targets().size() == 1);
  CHECK(proxy.targets()[0] == "127.0.0.1:" + std::to_string(server.port()));

  // NO_PROXY bypasses it.
  cfg.proxy.no_proxy = http::proxy_settings::parse_no_proxy(" example.com, 127.0.0.1 ");
  http::client direct(ioc.get_executor(), cfg);
  REQUIRE(get(ioc, direct, server.url("/direct")));
  CHECK(proxy.tunnels() == 1);
}

TEST_CASE("proxy selection follows NO_PROXY rules") {
  http::proxy_settings s;
  s.https_proxy = *http::parse_url("http://proxy.corp:3128");
  s.no_proxy = http::proxy_settings::parse_no_proxy(".internal.net,github.com:8443,10.1.2.3");
  auto via = [&](const char* url) { return s.proxy_for(*http::parse_url(url)).has_value(); };
  CHECK(via("https://api.github.com/"));
  CHECK_FALSE(via("https://github.com:8443/"));
  CHECK_FALSE(via("https://a.internal.net/"));
  CHECK_FALSE(via("https://internal.net/"));
  CHECK(via("https://notinternal.net/"));
  CHECK_FALSE(via("https://10.1.2.3/"));
  CHECK_FALSE(via("http://plain.example/"));  // plain http never uses the https proxy
  s.no_proxy = {"*"};
  CHECK_FALSE(via("https://api.github.com/"));
}

TEST_CASE("plain http works for loopback tools") {
  server_options o;
  o.tls = false;
  test_https_server server(o);
  net::io_context ioc;
  http::client c(ioc.get_executor(), trusting_config());
  auto r = get(ioc, c, server.url("/plain"));
  REQUIRE(r);
  CHECK(r->status == 200);
  auto refused = get(ioc, c, "http://127.0.0.1:1/");
  REQUIRE_FALSE(refused);
  CHECK(http::is_retryable(refused.error()));
}
