#include "core/sync/issue_title.hpp"

#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {

std::string issue_title_from(std::string_view notion_title) {
  // Line breaks (possible in titles pasted through the API) become spaces: titles are one line.
  std::string one_line(trim_ascii(notion_title));
  for (char& c : one_line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return std::string(cut_to_code_points(one_line, max_title_code_points));
}

}  // namespace ngsync::sync
