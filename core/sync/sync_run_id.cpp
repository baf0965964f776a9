#include "core/sync/sync_run_id.hpp"

#include <cctype>

#include "core/hash/sha256.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/synced_fields.hpp"

namespace ngsync::sync {
namespace {

bool digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (s.size() < pos + n) return false;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "2022-09-01T04:35:00.000Z" -> "20220901T0435" (the minute Notion rounds to anyway).
std::string minute_bucket(std::string_view t) {
  const bool iso = digits_at(t, 0, 4) && t.size() >= 16 && t[4] == '-' && digits_at(t, 5, 2) &&
                   t[7] == '-' && digits_at(t, 8, 2) && (t[10] == 'T' || t[10] == ' ') &&
                   digits_at(t, 11, 2) && t[13] == ':' && digits_at(t, 14, 2);
  if (!iso) return hash::sha256_hex(t).substr(0, 12);
  std::string out;
  out.append(t.substr(0, 4)).append(t.substr(5, 2)).append(t.substr(8, 2)).append("T");
  out.append(t.substr(11, 2)).append(t.substr(14, 2));
  return out;
}

}  // namespace

std::string make_sync_run_id(std::string_view page_id, std::string_view last_edited_time) {
  auto id = notion::compact_id(page_id);
  if (id.empty()) id = hash::sha256_hex(page_id).substr(0, 32);
  return id + "-" + minute_bucket(last_edited_time);
}

}  // namespace ngsync::sync
