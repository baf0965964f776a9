#pragma once
// What of Notion's syntax would reach GitHub in a converted body: a tab-indented line, a ::: fence,
// an unescaped {color=…} attribute list, or one of Notion's tags. Code (fenced blocks and code
// spans) is literal and not checked. Shared by the converter's tests and its fuzz target.
#include <cctype>
#include <string>
#include <string_view>

namespace ngsync::test {

namespace gfm_leak_detail {

inline std::string_view strip_containers(std::string_view line) {
  // List indentation and quote markers: what GFM nests with.
  while (!line.empty() && (line.front() == ' ' || line.front() == '>')) line.remove_prefix(1);
  return line;
}

inline bool escaped(std::string_view s, std::size_t pos) {
  std::size_t n = 0;
  while (pos > n && s[pos - n - 1] == '\\') ++n;
  return n % 2 == 1;
}

inline std::string without_code_spans(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '`' && !escaped(line, i)) {
      std::size_t ticks = 0;
      while (i + ticks < line.size() && line[i + ticks] == '`') ++ticks;
      // The span closes at a backtick run of the same length (GFM), not at a longer one.
      std::size_t k = i + ticks;
      while (k < line.size()) {
        if (line[k] != '`') {
          ++k;
          continue;
        }
        std::size_t run = 0;
        while (k + run < line.size() && line[k + run] == '`') ++run;
        if (run == ticks) break;
        k += run;
      }
      if (k < line.size()) {
        i = k + ticks - 1;
        continue;
      }
      i += ticks - 1;
      continue;
    }
    out += line[i];
  }
  return out;
}

inline bool is_notion_tag_name(std::string_view name) {
  static constexpr std::string_view names[] = {
      "span", "unknown", "callout", "columns", "column", "table_of_contents", "empty-block", "page",
      "database", "synced_block", "synced_block_reference", "video", "audio", "file", "pdf",
      "embed", "bookmark", "custom-emoji", "toggle", "quote", "p", "colgroup", "col", "tr", "td",
      "th", "table", "image", "data-source", "meeting-notes"};
  if (name.substr(0, 8) == "mention-") return true;
  for (auto n : names)
    if (n == name) return true;
  return false;
}

}  // namespace gfm_leak_detail

// "" when clean, else what leaked and the line it is on.
inline std::string notion_syntax_leak(std::string_view gfm) {
  using namespace gfm_leak_detail;
  std::size_t fence = 0;  // length of the open code fence, 0 outside code
  std::size_t start = 0;
  while (start <= gfm.size()) {
    const auto nl = gfm.find('\n', start);
    const std::string_view line = gfm.substr(start, nl == std::string_view::npos ? nl : nl - start);
    start = nl == std::string_view::npos ? gfm.size() + 1 : nl + 1;
    const std::string_view inner = strip_containers(line);
    std::size_t ticks = 0;
    while (ticks < inner.size() && inner[ticks] == '`') ++ticks;
    if (fence) {
      if (ticks >= fence && inner.find_first_not_of('`') == std::string_view::npos) fence = 0;
      continue;
    }
    if (ticks >= 3 && inner.find('`', ticks) == std::string_view::npos) {
      fence = ticks;
      continue;
    }
    const auto lead = line.find_first_not_of(" >");
    if (lead != std::string_view::npos && line[lead] == '\t')
      return "tab indentation: " + std::string(line);
    if (inner.substr(0, 3) == ":::") return "::: fence: " + std::string(line);
    const std::string text = without_code_spans(inner);
    for (auto at = text.find("{color="); at != std::string::npos; at = text.find("{color=", at + 1))
      if (!escaped(text, at)) return "attribute list: " + std::string(line);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '<' || escaped(text, i)) continue;
      std::size_t j = i + 1;
      if (j < text.size() && text[j] == '/') ++j;
      const std::size_t name_start = j;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                                 text[j] == '-' || text[j] == '_'))
        ++j;
      if (j == name_start || j >= text.size()) continue;
      if (text[j] != ' ' && text[j] != '>' && text[j] != '/') continue;
      if (is_notion_tag_name(std::string_view(text).substr(name_start, j - name_start)))
        return "Notion tag: " + std::string(line);
    }
  }
  return {};
}

}  // namespace ngsync::test
