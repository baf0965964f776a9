// Ids and URLs as the GFM converter compares and rewrites them.
#include <cctype>
#include <string>
#include <string_view>

#include "core/notion/gfm_converter.hpp"

namespace ngsync::notion {

std::string normalized_block_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Notion serves uploaded files from its S3 bucket with a presigned query (X-Amz-*), or through
// file.notion.so with an expiring signature; both stop working after about an hour.
bool is_notion_hosted_file(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = url.substr(scheme + 3);
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  const std::string_view query =
      url.find('?') == std::string_view::npos ? std::string_view() : url.substr(url.find('?'));
  if (host == "file.notion.so" || host.ends_with(".file.notion.so")) return true;
  if (host.find("prod-files-secure") != std::string_view::npos) return true;
  if (host.ends_with("amazonaws.com") &&
      (query.find("X-Amz-Signature") != std::string_view::npos ||
       query.find("X-Amz-Credential") != std::string_view::npos))
    return true;
  return false;
}

}  // namespace ngsync::notion
