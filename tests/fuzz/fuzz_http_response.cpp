// Fuzzes the HTTP client's response handling: the input is a raw HTTP/1.1 answer, read by the
// parser http::client uses (Beast's response_parser with the client's body limit, HEAD answers
// without a body), then read the way the API layer reads answers: throttle detection for both
// APIs, failure classification, Location resolution, and the JSON models (GitHub issues and
// issue lists, Notion pages and page lists).
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/issue_model.hpp"
#include "core/http/client.hpp"
#include "core/http/url.hpp"
#include "core/notion/page_model.hpp"
#include "core/ratelimit/throttle.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;
namespace bhttp = boost::beast::http;

namespace {

std::string header_of(const http::response& r, std::string_view name) {
  auto it = r.headers.find(boost::beast::string_view(name.data(), name.size()));
  return it == r.headers.end() ? std::string() : std::string(it->value());
}

void read_like_the_api_layer(const http::response& resp) {
  // A fixed "now" (2026-01-01T00:00:00Z): the same input takes the same path on every run.
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  for (auto flavor : {ratelimit::api_flavor::github, ratelimit::api_flavor::notion}) {
    (void)ratelimit::detect_throttle(flavor, resp.status, resp.headers, resp.body, now,
                                     std::chrono::seconds(60));
  }
  (void)ratelimit::parse_retry_after(header_of(resp, "Retry-After"), now);
  if (auto location = header_of(resp, "Location"); !location.empty()) {
    static const auto base = http::parse_url("https://api.github.com/repos/o/r/issues?x=1");
    fuzz::require(base.has_value(), "the base URL parses");
    (void)http::resolve_location(*base, location);
  }
  ratelimit::api_result result;
  result.response = resp;
  result.attempts = 1;
  if (!result.ok()) {
    for (const char* api : {"github", "notion"})
      (void)api::classify(api, "fuzz", result).describe();
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
  if (size == 0) return 0;
  const bool head = data[0] & 1;  // the request's verb decides whether a body follows
  auto in = fuzz::as_text(data + 1, size - 1);

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1 << 20);
  if (head) parser.skip(true);
  boost::system::error_code ec;
  // What has arrived so far, as the client's read loop hands it over; the end of input is the
  // server closing the connection.
  while (!in.empty() && !parser.is_done()) {
    const auto used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    if (ec == bhttp::error::need_more) ec = {};
    if (ec) return 0;
    if (used == 0) break;
    in.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  auto res = parser.release();
  http::response resp;
  resp.status = res.result_int();
  resp.body = std::move(res.body());
  resp.headers = std::move(res.base());
  read_like_the_api_layer(resp);
  return 0;
}
