// The block level of the Notion -> GFM converter: splits Notion's lines into blocks (tab-indented
// children, tag forms, ::: fences) and hands each to its writer (gfm_text_blocks.cpp,
// gfm_tag_blocks.cpp), nesting with spaces and "> " only.
#include "core/notion/gfm_converter.hpp"

#include <algorithm>

#include "core/notion/gfm_blocks.hpp"

namespace ngsync::notion {

namespace gfm {

namespace {

// Nesting deeper than this is written flat (a guard against hostile input, not a Notion limit).
constexpr int max_depth = 24;

}  // namespace

gfm_conversion block_converter::run(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    std::string line(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // \x01 delimits the converter's own placeholder (the table of contents); text never has it.
    std::erase(line, '\x01');
    lines.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  std::string body = join(convert(lines, true, 0));
  const std::string toc = body.find(toc_marker) == std::string::npos ? "" : table_of_contents();
  for (auto at = body.find(toc_marker); at != std::string::npos;
       at = body.find(toc_marker, at + toc.size()))
    body.replace(at, std::string_view(toc_marker).size(), toc);
  gfm_conversion out;
  out.markdown = std::move(body);
  out.unresolved_user_ids = std::move(state_.unresolved_user_ids);
  out.unresolved_page_ids = std::move(state_.unresolved_page_ids);
  out.unshown_block_ids = std::move(unshown_);
  out.placed_block_ids = std::move(placed_);
  return out;
}

std::string block_converter::inline_md(std::string_view text) {
  return convert_inline(text, state_, inline_target::markdown);
}

// A block's children: the lines after `i` that are blank or indented one tab deeper.
std::vector<std::string> block_converter::take_children(const std::vector<std::string>& lines,
                                                        std::size_t& i) {
  std::vector<std::string> children;
  std::size_t j = i;
  std::size_t last = i;
  while (j < lines.size()) {
    if (blank(lines[j])) {
      ++j;
      continue;
    }
    if (lines[j][0] != '\t') break;
    last = j + 1;
    ++j;
  }
  for (std::size_t k = i; k < last; ++k)
    children.push_back(blank(lines[k]) ? std::string() : lines[k].substr(1));
  i = last;
  return children;
}

// The lines of a <name …> … </name> element starting at line i (its content, dedented), with i
// moved past it. An element never closed takes the rest (content is kept, not dropped).
std::vector<std::string> block_converter::take_element(const std::vector<std::string>& lines,
                                                       std::size_t& i, const tag& open) {
  std::vector<std::string> content;
  int balance = 0;
  bool in_fence = false;
  for (std::size_t j = i; j < lines.size(); ++j) {
    std::string_view line = lines[j];
    if (j == i) {
      const auto at = line.find('<');
      line = line.substr(at + open.length);
      balance = 1;
    } else if (is_fence(line)) {
      in_fence = !in_fence;
    }
    if (in_fence) {
      content.emplace_back(line);
      continue;
    }
    std::size_t k = 0;
    bool closed = false;
    for (; k < line.size(); ++k) {
      if (line[k] == '\\') {
        ++k;
        continue;
      }
      if (line[k] != '<') continue;
      auto t = parse_tag(line.substr(k));
      if (!t || t->name != open.name) continue;
      if (t->closing && --balance == 0) {
        closed = true;
        break;
      }
      if (!t->closing && !t->self_closing) ++balance;
    }
    if (closed) {
      if (!blank(line.substr(0, k))) content.emplace_back(line.substr(0, k));
      i = j + 1;
      return dedent(std::move(content));
    }
    if (j != i || !blank(line)) content.emplace_back(line);
  }
  i = lines.size();
  return dedent(std::move(content));
}

// ::: name {attrs} … ::: (Pandoc-style fenced div, Notion's v1 callout).
std::vector<std::string> block_converter::take_fenced_div(const std::vector<std::string>& lines,
                                                          std::size_t& i) {
  std::vector<std::string> content;
  int balance = 1;
  for (std::size_t j = i + 1; j < lines.size(); ++j) {
    const std::string_view t = trim(lines[j]);
    if (starts_with(t, ":::")) {
      const auto name_at = t.find_first_not_of(':');
      if (name_at == std::string_view::npos) {
        if (--balance == 0) {
          i = j + 1;
          return dedent(std::move(content));
        }
      } else if (!blank(t.substr(name_at))) {
        ++balance;
      }
    }
    content.push_back(lines[j]);
  }
  i = lines.size();
  return dedent(std::move(content));
}

std::string block_converter::nested(const std::vector<std::string>& lines, int depth) {
  return join(convert(lines, false, depth + 1));
}

block_converter::split_content block_converter::first_paragraph(
    const std::vector<std::string>& content) const {
  split_content out;
  std::size_t i = 0;
  while (i < content.size() && blank(content[i])) ++i;
  if (i < content.size() && !starts_block(content[i]) && leading_tabs(content[i]) == 0) {
    out.first = content[i++];
    // v2: the paragraph runs to the blank line.
    while (options_.version == markdown_version::v2 && i < content.size() && !blank(content[i]) &&
           !starts_block(content[i]) && leading_tabs(content[i]) == 0)
      out.first += "\n" + content[i++];
    // v1 children of that first line are indented: they stay children.
    auto kids = take_children(content, i);
    for (auto& k : kids) out.rest.push_back(std::move(k));
  }
  for (; i < content.size(); ++i) out.rest.push_back(content[i]);
  return out;
}

bool block_converter::starts_block(std::string_view line) {
  if (line.empty()) return true;
  if (line[0] == '\t') return true;
  const std::string_view t = trim(line);
  if (starts_with(t, "#") || starts_with(t, "- ") || starts_with(t, "* ") || starts_with(t, "+ ") ||
      t == "-" || starts_with(t, "> ") || t == ">" || is_fence(t) || starts_with(t, "$$") ||
      starts_with(t, ":::") || t == "---" || t == "***" || t == "___" || starts_with(t, "|") ||
      starts_with(t, "!["))
    return true;
  if (ordered_marker(t)) return true;
  return block_tag(t).has_value();
}

std::vector<out_block> block_converter::convert(const std::vector<std::string>& lines, bool top,
                                                int depth) {
  std::vector<out_block> out;
  std::size_t i = 0;
  while (i < lines.size()) {
    const std::string& raw = lines[i];
    if (blank(raw)) {
      ++i;
      continue;
    }
    if (depth >= max_depth) {
      // Too deep to nest: the text stays, flat.
      out.push_back({as_text_lines(inline_md(trim(raw))), list_kind::none, true});
      ++i;
      continue;
    }
    if (raw[0] == '\t') {
      // Indented with no parent block at this level: its content, one level up.
      auto kids = take_children(lines, i);
      for (auto& b : convert(kids, top, depth + 1)) out.push_back(std::move(b));
      continue;
    }
    const std::string_view line = trim(raw);
    if (is_fence(line)) {
      out.push_back(code_block(lines, i));
      continue;
    }
    if (starts_with(line, "$$")) {
      out.push_back(equation(lines, i));
      continue;
    }
    if (starts_with(line, ":::") && line.find_first_not_of(':') != std::string_view::npos) {
      const auto attrs = split_attribute_list(line);
      const auto name_at = attrs.text.find_first_not_of(':');
      const std::string_view name =
          name_at == std::string_view::npos ? std::string_view() : trim(attrs.text.substr(name_at));
      auto content = take_fenced_div(lines, i);
      if (name == "callout")
        out.push_back(callout(attrs.attrs, content, top, depth));
      else
        for (auto& b : convert(content, top, depth + 1)) out.push_back(std::move(b));
      continue;
    }
    if (auto t = block_tag(line)) {
      tag_block(*t, lines, i, top, depth, out);
      continue;
    }
    if (line[0] == '#') {
      heading(lines, i, top, depth, out);
      continue;
    }
    if (starts_with(line, "- ") || starts_with(line, "* ") || starts_with(line, "+ ") ||
        line == "-" || ordered_marker(line)) {
      out.push_back(list_item(lines, i, depth));
      continue;
    }
    if (starts_with(line, "> ") || line == ">") {
      out.push_back(quote(lines, i, depth));
      continue;
    }
    if (line == "---" || line == "***" || line == "___") {
      out.push_back({"---"});
      ++i;
      continue;
    }
    if (starts_with(line, "|")) {
      std::string table;
      while (i < lines.size() && starts_with(trim(lines[i]), "|")) {
        table += (table.empty() ? "" : "\n") + inline_md(trim(lines[i]));
        ++i;
      }
      out.push_back({table});
      continue;
    }
    paragraph(lines, i, depth, out);
  }
  return out;
}

}  // namespace gfm

gfm_conversion to_github_markdown(std::string_view notion_markdown, const gfm_options& options) {
  gfm::block_converter c(options);
  return c.run(notion_markdown);
}

}  // namespace ngsync::notion
