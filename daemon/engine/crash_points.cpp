#include "daemon/engine/crash_points.hpp"

#include <cstdlib>
#include <string>

namespace ngsync::engine {

void crash_point(std::string_view name) {
  static const std::string armed = [] {
    const char* v = std::getenv("NGSYNC_CRASH_POINT");
    return std::string(v ? v : "");
  }();
  if (!armed.empty() && armed == name) std::_Exit(137);  // as abrupt as SIGKILL
}

}  // namespace ngsync::engine
