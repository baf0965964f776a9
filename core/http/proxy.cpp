#include "core/http/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/http/client_error.hpp"
#include "core/log/logging.hpp"

namespace ngsync::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

const char* env_either(const char* upper, const char* lower) {
  if (const char* v = std::getenv(upper); v && *v) return v;
  if (const char* v = std::getenv(lower); v && *v) return v;
  return nullptr;
}

bool host_matches(const std::string& host, std::uint16_t port, const std::string& entry) {
  if (entry == "*") return true;
  std::string pattern = entry;
  // "host:port" entries only match that port (IPv6 literals with colons are left whole).
  if (auto colon = pattern.rfind(':');
      colon != std::string::npos && pattern.find(':') == colon && pattern.front() != '[') {
    if (pattern.substr(colon + 1) != std::to_string(port)) return false;
    pattern.resize(colon);
  }
  if (!pattern.empty() && pattern.front() == '[' && pattern.back() == ']')
    pattern = pattern.substr(1, pattern.size() - 2);
  if (!pattern.empty() && pattern.front() == '.') pattern.erase(0, 1);
  if (pattern.empty()) return false;
  if (host == pattern) return true;
  // Suffix match on a label boundary: "github.com" covers "api.github.com", not "evilgithub.com".
  return host.size() > pattern.size() &&
         host.compare(host.size() - pattern.size(), pattern.size(), pattern) == 0 &&
         host[host.size() - pattern.size() - 1] == '.';
}

}  // namespace

std::vector<std::string> proxy_settings::parse_no_proxy(std::string_view list) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    auto comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string item(list.substr(pos, comma - pos));
    item.erase(
        std::remove_if(item.begin(), item.end(), [](unsigned char c) { return std::isspace(c); }),
        item.end());
    std::transform(item.begin(), item.end(), item.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!item.empty()) out.push_back(std::move(item));
    pos = comma + 1;
  }
  return out;
}

proxy_settings proxy_settings::from_environment() {
  proxy_settings s;
  if (const char* p = env_either("HTTPS_PROXY", "https_proxy")) {
    std::string text = p;
    // curl accepts "host:port" without a scheme; so do we.
    if (text.find("://") == std::string::npos) text = "http://" + text;
    if (auto u = parse_url(text); u && !u->is_tls()) {
      s.https_proxy = *u;
    } else {
      ngsync::log::get("http")->warn("msg=\"ignoring unusable HTTPS_PROXY\" value={}",
                                     ngsync::log::redact(p));
    }
  }
  if (const char* n = env_either("NO_PROXY", "no_proxy")) s.no_proxy = parse_no_proxy(n);
  return s;
}

std::optional<parsed_url> proxy_settings::proxy_for(const parsed_url& target) const {
  if (!https_proxy || !target.is_tls()) return std::nullopt;
  for (const auto& entry : no_proxy)
    if (host_matches(target.host, target.port, entry)) return std::nullopt;
  return https_proxy;
}

net::awaitable<boost::system::error_code> open_connect_tunnel(beast::tcp_stream& stream,
                                                              parsed_url target) {
  const std::string authority = target.host.find(':') != std::string::npos
                                    ? "[" + target.host + "]:" + std::to_string(target.port)
                                    : target.host + ":" + std::to_string(target.port);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, authority, 11};
  req.set(bhttp::field::host, authority);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
  if (wec) co_return wec;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  // A CONNECT answer has no body even without Content-Length; everything after the header
  // belongs to the tunnel.
  parser.skip(true);
  auto [rec, rn] =
      co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
  if (rec) co_return rec;
  const auto status = parser.get().result_int();
  if (status < 200 || status > 299) co_return make_error_code(errc::proxy_refused);
  co_return boost::system::error_code{};
}

}  // namespace ngsync::http
