#include "core/config/values.hpp"

#include "core/notion/notion_id.hpp"
#include "core/sync/repo_name.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace ngsync::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  // One or more <integer><unit> parts: "90s", "1h30m", "250ms". A bare number is refused on
  // purpose: "30" could mean seconds or milliseconds, and guessing wrong is a silent bug.
  static const std::regex part(R"((\d+)(ms|s|m|h|d))");
  std::string s(trim(text));
  if (s.empty()) return std::nullopt;
  std::chrono::milliseconds total{0};
  auto it = std::sregex_iterator(s.begin(), s.end(), part);
  std::size_t consumed = 0;
  for (; it != std::sregex_iterator(); ++it) {
    if (static_cast<std::size_t>(it->position()) != consumed) return std::nullopt;
    consumed += static_cast<std::size_t>(it->length());
    // Nine digits of days is already 2.7 million years: anything longer is a typo, and stoll
    // would throw (or the sum overflow) on it (found by fuzzing).
    if ((*it)[1].length() > 9) return std::nullopt;
    auto n = std::stoll((*it)[1].str());
    const auto unit = (*it)[2].str();
    if (unit == "ms")
      total += std::chrono::milliseconds(n);
    else if (unit == "s")
      total += std::chrono::seconds(n);
    else if (unit == "m")
      total += std::chrono::minutes(n);
    else if (unit == "h")
      total += std::chrono::hours(n);
    else
      total += std::chrono::hours(24 * n);
    if (total > std::chrono::hours(24 * 365 * 1000)) return std::nullopt;
  }
  if (consumed != s.size() || consumed == 0) return std::nullopt;
  return total;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  static const std::regex re(R"((\d+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?)");
  std::string s(trim(text));
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  std::uint64_t n = std::stoull(m[1].str());
  const auto unit = m[2].str();
  std::uint64_t factor = 1;
  if (unit == "KiB")
    factor = 1024;
  else if (unit == "MiB")
    factor = 1024 * 1024;
  else if (unit == "GiB")
    factor = 1024ull * 1024 * 1024;
  else if (unit == "KB")
    factor = 1000;
  else if (unit == "MB")
    factor = 1000 * 1000;
  else if (unit == "GB")
    factor = 1000ull * 1000 * 1000;
  return n * factor;
}

std::optional<std::string> normalize_repository(std::string_view text) {
  // One rule for repository names everywhere: the sync's own parser (it also accepts a pasted
  // https://github.com/org/repo URL).
  auto parsed = sync::parse_repo_name(text);
  if (!parsed) return std::nullopt;
  return parsed->full();
}

std::optional<std::string> normalize_notion_id(std::string_view text) {
  std::string s(trim(text));
  // Strip a URL's query or fragment, then take the last run of 32 hex digits (dashes allowed).
  if (auto q = s.find_first_of("?#"); q != std::string::npos) s.resize(q);
  std::string hex;
  for (auto it = s.rbegin(); it != s.rend() && hex.size() < 32; ++it) {
    const auto c = static_cast<unsigned char>(*it);
    if (std::isxdigit(c)) {
      hex.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == '-' && !hex.empty()) {
      continue;
    } else {
      break;
    }
  }
  if (hex.size() != 32) return std::nullopt;
  std::reverse(hex.begin(), hex.end());
  // Anything before the id must end the id's token: a URL path ("...-Title-<id>" or "/<id>").
  return notion::dashed_id(hex);
}

}  // namespace ngsync::config
