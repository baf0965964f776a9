#pragma once
// ASCII case folding, the one spelling of it: GitHub compares logins, repository names, labels
// and hosts without case, and Markdown's syntax words (HTML tags, callout kinds) are ASCII. No
// locale is consulted, so a byte outside ASCII (UTF-8) is never changed.
#include <string>
#include <string_view>

namespace ngsync::text {

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace ngsync::text
