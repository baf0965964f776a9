#include "core/sync/issue_body.hpp"

#include <algorithm>
#include <cctype>

#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {
namespace {

constexpr std::string_view page_id_marker = "<!-- Notion-Page-ID:";
constexpr std::string_view revision_marker = "<!-- Last-Notion-Revision:";
constexpr std::string_view truncation_note =
    "\n\n> [!NOTE]\n> This Notion page is too long for a GitHub issue; the rest of it is on "
    "Notion.";
// Reserved so a cut inside a fenced code block can close the fence.
constexpr std::string_view fence_close = "\n```";

bool marker_value_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '.' ||
         c == '+' || c == '_';
}

// A marker value we write must never contain "-->" or a line break: keep a safe alphabet only.
std::string sanitize_marker_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (marker_value_char(c)) out.push_back(c);
  }
  return out;
}

struct section_parts {
  std::string head;  // begin marker + visible link
  std::string tail;  // hidden markers + end marker
};

section_parts make_parts(const managed_section& s) {
  section_parts p;
  p.head.append(section_begin_marker).append("\n");
  if (!s.page_url.empty()) {
    p.head.append("[View this issue's page in Notion](").append(s.page_url).append(")\n");
  } else {
    p.head.append("Synced from a Notion page.\n");
  }
  p.tail.append("\n");
  p.tail.append(page_id_marker)
      .append(" ")
      .append(sanitize_marker_value(s.page_id))
      .append(" -->\n");
  p.tail.append(revision_marker)
      .append(" ")
      .append(sanitize_marker_value(s.revision))
      .append(" -->\n");
  p.tail.append(section_end_marker);
  return p;
}

std::string content_block(std::string_view content) {
  if (content.empty()) return {};
  std::string out("\n");
  out.append(content);
  if (out.back() != '\n') out.push_back('\n');
  return out;
}

// Number of lines opening or closing a ``` / ~~~ fence: odd means the cut is inside a code block.
bool inside_code_fence(std::string_view text) {
  bool inside = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    auto line = trim_ascii(text.substr(pos, eol - pos));
    if (line.starts_with("```") || line.starts_with("~~~")) inside = !inside;
    pos = eol + 1;
  }
  return inside;
}

// The content cut to `budget` code points, preferably at a line end, plus the note.
std::string truncated_content(std::string_view content, std::size_t budget) {
  auto kept = cut_to_code_points(content, budget);
  // Prefer to end on a whole line unless that throws away more than half of what fits.
  if (auto nl = kept.rfind('\n'); nl != std::string_view::npos && nl >= kept.size() / 2) {
    kept = kept.substr(0, nl);
  }
  std::string out(kept);
  if (inside_code_fence(out)) out.append(fence_close);
  out.append(truncation_note);
  return content_block(out);
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string neutralise_markers(std::string_view content) {
  static constexpr std::string_view opener = "<!--";
  static constexpr std::string_view ours[] = {"ngsync:", "notion-page-id", "last-notion-revision"};
  std::string out;
  out.reserve(content.size());
  std::size_t pos = 0;
  for (auto at = content.find(opener); at != std::string_view::npos;
       at = content.find(opener, at + opener.size())) {
    auto rest = content.substr(at + opener.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' ||
                             rest.front() == '\n' || rest.front() == '\r'))
      rest.remove_prefix(1);
    bool marker = false;
    for (auto word : ours) marker = marker || starts_with_ci(rest, word);
    if (!marker) continue;
    out.append(content.substr(pos, at - pos)).append("&lt;!--");
    pos = at + opener.size();
  }
  out.append(content.substr(pos));
  return out;
}

std::string render_section(const managed_section& section) {
  auto parts = make_parts(section);
  std::string out = parts.head;
  if (section.include_content) out.append(content_block(neutralise_markers(section.content_markdown)));
  out.append(parts.tail);
  return out;
}

std::optional<std::string_view> find_section(std::string_view body) noexcept {
  const auto begin = body.find(section_begin_marker);
  if (begin == std::string_view::npos) return std::nullopt;
  // The last end marker: page content quoting our marker cannot end the section early.
  const auto end = body.rfind(section_end_marker);
  if (end == std::string_view::npos || end < begin + section_begin_marker.size()) {
    return std::nullopt;
  }
  return body.substr(begin, end + section_end_marker.size() - begin);
}

std::string merge_body(std::string_view existing_body, const managed_section& section,
                       std::size_t max_code_points) {
  std::string before;
  std::string after;
  if (auto found = find_section(existing_body)) {
    const auto offset = static_cast<std::size_t>(found->data() - existing_body.data());
    before = existing_body.substr(0, offset);
    after = existing_body.substr(offset + found->size());
  } else if (!trim_ascii(existing_body).empty()) {
    // A person's text first, our section appended below it.
    before = std::string(existing_body.substr(0, existing_body.find_last_not_of(" \t\r\n") + 1));
    before.append("\n\n");
  }

  const auto parts = make_parts(section);
  const std::string safe_content =
      section.include_content ? neutralise_markers(section.content_markdown) : std::string();
  const std::string_view content = safe_content;
  std::string body_content = content_block(content);

  const auto fixed = count_code_points(before) + count_code_points(after) +
                     count_code_points(parts.head) + count_code_points(parts.tail);
  if (fixed + count_code_points(body_content) <= max_code_points) {
    return before + parts.head + body_content + parts.tail + after;
  }

  // Too long: the page content gives way first (its full text stays on Notion).
  const auto overhead = count_code_points(truncation_note) + count_code_points(fence_close) + 2;
  if (fixed + overhead < max_code_points) {
    body_content = truncated_content(content, max_code_points - fixed - overhead);
    return before + parts.head + body_content + parts.tail + after;
  }

  // Even without content it does not fit: a person's text outside is cut, tail first, so the
  // markers (our identity in this issue) always survive.
  body_content = content.empty() ? std::string() : truncated_content({}, 0);
  const auto ours = count_code_points(parts.head) + count_code_points(body_content) +
                    count_code_points(parts.tail);
  std::size_t room = max_code_points > ours ? max_code_points - ours : 0;
  const auto keep_before = std::min(room, count_code_points(before));
  before = std::string(cut_to_code_points(before, keep_before));
  room -= keep_before;
  after = std::string(cut_to_code_points(after, room));
  return before + parts.head + body_content + parts.tail + after;
}

body_markers parse_markers(std::string_view body) {
  const std::string_view region = find_section(body).value_or(body);
  auto value_after = [region](std::string_view marker) -> std::optional<std::string> {
    // The last occurrence: ours are written after the content, which may quote a marker.
    const auto at = region.rfind(marker);
    if (at == std::string_view::npos) return std::nullopt;
    const auto start = at + marker.size();
    const auto close = region.find("-->", start);
    if (close == std::string_view::npos) return std::nullopt;
    const auto value = trim_ascii(region.substr(start, close - start));
    if (value.empty() || value.size() > 128) return std::nullopt;
    if (!std::all_of(value.begin(), value.end(), marker_value_char)) return std::nullopt;
    return std::string(value);
  };
  body_markers out;
  out.page_id = value_after(page_id_marker);
  out.revision = value_after(revision_marker);
  return out;
}
}  // namespace ngsync::sync
