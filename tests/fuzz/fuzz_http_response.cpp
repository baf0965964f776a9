// Fuzzes the HTTP client's response handling end to end: the input is served, byte for byte, as
// the answer of a loopback server to a real http::client request (Beast's parser with the
// client's body limit, keep-alive, redirects), then read the way the API layer reads answers:
// throttle detection for both APIs, failure classification, Location resolution, and the JSON
// models (GitHub issues and issue lists, Notion pages and page lists).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/issue_model.hpp"
#include "core/http/client.hpp"
#include "core/http/url.hpp"
#include "core/log/logging.hpp"
#include "core/notion/page_model.hpp"
#include "core/ratelimit/throttle.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct loopback {
  net::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(net::ip::address_v4::loopback(), 0)};
  std::unique_ptr<http::client> client;
  std::string base_url;

  loopback() {
    http::client_config cfg;
    cfg.pooling = false;
    cfg.max_redirects = 0;  // a redirect must not lead the fuzzer to other hosts
    cfg.body_limit = 1 << 20;
    cfg.connect_timeout = std::chrono::milliseconds(2000);
    cfg.request_timeout = std::chrono::milliseconds(5000);
    client = std::make_unique<http::client>(io.get_executor(), cfg);
    base_url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  }
};

loopback& env() {
  static loopback* l = [] {
    ngsync::log::get("http")->set_level(spdlog::level::off);
    return new loopback();  // lives for the process: libFuzzer exits without unwinding
  }();
  return *l;
}

// Answers one connection with `answer`, then closes its side; the client sees EOF at the end.
net::awaitable<void> serve_once(tcp::acceptor& acceptor, std::string answer) {
  boost::system::error_code ec;
  tcp::socket socket(acceptor.get_executor());
  co_await acceptor.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return;
  std::string request;
  co_await net::async_read_until(socket, net::dynamic_buffer(request), "\r\n\r\n",
                                 net::redirect_error(net::use_awaitable, ec));
  co_await net::async_write(socket, net::buffer(answer),
                            net::redirect_error(net::use_awaitable, ec));
  socket.shutdown(tcp::socket::shutdown_send, ec);
  // Wait for the client to close, so unread request bytes do not turn into a reset.
  char sink[512];
  for (;;) {
    co_await socket.async_read_some(net::buffer(sink), net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
  }
}

void read_like_the_api_layer(const http::response& resp, const http::parsed_url& base) {
  const auto now = std::chrono::system_clock::now();
  const ratelimit::api_flavor flavors[] = {ratelimit::api_flavor::github,
                                           ratelimit::api_flavor::notion};
  for (auto flavor : flavors) {
    (void)ratelimit::detect_throttle(flavor, resp.status, resp.headers, resp.body, now,
                                     std::chrono::seconds(60));
  }
  (void)ratelimit::parse_retry_after(resp.header("Retry-After"), now);
  if (auto location = resp.header("Location"); !location.empty()) {
    (void)http::resolve_location(base, location);
  }
  ratelimit::api_result result;
  result.response = resp;
  result.attempts = 1;
  if (!result.ok()) {
    for (const char* api : {"github", "notion"}) {
      const auto f = api::classify(api, "fuzz", result);
      (void)f.describe();
    }
    return;
  }
  boost::system::error_code ec;
  const auto v = boost::json::parse(resp.body, ec);
  if (ec) return;
  (void)github::parse_issue(v);
  (void)github::parse_issue_list(v);
  (void)notion::parse_page(v);
  (void)notion::parse_page_list(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& l = env();
  std::string answer(fuzz::as_text(data, size));

  http::request req;
  req.method = (size > 0 && (data[0] & 1)) ? http::verb::head : http::verb::get;
  req.url = l.base_url + "/v1/fuzz?x=1";
  auto base = http::parse_url(req.url);
  fuzz::require(base.has_value(), "the loopback URL parses");

  http::result outcome = http::make_error_code(http::errc::too_many_redirects);
  auto client_side = [&]() -> net::awaitable<void> {
    outcome = co_await l.client->send(std::move(req));
  };
  l.io.restart();
  net::co_spawn(l.io, serve_once(l.acceptor, std::move(answer)), net::detached);
  net::co_spawn(l.io, client_side(), net::detached);
  l.io.run();

  if (outcome) read_like_the_api_layer(*outcome, *base);
  return 0;
}
