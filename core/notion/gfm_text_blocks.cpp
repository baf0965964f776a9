// The GFM converter's Markdown blocks: paragraphs, fenced code, $$ equations, headings (toggle
// headings as <details>), list items, quotes and callouts (GitHub alerts at the top level).
#include <algorithm>

#include "core/notion/gfm_blocks.hpp"

namespace ngsync::notion::gfm {

void block_converter::paragraph(const std::vector<std::string>& lines, std::size_t& i, int depth,
                                std::vector<out_block>& out) {
  std::string text(split_attribute_list(trim(lines[i])).text);
  ++i;
  if (options_.version == markdown_version::v2) {
    while (i < lines.size() && !blank(lines[i]) && !starts_block(lines[i]))
      text += "\n" + std::string(split_attribute_list(trim(lines[i++])).text);
  }
  const std::string safe = as_text_lines(inline_md(text));
  if (!blank(safe)) out.push_back({safe, list_kind::none, true});
  // Children of a paragraph: GFM cannot indent them, so they follow it in order.
  auto kids = take_children(lines, i);
  for (auto& b : convert(kids, false, depth + 1)) out.push_back(std::move(b));
}

out_block block_converter::code_block(const std::vector<std::string>& lines, std::size_t& i) {
  const std::string_view open = trim(lines[i]);
  const char fence_char = open[0];
  std::size_t fence_len = open.find_first_not_of(fence_char);
  if (fence_len == std::string_view::npos) fence_len = open.size();
  std::string lang(trim(open.substr(fence_len)));
  if (lang == "plain text" || lang == "plaintext") lang.clear();
  if (const auto sp = lang.find(' '); sp != std::string::npos) lang = lang.substr(0, sp);
  // A backtick in the info string would stop GitHub reading the line as a fence.
  std::erase_if(lang, [](char c) { return c == '`' || c == '\t'; });
  const std::size_t indent = leading_tabs(lines[i]);
  std::vector<std::string> body;
  ++i;
  for (; i < lines.size(); ++i) {
    const std::string_view t = trim(lines[i]);
    if (t.size() >= fence_len && t.find_first_not_of(fence_char) == std::string_view::npos) {
      ++i;
      break;
    }
    std::string l = lines[i];
    // Code is literal; only the indentation of its nesting is removed.
    std::size_t strip = 0;
    while (strip < indent && strip < l.size() && l[strip] == '\t') ++strip;
    body.push_back(l.substr(strip));
  }
  // A fence longer than any backtick run inside, so the code cannot close it early.
  std::size_t longest = 0;
  for (const auto& l : body) {
    std::size_t run = 0;
    for (char c : l) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string text = fence + lang;
  for (const auto& l : body) text += "\n" + l;
  text += "\n" + fence;
  return {text};
}

// $$ … $$ -> a ```math block (GitHub renders it; no Markdown inside can break it).
out_block block_converter::equation(const std::vector<std::string>& lines, std::size_t& i) {
  std::string_view first = trim(lines[i]);
  std::string formula;
  if (first.size() > 4 && first.substr(first.size() - 2) == "$$") {
    formula = std::string(trim(first.substr(2, first.size() - 4)));
    ++i;
  } else {
    formula = std::string(trim(first.substr(2)));
    ++i;
    for (; i < lines.size(); ++i) {
      std::string_view t = trim(lines[i]);
      if (t.size() >= 2 && t.substr(t.size() - 2) == "$$") {
        t = trim(t.substr(0, t.size() - 2));
        if (!t.empty()) formula += (formula.empty() ? "" : "\n") + std::string(t);
        ++i;
        break;
      }
      formula += (formula.empty() ? "" : "\n") + std::string(t);
    }
  }
  std::string fence = "```";
  while (formula.find(fence) != std::string::npos) fence += '`';
  return {fence + "math\n" + formula + "\n" + fence};
}

void block_converter::heading(const std::vector<std::string>& lines, std::size_t& i, bool top,
                              int depth, std::vector<out_block>& out) {
  const std::string_view line = trim(lines[i]);
  std::size_t level = line.find_first_not_of('#');
  if (level == std::string_view::npos || (line[level] != ' ')) {
    paragraph(lines, i, depth, out);
    return;
  }
  const auto parts = split_attribute_list(trim(line.substr(level)));
  ++i;
  const std::string text = inline_md(parts.text);
  const int shown = static_cast<int>(std::min<std::size_t>(level, 4));
  auto kids = take_children(lines, i);
  headings_.push_back({shown, plain_words(text), anchor_of(plain_words(text))});
  if (attribute(parts.attrs, "toggle") == "true") {
    const std::string summary =
        "<strong>" + convert_inline(parts.text, state_, inline_target::html) + "</strong>";
    out.push_back({details(summary, nested(kids, depth))});
    return;
  }
  out.push_back({std::string(shown, '#') + " " + text});
  for (auto& b : convert(kids, top, depth + 1)) out.push_back(std::move(b));
}

out_block block_converter::list_item(const std::vector<std::string>& lines, std::size_t& i,
                                     int depth) {
  const std::string_view line = trim(lines[i]);
  std::string marker;
  std::string_view rest;
  list_kind kind = list_kind::bullet;
  if (const auto m = ordered_marker(line)) {
    marker = std::string(line.substr(0, m - 2)) + ". ";
    rest = line.substr(m);
    kind = list_kind::ordered;
  } else {
    marker = "- ";
    rest = line.size() > 2 ? line.substr(2) : std::string_view();
    if (starts_with(rest, "[ ] ") || starts_with(rest, "[x] ") || starts_with(rest, "[X] ") ||
        rest == "[ ]" || rest == "[x]") {
      marker = rest[1] == ' ' ? "- [ ] " : "- [x] ";
      rest = rest.size() > 4 ? rest.substr(4) : std::string_view();
      kind = list_kind::todo;
    }
  }
  ++i;
  const std::string text = inline_md(split_attribute_list(rest).text);
  const std::string child_indent(kind == list_kind::ordered ? marker.size() : 2, ' ');
  auto kids = take_children(lines, i);
  std::string item = prefix_lines(text, marker, child_indent);
  if (text.empty()) item = marker;
  const std::string body = nested(kids, depth);
  if (!body.empty()) item += "\n" + prefix_lines(body, child_indent, child_indent);
  while (!item.empty() && item.back() == ' ') item.pop_back();
  return {item, kind};
}

out_block block_converter::quote(const std::vector<std::string>& lines, std::size_t& i, int depth) {
  const std::string_view line = trim(lines[i]);
  const std::string_view rest = line.size() > 2 ? line.substr(2) : std::string_view();
  ++i;
  std::string body = as_text_lines(inline_md(split_attribute_list(rest).text));
  auto kids = take_children(lines, i);
  const std::string children = nested(kids, depth);
  if (!children.empty()) body += (body.empty() ? "" : "\n\n") + children;
  return {prefix_lines(body, "> ", "> ")};
}

// GitHub alerts only render at the top level; nested, the callout is a plain quote.
out_block block_converter::callout(const attributes& attrs, const std::vector<std::string>& content,
                                   bool top, int depth) {
  const auto split = first_paragraph(content);
  const std::string icon = escape_text(attribute(attrs, "icon"), false);
  std::string body;
  std::string first = inline_md(split_attribute_list(split.first).text);
  if (!icon.empty()) first = first.empty() ? icon : icon + " " + first;
  first = as_text_lines(first);
  body = first;
  const std::string children = nested(split.rest, depth);
  if (!children.empty()) body += (body.empty() ? "" : "\n\n") + children;
  if (top) {
    const std::string color = attribute(attrs, "color");
    std::string kind = "NOTE";
    if (starts_with(color, "red"))
      kind = "CAUTION";
    else if (starts_with(color, "orange") || starts_with(color, "yellow"))
      kind = "WARNING";
    else if (starts_with(color, "green"))
      kind = "TIP";
    else if (starts_with(color, "purple") || starts_with(color, "pink"))
      kind = "IMPORTANT";
    return {"> [!" + kind + "]\n" + prefix_lines(body.empty() ? " " : body, "> ", "> ")};
  }
  return {prefix_lines(body, "> ", "> ")};
}

}  // namespace ngsync::notion::gfm
