#pragma once
// How times cross into SQL: microseconds since the Unix epoch as a bigint parameter, exact in
// both directions and independent of the session's time zone.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ngsync::storage {

using sys_time = std::chrono::system_clock::time_point;

std::int64_t to_epoch_us(sys_time t);
sys_time from_epoch_us(std::int64_t us);

// SQL text turning bigint parameter $n into timestamptz.
std::string sql_ts(int n);
// SQL text turning a timestamptz column into epoch microseconds.
std::string sql_us(const std::string& column);

inline std::optional<std::int64_t> to_epoch_us(const std::optional<sys_time>& t) {
  if (!t) return std::nullopt;
  return to_epoch_us(*t);
}

}  // namespace ngsync::storage
