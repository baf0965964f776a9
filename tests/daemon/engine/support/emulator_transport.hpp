#pragma once
// The API callers' transport for the engine's in-process tests: each request goes straight to the
// sandbox's handler of its API (faults, emulator, call log), as the bytes would after TLS, with
// no socket. The emulators are the same Notion and GitHub the end-to-end tests run against, so the
// engine meets the real APIs' shapes, errors and validation, in microseconds.
//
// One fault of its own, which only a transport can make: an answer lost after the request
// landed (the create happened, the client sees a reset), the "unknown outcome" of sync-model.md.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/server.hpp"
#include "core/http/transport.hpp"
#include "core/http/url.hpp"
#include "tests/sandbox/src/sandbox_host.hpp"

namespace ngsync::test {

class emulator_transport final : public http::transport {
 public:
  emulator_transport(boost::asio::any_io_executor executor, sandbox::sandbox_host& host)
      : executor_(std::move(executor)), host_(host) {}

  // Requests to `base_url`'s origin go to the sandbox's `api` handler ("notion", "github").
  void route(const std::string& base_url, std::string api) {
    auto url = http::parse_url(base_url);
    REQUIRE(url.has_value());
    routes_.emplace_back(url->origin(), std::move(api));
  }

  // The next `count` requests with this method whose path starts with `path_prefix` reach the
  // emulator, which acts on them; their answers are lost (a connection reset).
  void lose_answers(http::verb method, std::string path_prefix, int count) {
    lost_.push_back({method, std::move(path_prefix), count});
  }

  // Every request sent, "METHOD target", in order.
  const std::vector<std::string>& sent() const { return sent_; }

  boost::asio::awaitable<http::result> send(http::request req) override {
    auto url = http::parse_url(req.url);
    if (!url) co_return http::result(url.error());
    const std::string* api = nullptr;
    for (const auto& [origin, name] : routes_) {
      if (origin == url->origin()) api = &name;
    }
    if (!api) co_return http::result(boost::system::error_code(boost::asio::error::host_not_found));
    // A paused API holds the request back before it is written, as the HTTPS client does.
    while (req.gate) {
      auto until = req.gate();
      if (!until) break;
      boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, *until);
      co_await t.async_wait(boost::asio::use_awaitable);
    }
    http::server_request sreq{req.method, url->target, 11};
    for (const auto& f : req.headers) sreq.set(f.name_string(), f.value());
    sreq.set(http::bhttp::field::host, url->host);
    sreq.body() = req.body;
    sreq.prepare_payload();
    sent_.push_back(std::string(http::bhttp::to_string(req.method)) + " " + url->target);
    auto handler = host_.api_handler(*api);
    http::server_response answer;
    try {
      answer = co_await handler(std::move(sreq));
    } catch (const http::drop_connection&) {
      co_return http::result(boost::system::error_code(boost::asio::error::connection_reset));
    }
    if (take_lost(req.method, url->target)) {
      co_return http::result(boost::system::error_code(boost::asio::error::connection_reset));
    }
    http::response out;
    out.status = answer.result_int();
    for (const auto& f : answer) out.headers.set(f.name_string(), f.value());
    out.body = std::move(answer.body());
    out.final_url = req.url;
    co_return out;
  }

  const boost::asio::any_io_executor& executor() const override { return executor_; }

 private:
  struct lost_answers {
    http::verb method;
    std::string path_prefix;
    int count;
  };
  bool take_lost(http::verb method, const std::string& target) {
    for (auto& l : lost_) {
      if (l.count > 0 && l.method == method && target.rfind(l.path_prefix, 0) == 0) {
        --l.count;
        return true;
      }
    }
    return false;
  }

  boost::asio::any_io_executor executor_;
  sandbox::sandbox_host& host_;
  std::vector<std::pair<std::string, std::string>> routes_;
  std::vector<lost_answers> lost_;
  std::vector<std::string> sent_;
};

}  // namespace ngsync::test
