#include "core/notion/notion_id.hpp"

#include <cctype>

namespace ngsync::notion {

std::string compact_id(std::string_view id) {
  std::string out;
  out.reserve(32);
  for (char c : id) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 32 ? out : std::string();
}

std::string dashed_id(std::string_view id) {
  auto hex = compact_id(id);
  if (hex.empty()) return hex;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool same_id(std::string_view a, std::string_view b) {
  const auto x = compact_id(a);
  return !x.empty() && x == compact_id(b);
}

}  // namespace ngsync::notion
