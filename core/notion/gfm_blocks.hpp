#pragma once
// Internal to the GFM converter: the block level. One conversion's state (block_converter) and the
// line helpers its parts share. The parts:
//   gfm_converter.cpp   - splits Notion's lines into blocks (tab-indented children, tag forms,
//                         ::: fences) and dispatches each to its writer;
//   gfm_text_blocks.cpp - the Markdown blocks: paragraphs, code, equations, headings, list items,
//                         quotes, callouts;
//   gfm_tag_blocks.cpp  - Notion's tag blocks: toggles, media, child pages, tables, <unknown>
//                         (followed or "not shown"), the table of contents;
//   gfm_block_lines.cpp - what works on lines: trimming, dedenting, prefixing, joining, anchors.
// Nesting in the output is spaces and "> " only.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/notion/gfm_converter.hpp"
#include "core/notion/gfm_inline.hpp"

namespace ngsync::notion::gfm {

enum class list_kind { none, bullet, ordered, todo };

// One converted block and what decides the separator before the next one.
struct out_block {
  std::string text;
  list_kind list = list_kind::none;
  bool paragraph = false;
};

// Stands where the table of contents goes until every heading is known. \x01 never survives in
// the input, so the text cannot contain it.
inline constexpr const char* toc_marker = "\x01toc\x01";

// --- line helpers (gfm_block_lines.cpp) ---
bool blank(std::string_view s);
std::size_t leading_tabs(std::string_view s);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view p);
bool is_fence(std::string_view s);
std::vector<std::string> dedent(std::vector<std::string> lines);
std::string prefix_lines(std::string_view text, std::string_view first, std::string_view rest);
std::string join(const std::vector<out_block>& blocks);
// A line's opening tag when it is a block's (not one of the tags that live inside text).
std::optional<tag> block_tag(std::string_view line);
std::string anchor_of(std::string_view text);
std::string plain_words(std::string_view md);
// The length of an ordered-list marker ("12. " or "3) ") at the start of `t`, 0 when none.
std::size_t ordered_marker(std::string_view t);
std::string as_text_lines(const std::string& md);
// <details> with its <summary> (HTML already) and a Markdown body.
std::string details(const std::string& summary_html, const std::string& body);

class block_converter {
 public:
  explicit block_converter(const gfm_options& options) : options_(options) {
    state_.options = &options_;
  }

  gfm_conversion run(std::string_view text);

 private:
  struct heading_entry {
    int level;
    std::string text;
    std::string anchor;
  };

  // Blocks written inside a container's own Markdown (a callout's first paragraph, a toggle's
  // children): the first paragraph optionally split off.
  struct split_content {
    std::string first;  // the first paragraph's Notion text ("" when the content starts otherwise)
    std::vector<std::string> rest;
  };

  // Splitting into blocks (gfm_converter.cpp).
  std::string inline_md(std::string_view text);
  static std::vector<std::string> take_children(const std::vector<std::string>& lines,
                                                std::size_t& i);
  static std::vector<std::string> take_element(const std::vector<std::string>& lines,
                                               std::size_t& i, const tag& open);
  static std::vector<std::string> take_fenced_div(const std::vector<std::string>& lines,
                                                  std::size_t& i);
  std::string nested(const std::vector<std::string>& lines, int depth);
  split_content first_paragraph(const std::vector<std::string>& content) const;
  static bool starts_block(std::string_view line);
  std::vector<out_block> convert(const std::vector<std::string>& lines, bool top, int depth);

  // Markdown blocks (gfm_text_blocks.cpp).
  void paragraph(const std::vector<std::string>& lines, std::size_t& i, int depth,
                 std::vector<out_block>& out);
  static out_block code_block(const std::vector<std::string>& lines, std::size_t& i);
  static out_block equation(const std::vector<std::string>& lines, std::size_t& i);
  void heading(const std::vector<std::string>& lines, std::size_t& i, bool top, int depth,
               std::vector<out_block>& out);
  out_block list_item(const std::vector<std::string>& lines, std::size_t& i, int depth);
  out_block quote(const std::vector<std::string>& lines, std::size_t& i, int depth);
  out_block callout(const attributes& attrs, const std::vector<std::string>& content, bool top,
                    int depth);

  // Tag blocks (gfm_tag_blocks.cpp).
  std::string not_shown(std::string_view what, std::string_view url);
  std::string media(const tag& t, std::string_view caption_notion);
  void tag_block(const tag& t, const std::vector<std::string>& lines, std::size_t& i, bool top,
                 int depth, std::vector<out_block>& out);
  std::string reference(const tag& t, std::string title);
  void self_closing_block(const tag& t, std::vector<out_block>& out);
  void unknown_block(const tag& t, std::vector<out_block>& out);
  out_block details_block(const std::vector<std::string>& content, int depth);
  std::vector<std::vector<std::string>> table_rows(const std::vector<std::string>& content);
  std::string table(const tag& t, const std::vector<std::string>& content);
  std::string table_of_contents();

  const gfm_options& options_;
  inline_state state_;
  std::vector<heading_entry> headings_;
  std::vector<std::string> unshown_;
  std::vector<std::string> placed_;
  std::set<std::string> placing_;
};

}  // namespace ngsync::notion::gfm
