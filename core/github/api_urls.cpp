#include "core/github/api_urls.hpp"

#include "core/text/ascii.hpp"

#include <cctype>

namespace ngsync::github {
namespace {

// GHES serves REST under this path and GraphQL beside it, at /api/graphql.
constexpr std::string_view enterprise_rest_suffix = "/api/v3";

std::string_view without_trailing_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// "https://HOST:PORT/api/v3" -> "HOST:PORT" (empty when there is no scheme).
std::string_view authority_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  return url.substr(0, url.find_first_of("/?#"));
}

// The path part after the authority, e.g. "/api/v3" (empty for a bare origin).
std::string_view path_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  const auto slash = url.find('/');
  return slash == std::string_view::npos ? std::string_view() : url.substr(slash);
}

bool is_enterprise_server(std::string_view base) {
  return text::ascii_lower(path_of(base)).ends_with(enterprise_rest_suffix);
}

}  // namespace

std::string graphql_url(std::string_view rest_base_url) {
  const auto base = without_trailing_slashes(rest_base_url);
  if (is_enterprise_server(base)) {
    // https://HOST/api/v3 -> https://HOST/api/graphql
    const auto api = base.substr(0, base.size() - enterprise_rest_suffix.size());
    return std::string(api) + "/api/graphql";
  }
  return std::string(base) + "/graphql";
}

std::string web_host(std::string_view rest_base_url) {
  const auto base = without_trailing_slashes(rest_base_url);
  if (is_enterprise_server(base)) return text::ascii_lower(authority_of(base));
  return "github.com";
}

}  // namespace ngsync::github
