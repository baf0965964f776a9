// ISO 8601 formatting and a lenient parser covering the forms Notion accepts in filters.
#include "tests/sandbox/src/notion/notion_time.hpp"

#include <cstdio>

namespace ngsync::sandbox::notion {

using namespace std::chrono;

std::string format_time(time_point t) {
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), long(hms.seconds().count()),
                long(hms.subseconds().count()));
  return buf;
}

std::optional<time_point> parse_time(std::string_view text) {
  const std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return std::nullopt;
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  time_point t = sys_days{ymd};
  std::size_t pos = 10;
  if (pos == s.size()) return t;
  if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
  ++pos;
  if (std::sscanf(s.c_str() + pos, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return std::nullopt;
  t += hours{h} + minutes{mi};
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    int sec = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d%n", &sec, &n) != 1 || n != 2) return std::nullopt;
    t += seconds{sec};
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      long frac = 0;
      int digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 3) {
          frac = frac * 10 + (s[pos] - '0');
          ++digits;
        }
        ++pos;
      }
      while (digits < 3) {
        frac *= 10;
        ++digits;
      }
      t += milliseconds{frac};
    }
  }
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return t;
  if ((s[pos] == '+' || s[pos] == '-') && s.size() - pos == 6) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    const auto off = hours{oh} + minutes{om};
    return s[pos] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

}  // namespace ngsync::sandbox::notion
