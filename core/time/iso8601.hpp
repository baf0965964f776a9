#pragma once
// ISO 8601 times as both APIs write them ("2026-11-25T10:00:00.000Z", "...+00:00"), to and from
// std::chrono::system_clock, always in UTC.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::iso8601 {

using sys_time = std::chrono::system_clock::time_point;

// "2026-11-25T10:00:00.000Z" (milliseconds, UTC).
std::string format(sys_time t);
// Accepts a date-time with Z or a numeric offset, with or without fractional seconds.
std::optional<sys_time> parse(std::string_view text);
// The start of the minute `t` falls in (Notion's timestamps have minute granularity).
sys_time floor_minute(sys_time t);

}  // namespace ngsync::iso8601
