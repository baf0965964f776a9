#include "core/sync/repo_name.hpp"

#include <algorithm>
#include <cctype>

#include "core/sync/utf8_text.hpp"
#include "core/text/ascii.hpp"

namespace ngsync::sync {
namespace {

// GitHub owners: alphanumerics and single hyphens, at most 39; repos: alphanumerics, '-', '_',
// '.', at most 100, and not "." or "..".
bool valid_owner(std::string_view s) {
  if (s.empty() || s.size() > 39 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool valid_repo(std::string_view s) {
  if (s.empty() || s.size() > 100 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Splits a pasted web URL into its host and the rest: "https://HOST/owner/repo" (any scheme case)
// or "HOST/owner/repo". GitHub owner names hold neither '.' nor ':', so a first segment with one
// of them, followed by two more, is a host. Returns an empty host when `s` is not a URL.
std::string_view take_host(std::string_view& s) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (text::ascii_lower(s.substr(0, scheme.size())) == scheme) {
      s.remove_prefix(scheme.size());
      const auto slash = s.find('/');
      const auto host = s.substr(0, slash);
      s = slash == std::string_view::npos ? std::string_view() : s.substr(slash + 1);
      return host;
    }
  }
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) return {};
  const auto first = s.substr(0, slash);
  if (first.find_first_of(".:") == std::string_view::npos) return {};
  if (s.find('/', slash + 1) == std::string_view::npos) return {};
  s.remove_prefix(slash + 1);
  return first;
}

}  // namespace

input_result<repo_name> parse_repo_name(std::string_view text, std::string_view web_host) {
  std::string_view s = trim_ascii(text);
  const std::string shown(s.substr(0, 120));
  if (s.empty()) return input_error{"no GitHub repository given (expected owner/repo)"};
  if (const auto host = take_host(s);
      !host.empty() && text::ascii_lower(host) != text::ascii_lower(web_host)) {
    return input_error{"\"" + shown + "\" is on " + std::string(host.substr(0, 100)) +
                       ", but the GitHub synced here is " + std::string(web_host) +
                       " (expected owner/repo or https://" + std::string(web_host) +
                       "/owner/repo)"};
  }
  if (s.ends_with("/")) s.remove_suffix(1);
  if (s.ends_with(".git")) s.remove_suffix(4);
  const auto slash = s.find('/');
  if (slash == std::string_view::npos || s.find('/', slash + 1) != std::string_view::npos) {
    return input_error{"\"" + shown + "\" is not a GitHub repository (expected owner/repo)"};
  }
  const auto owner = trim_ascii(s.substr(0, slash));
  const auto repo = trim_ascii(s.substr(slash + 1));
  if (!valid_owner(owner)) {
    return input_error{"\"" + shown + "\": invalid GitHub owner name \"" + std::string(owner) +
                       "\""};
  }
  if (!valid_repo(repo)) {
    return input_error{"\"" + shown + "\": invalid GitHub repository name \"" + std::string(repo) +
                       "\""};
  }
  return repo_name{text::ascii_lower(owner), text::ascii_lower(repo)};
}

}  // namespace ngsync::sync
