#pragma once
// Notion's timestamps: ISO 8601 in UTC, page times rounded down to the minute as Notion does.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::sandbox::notion {

using time_point = std::chrono::system_clock::time_point;

inline time_point floor_minute(time_point t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

// "2026-10-01T12:34:00.000Z" (milliseconds kept; pass a floored time for page timestamps).
std::string format_time(time_point t);

// Accepts "2026-10-01", "2026-10-01T12:34Z", "2026-10-01T12:34:56.789+09:00" and the like.
std::optional<time_point> parse_time(std::string_view text);

}  // namespace ngsync::sandbox::notion
