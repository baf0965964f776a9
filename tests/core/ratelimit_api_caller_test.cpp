// api_caller against a counting HTTPS server on loopback: rate compliance, API-wide pauses on
// 429 and secondary limits, retries, 401 refresh and the audit observer. Tests about the budget's
// timing run in virtual time (tests/support/virtual_time.hpp): the caller's clock and waits are
// the test's, and each request's time is taken as it leaves the limiter (the authorization
// provider runs then), so neither the machine's load nor loopback latency can move a result.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/client.hpp"
#include "core/ratelimit/api_caller.hpp"
#include "tests/core/support/run_coro.hpp"
#include "tests/core/support/test_https_server.hpp"
#include "tests/core/support/test_tls.hpp"
#include "tests/support/virtual_time.hpp"

namespace net = boost::asio;
namespace http = ngsync::http;
namespace rl = ngsync::ratelimit;
using ngsync::test::run_coro;
using ngsync::test::seen_request;
using ngsync::test::server_reply;
using ngsync::test::test_https_server;
using ngsync::test::virtual_steady_now;
using namespace std::chrono_literals;

namespace {

ngsync::test::server_options tls_server(ngsync::test::server_handler handler = {}) {
  const auto& pki = ngsync::test::shared_pki();
  ngsync::test::server_options o;
  o.cert_file = pki.valid.cert;
  o.key_file = pki.valid.key;
  o.handler = std::move(handler);
  return o;
}

http::client_config trusting() {
  http::client_config cfg;
  cfg.tls.use_system_store = false;
  cfg.tls.extra_ca_file = ngsync::test::shared_pki().ca_cert;
  cfg.request_timeout = 5s;
  return cfg;
}

rl::api_caller_config caller_config(const test_https_server& server, rl::api_flavor flavor) {
  rl::api_caller_config c;
  c.name = "test";
  c.flavor = flavor;
  c.base_url = server.url("");
  c.default_headers.set(boost::beast::http::field::user_agent, "ngsync-test");
  c.budget.rate_per_second = 1000;
  c.budget.burst = 100;
  c.max_concurrent = 8;
  c.retry.base_delay = 10ms;
  c.retry.max_delay = 50ms;
  return c;
}

// Virtual time for a caller talking to a loopback server: 1 ms steps, each waiting up to 300 us
// of real time for answers in flight first.
constexpr ngsync::test::virtual_run with_server{1ms, 300us, 10min};

// Records the virtual time each request leaves the limiter (the provider runs right then).
struct departures {
  std::vector<rl::steady_time> at;
  void watch(rl::api_caller& caller) {
    caller.set_authorization_provider([this](bool) -> net::awaitable<std::string> {
      at.push_back(virtual_steady_now());
      co_return "Bearer t";
    });
  }
};

// Runs `workers` coroutines that together send `total` GETs, in virtual time; a throttled request
// is sent again (as a rescheduled job would be) after the pause.
void run_load(net::io_context& ioc, rl::api_caller& caller, int total, int workers,
              std::atomic<int>* throttled = nullptr) {
  int next = 0;
  for (int w = 0; w < workers; ++w) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          while (next < total) {
            const int i = next++;
            for (;;) {
              rl::api_request req;
              req.path = "/item/" + std::to_string(i);
              auto r = co_await caller.call(req);
              if (r.throttled()) {
                if (throttled) ++*throttled;
                continue;
              }
              break;
            }
          }
        },
        net::detached);
  }
  REQUIRE(ngsync::test::run_in_virtual_time(ioc, with_server));
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

TEST_CASE("rate compliance: 1,000 requests through 500/s burst 20 keep to the bucket") {
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  auto cfg = caller_config(server, rl::api_flavor::generic);
  const double rate = 500, burst = 20;
  cfg.budget.rate_per_second = rate;
  cfg.budget.burst = burst;
  rl::api_caller caller(client, cfg, ngsync::test::virtual_time_source());
  departures sent;
  sent.watch(caller);
  const auto start = virtual_steady_now();
  run_load(ioc, caller, 1000, 8);
  const double took = seconds(virtual_steady_now() - start);
  REQUIRE(server.requests().size() == 1000);
  REQUIRE(sent.at.size() == 1000);
  CHECK(took >= 1000 / rate - burst / rate);
  auto& at = sent.at;
  std::sort(at.begin(), at.end());
  // A token bucket lets at most burst + rate * window requests into any window (plus the one
  // whose token came due exactly at the window's start).
  for (auto window : {10ms, 100ms, 500ms}) {
    std::size_t j = 0, worst = 0;
    for (std::size_t i = 0; i < at.size(); ++i) {
      while (at[i] - at[j] >= window) ++j;
      worst = std::max(worst, i - j + 1);
    }
    CAPTURE(window.count());
    CHECK(double(worst) <= burst + rate * seconds(window) + 1);
  }
}

