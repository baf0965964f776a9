// The block level of the Notion -> GFM converter: splits Notion's lines into blocks (tab-indented
// children, tag forms, ::: fences), and writes each as GFM, nesting with spaces and "> " only.
#include "core/notion/gfm_converter.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/notion/gfm_inline.hpp"

namespace ngsync::notion {

namespace {

using namespace gfm;

// Nesting deeper than this is written flat (a guard against hostile input, not a Notion limit).
constexpr int max_depth = 24;

enum class list_kind { none, bullet, ordered, todo };

struct out_block {
  std::string text;
  list_kind list = list_kind::none;
  bool paragraph = false;
};

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
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

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

// Tags that live inside text; a line starting with one of them is a paragraph.
bool is_inline_tag(std::string_view name) {
  return name == "span" || name == "br" || name == "u" || starts_with(name, "mention-") ||
         name == "custom-emoji" || name == "emoji" || name == "sub" || name == "sup" ||
         name == "ins" || name == "del" || name == "kbd" || name == "b" || name == "i" ||
         name == "em" || name == "strong" || name == "code" || name == "a";
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

const char* toc_marker = "\x01toc\x01";

class block_converter {
 public:
  explicit block_converter(const gfm_options& options) : options_(options) {
    state_.options = &options_;
  }

  gfm_conversion run(std::string_view text) {
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
    for (auto at = body.find(toc_marker); at != std::string::npos; at = body.find(toc_marker, at + toc.size()))
      body.replace(at, std::string_view(toc_marker).size(), toc);
    gfm_conversion out;
    out.markdown = std::move(body);
    out.unresolved_user_ids = std::move(state_.unresolved_user_ids);
    out.unresolved_page_ids = std::move(state_.unresolved_page_ids);
    out.unshown_block_ids = std::move(unshown_);
    out.placed_block_ids = std::move(placed_);
    return out;
  }

 private:
  struct heading_entry {
    int level;
    std::string text;
    std::string anchor;
  };

  std::string inline_md(std::string_view text) {
    return convert_inline(text, state_, inline_target::markdown);
  }

  // A block's children: the lines after `i` that are blank or indented one tab deeper.
  std::vector<std::string> take_children(const std::vector<std::string>& lines, std::size_t& i) {
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
  std::vector<std::string> take_element(const std::vector<std::string>& lines, std::size_t& i,
                                        const tag& open) {
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
  std::vector<std::string> take_fenced_div(const std::vector<std::string>& lines, std::size_t& i) {
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

  std::string nested(const std::vector<std::string>& lines, int depth) {
    return join(convert(lines, false, depth + 1));
  }

  // Blocks written inside a container's own Markdown (a callout's first paragraph, a toggle's
  // children): the first paragraph optionally split off.
  struct split_content {
    std::string first;  // the first paragraph's Notion text ("" when the content starts otherwise)
    std::vector<std::string> rest;
  };
  split_content first_paragraph(const std::vector<std::string>& content) {
    split_content out;
    std::size_t i = 0;
    while (i < content.size() && blank(content[i])) ++i;
    if (i < content.size() && !starts_block(content[i]) && leading_tabs(content[i]) == 0) {
      out.first = content[i++];
      // v2: the paragraph runs to the blank line.
      while (options_.version == markdown_version::v2 && i < content.size() &&
             !blank(content[i]) && !starts_block(content[i]) && leading_tabs(content[i]) == 0)
        out.first += "\n" + content[i++];
      // v1 children of that first line are indented: they stay children.
      auto kids = take_children(content, i);
      for (auto& k : kids) out.rest.push_back(std::move(k));
    }
    for (; i < content.size(); ++i) out.rest.push_back(content[i]);
    return out;
  }

  bool starts_block(std::string_view line) {
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

  static std::size_t ordered_marker(std::string_view t) {
    std::size_t d = 0;
    while (d < t.size() && d < 9 && std::isdigit(static_cast<unsigned char>(t[d]))) ++d;
    if (d == 0 || d + 1 >= t.size() || (t[d] != '.' && t[d] != ')') || t[d + 1] != ' ') return 0;
    return d + 2;
  }

  std::vector<out_block> convert(const std::vector<std::string>& lines, bool top, int depth) {
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

  // Converted text whose lines GitHub would read as a list, heading, rule or fence stays text.
  static std::string as_text_lines(const std::string& md) {
    std::string safe;
    std::size_t start = 0;
    while (start <= md.size()) {
      const auto nl = md.find('\n', start);
      std::string l = md.substr(start, nl == std::string::npos ? nl : nl - start);
      const auto first = l.find_first_not_of(' ');
      l = first == std::string::npos ? std::string() : l.substr(first);
      if (!l.empty() && (l[0] == '#' || l[0] == '-' || l[0] == '+' || l[0] == '=' || l[0] == '>' ||
                         starts_with(l, ":::")))
        l = "\\" + l;
      else if (const auto m = ordered_marker(l))
        l = l.substr(0, m - 2) + "\\" + l.substr(m - 2);
      safe += (start ? "\n" : "") + l;
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return safe;
  }

  void paragraph(const std::vector<std::string>& lines, std::size_t& i, int depth,
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

  out_block code_block(const std::vector<std::string>& lines, std::size_t& i) {
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
  out_block equation(const std::vector<std::string>& lines, std::size_t& i) {
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

  void heading(const std::vector<std::string>& lines, std::size_t& i, bool top, int depth,
               std::vector<out_block>& out) {
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

  static std::string details(const std::string& summary_html, const std::string& body) {
    std::string text = "<details>\n<summary>" + summary_html + "</summary>\n\n";
    if (!body.empty()) text += body + "\n\n";
    return text + "</details>";
  }

  out_block list_item(const std::vector<std::string>& lines, std::size_t& i, int depth) {
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

  out_block quote(const std::vector<std::string>& lines, std::size_t& i, int depth) {
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
  out_block callout(const attributes& attrs, const std::vector<std::string>& content, bool top,
                    int depth) {
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
      if (starts_with(color, "red")) kind = "CAUTION";
      else if (starts_with(color, "orange") || starts_with(color, "yellow")) kind = "WARNING";
      else if (starts_with(color, "green")) kind = "TIP";
      else if (starts_with(color, "purple") || starts_with(color, "pink")) kind = "IMPORTANT";
      return {"> [!" + kind + "]\n" + prefix_lines(body.empty() ? " " : body, "> ", "> ")};
    }
    return {prefix_lines(body, "> ", "> ")};
  }

  std::string not_shown(std::string_view what, std::string_view url) {
    std::string link(url);
    if (link.empty()) link = options_.page_url;
    std::string clean;
    for (char c : what)
      if (c != '`' && c != '\n') clean += c;
    std::string line = "*(a Notion `" + (clean.empty() ? std::string("block") : clean) +
                       "` is not shown here; ";
    line += link.empty() ? std::string("open the page") : "[open the page](" + stable_link(link, options_) + ")";
    return line + ")*";
  }

  std::string media(const tag& t, std::string_view caption_notion) {
    std::string url = attribute(t.attrs, "source");
    if (url.empty()) url = attribute(t.attrs, "src");
    if (url.empty()) url = attribute(t.attrs, "url");
    std::string caption = inline_md(caption_notion);
    const bool hosted = is_notion_hosted_file(url);
    const std::string target = stable_link(url, options_);
    if (t.name == "image" && !hosted && !url.empty())
      return "![" + caption + "](" + target + ")";
    static const std::pair<const char*, const char*> labels[] = {
        {"image", "🖼️ Image"}, {"video", "🎬 Video"},  {"audio", "🔊 Audio"},
        {"file", "📎 File"},   {"pdf", "📄 PDF"},      {"embed", "🔗 Embed"},
        {"bookmark", "🔖 Bookmark"}};
    std::string label = "🔗 " + t.name;
    for (const auto& [name, l] : labels)
      if (t.name == name) label = l;
    std::string shown = caption;
    if (shown.empty()) shown = escape_text(file_name_of(url), false);
    if (shown.empty()) shown = escape_text(url, false);
    if (shown.empty()) shown = "open";
    if (hosted) shown += " (in Notion)";
    if (target.empty()) return label + ": " + shown;
    return label + ": [" + shown + "](" + target + ")";
  }

  void tag_block(const tag& t, const std::vector<std::string>& lines, std::size_t& i, bool top,
                 int depth, std::vector<out_block>& out) {
    const std::string& name = t.name;
    std::vector<std::string> content;
    if (t.self_closing) {
      // Text after a self-closing tag on the same line is kept as a paragraph of its own.
      const std::string_view line = trim(lines[i]);
      const std::string_view after = trim(line.substr(line.find('<') + t.length));
      ++i;
      self_closing_block(t, out);
      if (!after.empty()) out.push_back({as_text_lines(inline_md(after)), list_kind::none, true});
      return;
    }
    content = take_element(lines, i, t);
    if (name == "details" || name == "toggle") {
      std::string summary;
      std::vector<std::string> rest;
      std::size_t k = 0;
      while (k < content.size() && blank(content[k])) ++k;
      if (k < content.size() && starts_with(trim(content[k]), "<summary>")) {
        std::string_view s = trim(content[k]).substr(9);
        const auto end = s.rfind("</summary>");
        summary = std::string(s.substr(0, end));
        rest.assign(content.begin() + static_cast<std::ptrdiff_t>(k + 1), content.end());
      } else {
        auto split = first_paragraph(content);
        summary = split.first;
        rest = std::move(split.rest);
      }
      const std::string summary_html = convert_inline(summary, state_, inline_target::html);
      out.push_back({details(summary_html, nested(dedent(rest), depth))});
    } else if (name == "callout") {
      out.push_back(callout(t.attrs, content, top, depth));
    } else if (name == "quote") {
      out.push_back({prefix_lines(nested(content, depth), "> ", "> ")});
    } else if (name == "table") {
      out.push_back({table(t, content)});
    } else if (name == "page" || name == "database" || name == "data-source" ||
               name == "link_to_page") {
      std::string title;
      for (const auto& c : content) title += (title.empty() ? "" : " ") + std::string(trim(c));
      out.push_back({reference(t, inline_md(title)), list_kind::none, true});
    } else if (name == "image" || name == "video" || name == "audio" || name == "file" ||
               name == "pdf" || name == "embed" || name == "bookmark") {
      std::string caption;
      for (const auto& c : content) caption += (caption.empty() ? "" : " ") + std::string(trim(c));
      out.push_back({media(t, caption), list_kind::none, true});
    } else if (name == "unknown") {
      self_closing_block(t, out);
      for (auto& b : convert(content, top, depth + 1)) out.push_back(std::move(b));
    } else if (name == "summary") {
      out.push_back({"**" + inline_md(content.empty() ? "" : trim(content.front())) + "**",
                     list_kind::none, true});
    } else {
      // p, columns, column, synced blocks and any container GitHub has no form for: the tag goes,
      // its content stays, in order.
      for (auto& b : convert(content, top, depth + 1)) out.push_back(std::move(b));
    }
  }

  // A child page or database: a link with its title.
  std::string reference(const tag& t, std::string title) {
    if (title.empty()) title = t.name == "database" ? "Untitled database" : "Untitled page";
    const std::string url = attribute(t.attrs, "url");
    const std::string icon = t.name == "database" ? "🗃️ " : "📄 ";
    if (url.empty()) return icon + title;
    return icon + "[" + title + "](" + stable_link(url, options_) + ")";
  }

  void self_closing_block(const tag& t, std::vector<out_block>& out) {
    const std::string& name = t.name;
    if (name == "empty-block" || name == "br") return;  // spacing only
    if (name == "table_of_contents") {
      out.push_back({toc_marker});
      return;
    }
    if (name == "unknown") {
      const std::string url = attribute(t.attrs, "url");
      const auto hash = url.find('#');
      const std::string id = hash == std::string::npos ? std::string() : normalized_block_id(url.substr(hash + 1));
      if (!id.empty() && options_.followed_blocks && !placing_.contains(id)) {
        if (const auto it = options_.followed_blocks->find(id); it != options_.followed_blocks->end()) {
          placing_.insert(id);
          placed_.push_back(id);
          // The subtree is a page answer of its own, converted in this conversion's state.
          std::vector<std::string> lines;
          std::size_t start = 0;
          const std::string& md = it->second;
          while (start <= md.size()) {
            const auto nl = md.find('\n', start);
            lines.push_back(md.substr(start, nl == std::string::npos ? nl : nl - start));
            std::erase(lines.back(), '\x01');
            if (nl == std::string::npos) break;
            start = nl + 1;
          }
          for (auto& b : convert(lines, false, 1)) out.push_back(std::move(b));
          return;
        }
      }
      if (!id.empty() && std::find(unshown_.begin(), unshown_.end(), id) == unshown_.end())
        unshown_.push_back(id);
      std::string alt = attribute(t.attrs, "alt");
      out.push_back({not_shown(alt.empty() ? "block" : alt, url), list_kind::none, true});
      return;
    }
    if (name == "image" || name == "video" || name == "audio" || name == "file" || name == "pdf" ||
        name == "embed" || name == "bookmark") {
      out.push_back({media(t, attribute(t.attrs, "caption")), list_kind::none, true});
      return;
    }
    if (name == "page" || name == "database") {
      out.push_back({reference(t, escape_text(attribute(t.attrs, "title"), false)), list_kind::none, true});
      return;
    }
    out.push_back({not_shown(name, attribute(t.attrs, "url")), list_kind::none, true});
  }

  // Notion's <table> (rows of <td>, header flags as attributes) -> a GFM pipe table.
  std::string table(const tag& t, const std::vector<std::string>& content) {
    std::string raw;
    for (const auto& l : content) raw += l + "\n";
    std::vector<std::vector<std::string>> rows;
    std::size_t pos = 0;
    while (pos < raw.size()) {
      const auto lt = raw.find('<', pos);
      if (lt == std::string::npos) break;
      auto tg = parse_tag(std::string_view(raw).substr(lt));
      if (!tg) {
        pos = lt + 1;
        continue;
      }
      if (!tg->closing && tg->name == "tr") rows.emplace_back();
      if (!tg->closing && !tg->self_closing && (tg->name == "td" || tg->name == "th")) {
        const std::string close = "</" + tg->name + ">";
        const auto body_start = lt + tg->length;
        auto end = raw.find(close, body_start);
        if (end == std::string::npos) end = raw.size();
        std::string cell(trim(std::string_view(raw).substr(body_start, end - body_start)));
        // A cell spread over lines keeps its breaks as <br>.
        std::string flat;
        std::size_t s = 0;
        while (s <= cell.size()) {
          const auto nl = cell.find('\n', s);
          const std::string_view piece = trim(std::string_view(cell).substr(s, nl == std::string::npos ? nl : nl - s));
          if (!piece.empty()) flat += (flat.empty() ? "" : "<br>") + std::string(piece);
          if (nl == std::string::npos) break;
          s = nl + 1;
        }
        if (rows.empty()) rows.emplace_back();
        rows.back().push_back(convert_inline(flat, state_, inline_target::table_cell));
        pos = end == raw.size() ? end : end + close.size();
        continue;
      }
      pos = lt + tg->length;
    }
    std::size_t width = 0;
    for (const auto& r : rows) width = std::max(width, r.size());
    if (width == 0) return not_shown("table", "");
    for (auto& r : rows) r.resize(width);
    auto row_text = [](const std::vector<std::string>& r) {
      std::string s = "|";
      for (const auto& c : r) s += " " + c + (c.empty() ? "" : " ") + "|";
      return s;
    };
    std::string out;
    std::size_t body_from = 0;
    if (attribute(t.attrs, "header-row") == "true") {
      out = row_text(rows[0]);
      body_from = 1;
    } else {
      out = row_text(std::vector<std::string>(width));
    }
    out += "\n|";
    for (std::size_t c = 0; c < width; ++c) out += " --- |";
    for (std::size_t r = body_from; r < rows.size(); ++r) out += "\n" + row_text(rows[r]);
    return out;
  }

  std::string table_of_contents() {
    if (headings_.empty()) return "*(table of contents: this page has no headings)*";
    int top = 4;
    for (const auto& h : headings_) top = std::min(top, h.level);
    std::string out = "**Contents**\n";
    std::map<std::string, int> seen;
    for (const auto& h : headings_) {
      std::string anchor = h.anchor;
      const int n = seen[anchor]++;
      if (n) anchor += "-" + std::to_string(n);
      out += "\n" + std::string(static_cast<std::size_t>(2 * (h.level - top)), ' ') + "- [" +
             escape_text(h.text, false) + "](#" + anchor + ")";
    }
    return out;
  }

  const gfm_options& options_;
  inline_state state_;
  std::vector<heading_entry> headings_;
  std::vector<std::string> unshown_;
  std::vector<std::string> placed_;
  std::set<std::string> placing_;
};

}  // namespace

gfm_conversion to_github_markdown(std::string_view notion_markdown, const gfm_options& options) {
  block_converter c(options);
  return c.run(notion_markdown);
}

}  // namespace ngsync::notion
