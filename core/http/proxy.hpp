#pragma once
// Outbound proxy: which requests go through it (HTTPS_PROXY / NO_PROXY rules) and the CONNECT
// tunnel that carries TLS to the origin through it. Only https:// targets use the proxy; the
// plain http:// support is for loopback tools.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include "core/http/url.hpp"

namespace ngsync::http {

struct proxy_settings {
  std::optional<parsed_url> https_proxy;  // http://host:port of the proxy itself
  std::vector<std::string> no_proxy;      // host suffixes, IPs, "host:port" or "*"

  // Reads HTTPS_PROXY (then https_proxy) and NO_PROXY (then no_proxy). An unparsable proxy
  // URL is ignored with a warning rather than sending traffic somewhere unexpected.
  static proxy_settings from_environment();
  // "a.com, .b.org,10.0.0.1" -> entries, trimmed and lower-cased.
  static std::vector<std::string> parse_no_proxy(std::string_view list);

  // The proxy to use for `target`, or nullopt for a direct connection.
  std::optional<parsed_url> proxy_for(const parsed_url& target) const;
};

// On a TCP stream already connected to the proxy: sends CONNECT host:port and reads the
// answer. A non-2xx answer is errc::proxy_refused. Timeouts are the stream's own.
boost::asio::awaitable<boost::system::error_code> open_connect_tunnel(
    boost::beast::tcp_stream& stream, parsed_url target);

}  // namespace ngsync::http
