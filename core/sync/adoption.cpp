#include "core/sync/adoption.hpp"

#include <cctype>

namespace ngsync::sync {

bool written_by_daemon(std::string_view author_login, std::string_view own_login) {
  if (own_login.empty() || author_login.size() != own_login.size()) return false;
  for (std::size_t i = 0; i < own_login.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(author_login[i])) !=
        std::tolower(static_cast<unsigned char>(own_login[i])))
      return false;
  }
  return true;
}

}  // namespace ngsync::sync
