#pragma once
// Recognising "slow down" answers of each API and how long to stop for: GitHub's 429 and
// secondary-limit 403, primary exhaustion (remaining 0), Notion's 429 and 529.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>

#include "core/ratelimit/clock.hpp"

namespace ngsync::ratelimit {

enum class api_flavor { generic, github, notion };

struct throttle_signal {
  std::chrono::seconds wait{0};
  std::string reason;  // "retry-after", "ratelimit-reset", "default" + what triggered it
};

// x-ratelimit-reset (UTC epoch seconds) as a time point; nullopt outside 1970..2200, where a
// nanosecond system_clock would overflow (a fuzzed reset of 34200000000 did).
std::optional<system_time> epoch_seconds_time(std::int64_t epoch_seconds);

// Retry-After as delta-seconds or an HTTP date (IMF-fixdate); nullopt when unparsable.
// A date in the past gives 0.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, system_time now);

// nullopt: not a throttle answer. Otherwise how long the whole API must pause: Retry-After,
// else x-ratelimit-reset when remaining is 0, else `fallback`.
std::optional<throttle_signal> detect_throttle(api_flavor flavor, unsigned status,
                                               const boost::beast::http::fields& headers,
                                               std::string_view body, system_time now,
                                               std::chrono::seconds fallback);

}  // namespace ngsync::ratelimit
