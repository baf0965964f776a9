// What the GFM converter's block level does to lines: blank and fence tests, trimming, dedenting
// children, prefixing nested output, joining blocks, heading anchors, and keeping converted text
// from reading as GFM block syntax.
#include <algorithm>
#include <cctype>

#include "core/notion/gfm_blocks.hpp"

namespace ngsync::notion::gfm {

namespace {

// Tags that live inside text; a line starting with one of them is a paragraph.
bool is_inline_tag(std::string_view name) {
  return name == "span" || name == "br" || name == "u" || starts_with(name, "mention-") ||
         name == "custom-emoji" || name == "emoji" || name == "sub" || name == "sup" ||
         name == "ins" || name == "del" || name == "kbd" || name == "b" || name == "i" ||
         name == "em" || name == "strong" || name == "code" || name == "a";
}

}  // namespace

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::size_t leading_tabs(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] == '\t') ++n;
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool is_fence(std::string_view s) {
  s = trim(s);
  return starts_with(s, "```") || starts_with(s, "~~~");
}

// Removes the tabs every non-blank line starts with.
std::vector<std::string> dedent(std::vector<std::string> lines) {
  std::size_t common = std::string::npos;
  for (const auto& l : lines)
    if (!blank(l)) common = std::min(common, leading_tabs(l));
  if (common == std::string::npos || common == 0) return lines;
  for (auto& l : lines)
    if (!blank(l)) l.erase(0, common);
  return lines;
}

// Prefixes every line: nesting in GFM is spaces (list items) or "> " (quotes), never tabs.
std::string prefix_lines(std::string_view text, std::string_view first, std::string_view rest) {
  std::string out;
  std::size_t start = 0;
  bool is_first = true;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    const std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    const std::string_view p = is_first ? first : rest;
    if (line.empty()) {
      std::string_view bare = p;
      while (!bare.empty() && bare.back() == ' ') bare.remove_suffix(1);
      out += bare;
    } else {
      out += p;
      out += line;
    }
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
    is_first = false;
  }
  return out;
}

std::string join(const std::vector<out_block>& blocks) {
  std::string out;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i) {
      // Adjacent list items stay tight: a change of marker starts a new list by itself, and a
      // blank line would make GitHub space out the whole list.
      const bool lists = blocks[i].list != list_kind::none && blocks[i - 1].list != list_kind::none;
      out += lists ? "\n" : "\n\n";
    }
    out += blocks[i].text;
  }
  return out;
}

std::optional<tag> block_tag(std::string_view line) {
  line = trim(line);
  auto t = parse_tag(line);
  if (!t || t->closing || is_inline_tag(t->name)) return std::nullopt;
  return t;
}

// GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens.
std::string anchor_of(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_')
      out += static_cast<char>(std::tolower(c));
    else if (c == ' ')
      out += '-';
  }
  return out;
}

// The words of a converted line, for an anchor or a TOC entry: Markdown punctuation dropped.
std::string plain_words(std::string_view md) {
  std::string out;
  for (std::size_t i = 0; i < md.size(); ++i) {
    const char c = md[i];
    if (c == '\\' && i + 1 < md.size()) {
      out += md[++i];
    } else if (c == '*' || c == '_' || c == '~' || c == '`' || c == '[' || c == ']') {
      continue;
    } else if (c == '(' && i > 0 && md[i - 1] == ']') {
      const auto end = md.find(')', i);
      if (end == std::string_view::npos) break;
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t ordered_marker(std::string_view t) {
  std::size_t d = 0;
  while (d < t.size() && d < 9 && std::isdigit(static_cast<unsigned char>(t[d]))) ++d;
  if (d == 0 || d + 1 >= t.size() || (t[d] != '.' && t[d] != ')') || t[d + 1] != ' ') return 0;
  return d + 2;
}

// Converted text whose lines GitHub would read as a list, heading, rule or fence stays text.
std::string as_text_lines(const std::string& md) {
  std::string safe;
  std::size_t start = 0;
  while (start <= md.size()) {
    const auto nl = md.find('\n', start);
    std::string l = md.substr(start, nl == std::string::npos ? nl : nl - start);
    const auto first = l.find_first_not_of(' ');
    l = first == std::string::npos ? std::string() : l.substr(first);
    if (!l.empty() && (l[0] == '#' || l[0] == '-' || l[0] == '+' || l[0] == '=' || l[0] == '>' ||
                       starts_with(l, ":::")))
      l.insert(0, 1, '\\');
    else if (const auto m = ordered_marker(l))
      l = l.substr(0, m - 2) + "\\" + l.substr(m - 2);
    safe += (start ? "\n" : "") + l;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return safe;
}

std::string details(const std::string& summary_html, const std::string& body) {
  std::string text = "<details>\n<summary>" + summary_html + "</summary>\n\n";
  if (!body.empty()) text += body + "\n\n";
  return text + "</details>";
}

}  // namespace ngsync::notion::gfm