TEST_CASE("a 429 with Retry-After: 2 pauses every request of the API for 2 s") {
  std::atomic<int> count{0};
  test_https_server server(tls_server([&](const seen_request&) {
    server_reply r;
    if (++count == 30) {
      r.status = 429;
      r.headers = {{"Retry-After", "2"}};
    }
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  rl::api_caller caller(client, caller_config(server, rl::api_flavor::notion),
                        ngsync::test::virtual_time_source());
  departures sent;
  sent.watch(caller);
  // When the 429 came back, how many requests had left by then, and until when it paused.
  std::optional<rl::steady_time> paused_at;
  std::size_t sent_before_pause = 0;
  rl::system_time pause_end{};
  caller.set_pause_listener([&](rl::system_time until) {
    paused_at = virtual_steady_now();
    sent_before_pause = sent.at.size();
    pause_end = until;
  });
  std::atomic<int> throttled{0};
  run_load(ioc, caller, 60, 6, &throttled);
  CHECK(throttled == 1);
  REQUIRE(server.requests().size() == 61);
  REQUIRE(sent.at.size() == 61);
  REQUIRE(paused_at);
  CHECK(pause_end == ngsync::test::virtual_time_source().to_system(*paused_at + 2s));
  // Requests that left before the answer came back (on the wire with it) are not held; every one
  // that left afterwards left at or after the pause's end.
  CHECK(sent_before_pause >= 30);
  for (std::size_t i = sent_before_pause; i < sent.at.size(); ++i) {
    CAPTURE(i);
    CHECK(sent.at[i] >= *paused_at + 2s);
  }
  // How many left before the answer came back depends on how fast the loopback server answered
  // the other workers meanwhile (under load, a few more), so only "some were held" is fixed.
  CHECK(sent.at.size() > sent_before_pause);
  auto counters = caller.counters();
  CHECK(counters.budget.pauses == 1);
  CHECK(counters.budget.paused_seconds == doctest::Approx(2.0));
  CHECK(counters.throttled_responses == 1);
}

TEST_CASE("a GitHub secondary-limit 403 pauses the API; a long pause is handed to the caller") {
  std::atomic<int> count{0};
  test_https_server server(tls_server([&](const seen_request&) {
    server_reply r;
    if (++count == 1) {
      r.status = 403;
      r.body = R"({"message":"You have exceeded a secondary rate limit. Please wait."})";
    }
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  auto cfg = caller_config(server, rl::api_flavor::github);
  cfg.budget.default_pause = 1s;  // no Retry-After: the default pause (60 s in production)
  cfg.max_pause_wait = 0ms;
  const auto clock = ngsync::test::virtual_time_source();
  rl::api_caller caller(client, cfg, clock);
  auto run = [&](net::awaitable<rl::api_result> call) {
    return ngsync::test::run_coro_in_virtual_time(ioc, std::move(call), with_server);
  };

  rl::api_request req;
  req.path = "/repos/o/r/issues";
  const auto asked = clock.system_now();
  auto first = run(caller.call(req));
  REQUIRE(first.throttled());
  CHECK(first.status() == 403);
  // The answer took some virtual time to arrive; the pause runs 1 s from then.
  const auto answered = clock.system_now();
  CHECK(*first.paused_until >= asked + 1s);
  CHECK(*first.paused_until <= answered + 1s);

  // While paused, a caller that will not wait learns the pause end and nothing is sent.
  auto second = run(caller.call(req));
  CHECK(second.throttled());
  CHECK(second.attempts == 0);
  CHECK(server.request_count() == 1);

  // One that may wait goes out once the pause is over, not before.
  rl::api_caller patient(
      client,
      [&] {
        auto c = cfg;
        c.max_pause_wait = 5s;
        return c;
      }(),
      clock);
  departures sent;
  sent.watch(patient);
  const auto pause_end = virtual_steady_now() + 300ms;
  patient.budget().pause_until(pause_end);
  auto third = run(patient.call(req));
  CHECK(third.ok());
  REQUIRE(sent.at.size() == 1);
  CHECK(sent.at[0] >= pause_end);
  CHECK(sent.at[0] < pause_end + 2ms);  // at once when it ends (1 ms steps)
}

TEST_CASE("mutating requests keep their spacing through the async limiter") {
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  auto cfg = caller_config(server, rl::api_flavor::github);
  cfg.budget.mutation_spacing = 50ms;
  rl::api_caller caller(client, cfg, ngsync::test::virtual_time_source());
  departures sent;
  sent.watch(caller);
  for (int i = 0; i < 5; ++i) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          rl::api_request req;
          req.method = http::verb::post;
          req.path = "/repos/o/r/issues";
          req.creates_content = true;
          co_await caller.call(req);
        },
        net::detached);
  }
  REQUIRE(ngsync::test::run_in_virtual_time(ioc, with_server));
  REQUIRE(server.requests().size() == 5);
  REQUIRE(sent.at.size() == 5);
  // Each POST leaves 50 ms after the one before, and no later than the next step after that.
  for (std::size_t i = 1; i < sent.at.size(); ++i) {
    CAPTURE(i);
    CHECK(sent.at[i] - sent.at[i - 1] >= 50ms);
    CHECK(sent.at[i] - sent.at[i - 1] <= 51ms);
  }
}

TEST_CASE("retries: GET on 5xx with backoff, a POST only once") {
  std::atomic<int> count{0};
  test_https_server server(tls_server([&](const seen_request& s) {
    server_reply r;
    if (s.method == "POST" || ++count <= 2) r.status = 503;
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  rl::api_caller caller(client, caller_config(server, rl::api_flavor::github),
                        ngsync::test::virtual_time_source());
  rl::api_request get;
  get.path = "/a";
  // The backoff waits in virtual time: no real sleep.
  auto r = ngsync::test::run_coro_in_virtual_time(ioc, caller.call(get), with_server);
  CHECK(r.ok());
  CHECK(r.attempts == 3);
  rl::api_request post;
  post.method = http::verb::post;
  post.path = "/b";
  auto p = ngsync::test::run_coro_in_virtual_time(ioc, caller.call(post), with_server);
  CHECK(p.status() == 503);
  CHECK(p.attempts == 1);
  CHECK(caller.counters().retries == 2);
}

TEST_CASE("401 refreshes the authorization once; the observer never sees it") {
  test_https_server server(tls_server([](const seen_request& s) {
    server_reply r;
    if (s.authorization != "Bearer fresh-token-0002") r.status = 401;
    r.headers = {{"x-github-request-id", "ABCD:1234"},
                 {"x-ratelimit-remaining", "4999"},
                 {"x-ratelimit-reset", "1700000000"}};
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  rl::api_caller caller(client, caller_config(server, rl::api_flavor::github));
  int refreshes = 0;
  caller.set_authorization_provider([&](bool force) -> net::awaitable<std::string> {
    if (force) ++refreshes;
    co_return refreshes ? "Bearer fresh-token-0002" : "Bearer stale-token-0001";
  });
  std::vector<rl::attempt_record> records;
  caller.set_observer([&](const rl::attempt_record& rec) { records.push_back(rec); });
  rl::api_request post;
  post.method = http::verb::post;
  post.path = "/repos/o/r/issues";
  auto r = run_coro(ioc, caller.call(post));
  CHECK(r.ok());
  CHECK(refreshes == 1);
  REQUIRE(records.size() == 2);
  CHECK(records[0].status == 401);
  CHECK(records[1].status == 200);
  CHECK(records[1].attempt == 2);
  CHECK(records[1].path == "/repos/o/r/issues");
  CHECK(records[1].request_id == "ABCD:1234");
  bool saw_remaining = false;
  for (const auto& rec : records)
    for (const auto& [k, v] : rec.rate_limit_headers) {
      CHECK(v.find("token") == std::string::npos);
      saw_remaining |= k == "x-ratelimit-remaining" && v == "4999";
    }
  CHECK(saw_remaining);

  // A provider that keeps failing gets one refresh per call, then the 401 goes to the caller.
  caller.set_authorization_provider(
      [&](bool) -> net::awaitable<std::string> { co_return "Bearer revoked-token-0003"; });
  auto denied = run_coro(ioc, caller.call(post));
  CHECK(denied.status() == 401);
  CHECK(denied.attempts == 2);
}

TEST_CASE("transport errors: idempotent requests retry, the result carries the error") {
  net::io_context ioc;
  auto cfg_client = trusting();
  cfg_client.connect_timeout = 500ms;
  http::client client(ioc.get_executor(), cfg_client);
  rl::api_caller_config cfg;
  cfg.base_url = "http://127.0.0.1:1";  // nothing listens on port 1
  cfg.retry.max_attempts = 3;
  cfg.retry.base_delay = 5ms;
  rl::api_caller caller(client, cfg);
  auto r = run_coro(ioc, caller.call(rl::api_request{}));
  CHECK_FALSE(r.response);
  CHECK(r.error);
  CHECK(http::is_retryable(r.error));
  CHECK(r.attempts == 3);
}

TEST_CASE("a pause that begins after the reservation holds the request back before it is written") {
  // Chaos bug 7: a request passed the limiter, then waited for a connection (a TLS handshake)
  // while another request's 429 paused the API; it must not go out during that pause. The
  // authorization provider runs between the reservation and the send, so it stands in for the
  // other request here.
  test_https_server server(tls_server());
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  auto cfg = caller_config(server, rl::api_flavor::notion);
  cfg.max_pause_wait = 1s;
  rl::api_caller caller(client, cfg);
  auto pause_for = 300ms;
  caller.set_authorization_provider([&](bool) -> net::awaitable<std::string> {
    caller.budget().pause_until(std::chrono::steady_clock::now() + pause_for);
    co_return "Bearer t";
  });
  int observed = 0;
  caller.set_observer([&](const rl::attempt_record&) { ++observed; });
  rl::api_request req;
  req.path = "/v1/pages/p1";

  SUBCASE("a short pause is waited out and the request goes once, after it") {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_coro(ioc, caller.call(req));
    CHECK(r.ok());
    CHECK(r.attempts == 1);
    CHECK(observed == 1);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].at - start >= 290ms);
  }
  SUBCASE("a pause longer than the caller waits: nothing sent, no attempt, the pause's end") {
    pause_for = 10s;
    auto r = run_coro(ioc, caller.call(req));
    REQUIRE(r.throttled());
    CHECK(r.attempts == 0);
    CHECK_FALSE(r.response);
    CHECK(observed == 0);
    CHECK(server.request_count() == 0);
    const auto wait = *r.paused_until - std::chrono::system_clock::now();
    CHECK(wait > 9s);
  }
}

TEST_CASE("header pacing ignores GraphQL's points headers; REST's low remaining pauses the API") {
  // Both answers say 2 left until an hour from now; only the REST one is about this budget.
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         (std::chrono::system_clock::now() + 1h).time_since_epoch())
                         .count();
  test_https_server server(tls_server([reset](const seen_request& s) {
    server_reply r;
    r.headers = {{"x-ratelimit-remaining", "2"},
                 {"x-ratelimit-reset", std::to_string(reset)},
                 {"x-ratelimit-resource", s.target == "/graphql" ? "graphql" : "core"}};
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  auto cfg = caller_config(server, rl::api_flavor::github);
  cfg.budget.pace_from_headers = true;
  rl::api_caller caller(client, cfg);

  rl::api_request gql;
  gql.method = http::verb::post;
  gql.path = "/graphql";
  auto r = run_coro(ioc, caller.call(gql));
  CHECK(r.ok());
  CHECK_FALSE(caller.budget().paused_until().has_value());

  rl::api_request rest;
  rest.path = "/repos/o/r/issues/1";
  r = run_coro(ioc, caller.call(rest));
  CHECK(r.ok());
  CHECK(caller.budget().paused_until().has_value());
}

TEST_CASE("a failed answer's excerpt is redacted before it is cut: no token prefix survives") {
  // 4,090 bytes of text, then a token that the 4 KiB excerpt would cut after "ghp_A".
  const std::string token = "ghp_ABCDEFGHIJKLMNOPQRSTUVWX";
  const std::string body = std::string(4090, 'x') + " " + token + " and more";
  test_https_server server(tls_server([&](const seen_request&) {
    server_reply r;
    r.status = 422;
    r.body = body;
    return r;
  }));
  net::io_context ioc;
  http::client client(ioc.get_executor(), trusting());
  rl::api_caller caller(client, caller_config(server, rl::api_flavor::github));
  std::vector<rl::attempt_record> records;
  caller.set_observer([&](const rl::attempt_record& rec) { records.push_back(rec); });
  rl::api_request get;
  get.path = "/repos/o/r/issues/1";
  auto r = run_coro(ioc, caller.call(get));
  CHECK_FALSE(r.ok());
  REQUIRE(records.size() == 1);
  const auto& excerpt = records[0].response_excerpt;
  CHECK(excerpt.size() <= 4096);
  CHECK(excerpt.find("ghp_") == std::string::npos);
  CHECK(excerpt.rfind(std::string(4090, 'x') + " [", 0) == 0);  // the token's place, cut
}
