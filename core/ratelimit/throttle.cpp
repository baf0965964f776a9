#include "core/ratelimit/throttle.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace ngsync::ratelimit {
namespace {

std::optional<std::int64_t> parse_int(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view header(const boost::beast::http::fields& h, std::string_view name) {
  auto it = h.find(boost::beast::string_view(name.data(), name.size()));
  if (it == h.end()) return {};
  return {it->value().data(), it->value().size()};
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

}  // namespace

std::optional<system_time> epoch_seconds_time(std::int64_t epoch_seconds) {
  constexpr std::int64_t year_2200 = 7258118400;  // 2200-01-01T00:00:00Z
  if (epoch_seconds < 0 || epoch_seconds > year_2200) return std::nullopt;
  return system_time(std::chrono::seconds(epoch_seconds));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, system_time now) {
  // Capped at a day: a longer wait is a broken header, and a huge one would overflow when the
  // caller adds it to a nanosecond clock.
  constexpr std::int64_t longest = 24 * 3600;
  if (auto n = parse_int(value))
    return std::chrono::seconds(std::clamp<std::int64_t>(*n, 0, longest));
  std::tm tm{};
  const std::string text(value);
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  // A year system_clock (nanoseconds, up to 2262) cannot hold would overflow in from_time_t
  // (found by fuzzing, twice: 9999 was still too far).
  if (tm.tm_year < 70 || tm.tm_year > 2200 - 1900) return std::nullopt;
  const std::time_t when = ::timegm(&tm);
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::clamp(std::chrono::ceil<std::chrono::seconds>(delta), std::chrono::seconds(0),
                    std::chrono::seconds(longest));
}

std::optional<throttle_signal> detect_throttle(api_flavor flavor, unsigned status,
                                               const boost::beast::http::fields& headers,
                                               std::string_view body, system_time now,
                                               std::chrono::seconds fallback) {
  const auto remaining = parse_int(header(headers, "x-ratelimit-remaining"));
  const bool exhausted = remaining && *remaining == 0;
  std::string trigger;
  switch (flavor) {
    case api_flavor::github:
      // GitHub's docs: a 403 or 429 that carries Retry-After, or x-ratelimit-remaining: 0, is a
      // rate limit, whatever its body says (the older abuse-detection wording does not say
      // "secondary rate limit"). The body text only names the kind when neither header came.
      if (status == 429)
        trigger = "status=429";
      else if (status == 403 && !header(headers, "retry-after").empty())
        trigger = "status=403";
      else if (status == 403 && exhausted)
        trigger = "primary";
      else if (status == 403 && contains_ci(body, "secondary rate limit"))
        trigger = "secondary";
      break;
    case api_flavor::notion:
      if (status == 429 || status == 529) trigger = "status=" + std::to_string(status);
      break;
    case api_flavor::generic:
      if (status == 429) trigger = "status=429";
      break;
  }
  if (trigger.empty()) return std::nullopt;

  if (auto ra = header(headers, "retry-after"); !ra.empty()) {
    if (auto wait = parse_retry_after(ra, now))
      return throttle_signal{*wait, trigger + " retry-after"};
  }
  if (exhausted) {
    const auto reset = parse_int(header(headers, "x-ratelimit-reset"));
    if (const auto at = reset ? epoch_seconds_time(*reset) : std::nullopt) {
      // One second more: GitHub's reset is the second the window rolls over. Capped at a day,
      // like Retry-After: a reset further away is a broken header, not a reason to stop longer.
      const auto wait = std::chrono::ceil<std::chrono::seconds>(*at - now) + std::chrono::seconds(1);
      return throttle_signal{std::clamp(wait, std::chrono::seconds(1), std::chrono::seconds(24 * 3600)),
                             trigger + " ratelimit-reset"};
    }
  }
  return throttle_signal{fallback, trigger + " default"};
}

}  // namespace ngsync::ratelimit
