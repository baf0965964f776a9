#pragma once
// Absolute URLs as the HTTP client needs them: scheme, host, port, request target, and the
// origin key that names a connection pool. Parsing is Boost.URL; this adds defaults and checks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace ngsync::http {

struct parsed_url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target;  // path + query, never empty ("/" at least)

  bool is_tls() const { return scheme == "https"; }
  // "https://api.github.com:443": connections are shared only within one origin.
  std::string origin() const;
  // host[:port] as sent in the Host header (port omitted when it is the default).
  std::string host_header() const;
  std::string to_string() const { return scheme + "://" + host_header() + target; }
};

// Accepts only absolute http/https URLs with a host; anything else is errc::bad_url.
boost::system::result<parsed_url> parse_url(std::string_view text);

// A redirect Location may be relative: resolved against the URL it came from.
boost::system::result<parsed_url> resolve_location(const parsed_url& base,
                                                   std::string_view location);

// The request target a link names relative to an API base URL ("https://host/api/v3" +
// "https://host/api/v3/repos/a/b?page=2" -> "/repos/a/b?page=2"), or nothing when the link
// leaves the API: another scheme, host or port (compared parsed, so "https://api.github.com.evil"
// or "https://api.github.com@evil" are refused), or a path outside the base's prefix.
std::optional<std::string> target_under_base(std::string_view base_url, std::string_view link);

// True when `host` is an IPv4 or IPv6 literal (SNI is not sent for those).
bool is_ip_literal(std::string_view host);

}  // namespace ngsync::http
