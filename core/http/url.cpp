#include "core/http/url.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/http/client_error.hpp"

namespace ngsync::http {
namespace {

boost::system::result<parsed_url> from_url_view(boost::urls::url_view u) {
  parsed_url out;
  out.scheme = std::string(u.scheme());
  std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.scheme != "http" && out.scheme != "https") return make_error_code(errc::bad_url);
  if (!u.has_authority()) return make_error_code(errc::bad_url);
  if (u.host_type() == boost::urls::host_type::ipv6) {
    out.host = std::string(u.encoded_host_address());
  } else {
    out.host = std::string(u.encoded_host());
  }
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.host.empty()) return make_error_code(errc::bad_url);
  if (u.has_port()) {
    if (u.port().empty()) return make_error_code(errc::bad_url);
    const auto n = u.port_number();
    if (n == 0) return make_error_code(errc::bad_url);
    out.port = n;
  } else {
    out.port = out.is_tls() ? 443 : 80;
  }
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) {
    out.target += '?';
    out.target += std::string(u.encoded_query());
  }
  return out;
}

}  // namespace

std::string parsed_url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  const bool default_port = (is_tls() && port == 443) || (!is_tls() && port == 80);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string parsed_url::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

boost::system::result<parsed_url> parse_url(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return make_error_code(errc::bad_url);
  return from_url_view(*u);
}

boost::system::result<parsed_url> resolve_location(const parsed_url& base,
                                                   std::string_view location) {
  auto ref = boost::urls::parse_uri_reference(location);
  if (!ref) return make_error_code(errc::bad_url);
  const std::string base_text = base.to_string();  // the view below points into it
  auto base_view = boost::urls::parse_absolute_uri(base_text);
  if (!base_view) return make_error_code(errc::bad_url);
  boost::urls::url dest;
  auto r = boost::urls::resolve(*base_view, *ref, dest);
  if (!r) return make_error_code(errc::bad_url);
  return from_url_view(dest);
}

bool is_ip_literal(std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

std::optional<std::string> target_under_base(std::string_view base_url, std::string_view link) {
  auto base = parse_url(base_url);
  auto next = parse_url(link);
  if (!base || !next || base->origin() != next->origin()) return std::nullopt;
  std::string_view prefix = base->target;
  if (const auto q = prefix.find('?'); q != std::string_view::npos) prefix = prefix.substr(0, q);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  const std::string_view target = next->target;
  if (target.substr(0, prefix.size()) != prefix) return std::nullopt;
  const auto rest = target.substr(prefix.size());
  // "/api/v3x/..." is not under "/api/v3".
  if (!rest.empty() && rest.front() != '/' && rest.front() != '?') return std::nullopt;
  return std::string(rest.empty() ? "/" : rest);
}

}  // namespace ngsync::http
