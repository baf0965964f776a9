#pragma once
// The part of a GitHub issue body the daemon owns: a section between its own begin/end markers,
// holding a link to the Notion page, the page content and the hidden identity markers. Text a
// person writes outside that section is never touched.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::sync {

inline constexpr std::string_view section_begin_marker = "<!-- ngsync:begin -->";
inline constexpr std::string_view section_end_marker = "<!-- ngsync:end -->";

// GitHub rejects bodies over 65,536 characters ("body is too long"). GitHub counts characters of
// a Ruby string, i.e. Unicode code points, not bytes and not UTF-16 units: we count the same way.
inline constexpr std::size_t max_body_code_points = 65536;

// What goes into the managed section.
struct managed_section {
  std::string page_id;           // Notion page id as the API gives it (with dashes)
  std::string page_url;          // the page's url, shown as a visible link
  std::string content_markdown;  // rendered page content; empty when body sync is off
  std::string revision;          // Last-Notion-Revision value (a content hash, see synced_fields)
  bool include_content = true;   // false: link + markers only (body sync off)
};

// `content` with every comment that would read as one of the daemon's markers (the section's
// begin/end, Notion-Page-ID, Last-Notion-Revision; any case, any spacing) made visible text
// ("&lt;!-- ..."): a page that quotes a marker, by mistake or on purpose, cannot make its issue
// claim another page or end the managed section early. render_section and merge_body apply it.
std::string neutralise_markers(std::string_view content);

// The section text, begin marker to end marker inclusive, without any truncation.
std::string render_section(const managed_section& section);

// The whole new issue body: `existing_body` with its managed section replaced in place (text before
// and after kept), or the section appended after the existing text when there is none, or the
// section alone when the body is empty. When the result would exceed `max_code_points`, the page
// content is cut (never the markers) and a visible truncation note is added; if the text outside
// the section alone is too long, its tail is cut as a last resort so the markers always survive.
std::string merge_body(std::string_view existing_body, const managed_section& section,
                       std::size_t max_code_points = max_body_code_points);

// The managed section inside `body` (begin marker through end marker), if any. GitHub's web editor
// may have turned line ends into CRLF; they are returned as found.
std::optional<std::string_view> find_section(std::string_view body) noexcept;

// What the hidden markers say. Parsed only from inside the managed section when there is one,
// else from anywhere in the body (issues created by older tools carry bare markers).
struct body_markers {
  std::optional<std::string> page_id;
  std::optional<std::string> revision;
};

// Never throws on any input (a fuzz target): garbage yields empty optionals.
body_markers parse_markers(std::string_view body);

}  // namespace ngsync::sync
