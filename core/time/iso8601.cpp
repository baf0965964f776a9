#include "core/time/iso8601.hpp"

#include <sstream>

#include <date/date.h>

namespace ngsync::iso8601 {

std::string format(sys_time t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

std::optional<sys_time> parse(std::string_view text) {
  const std::string s(text);
  for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%FT%T%z"}) {
    std::istringstream in(s);
    date::sys_time<std::chrono::microseconds> tp;
    in >> date::parse(fmt, tp);
    if (in.fail()) continue;
    // system_clock counts nanoseconds: it spans 1677..2262. A year outside would overflow the
    // cast below; an API answer saying 9999 is malformed, not a reason for undefined behaviour.
    using namespace std::chrono;
    constexpr auto span = duration_cast<microseconds>(sys_time::duration::max()) - hours(24);
    if (tp.time_since_epoch() > span || tp.time_since_epoch() < -span) return std::nullopt;
    return time_point_cast<sys_time::duration>(tp);
  }
  return std::nullopt;
}

sys_time floor_minute(sys_time t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

}  // namespace ngsync::iso8601
