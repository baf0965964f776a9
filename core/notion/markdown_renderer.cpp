#include "core/notion/markdown_renderer.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::notion {
namespace json = boost::json;
namespace {

const json::object& empty_object() {
  static const json::object o;
  return o;
}

const json::object& object_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty_object();
}

std::string string_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool bool_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// Markdown punctuation that could change meaning inside running text. `|` too, for tables.
std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (std::string_view("\\`*_[]<>~|").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string code_span(std::string_view s) {
  std::size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !s.empty() && (s.front() == '`' || s.back() == '`');
  return fence + (pad ? " " : "") + std::string(s) + (pad ? " " : "") + fence;
}

// Characters that would end a Markdown link destination are percent-encoded.
std::string link_target(std::string_view url) {
  std::string out;
  for (char c : url) {
    if (c == ' ')
      out += "%20";
    else if (c == '(')
      out += "%28";
    else if (c == ')')
      out += "%29";
    else if (c == '\n' || c == '\r')
      continue;
    else
      out.push_back(c);
  }
  return out;
}

std::string compact_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (std::isxdigit(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

std::string notion_link(std::string_view id) {
  return "https://www.notion.so/" + compact_id(id);
}

struct run_style {
  bool bold = false, italic = false, strike = false, code = false, equation = false;
  std::string href;
  bool operator==(const run_style&) const = default;
};

struct text_run {
  run_style style;
  std::string text;
};

std::vector<text_run> runs_of(const json::value& rich_text) {
  std::vector<text_run> runs;
  const auto* arr = rich_text.if_array();
  if (!arr) return runs;
  for (const auto& item : *arr) {
    const auto* r = item.if_object();
    if (!r) continue;
    text_run run;
    const auto type = string_at(*r, "type");
    const auto& ann = object_at(*r, "annotations");
    run.style.bold = bool_at(ann, "bold");
    run.style.italic = bool_at(ann, "italic");
    run.style.strike = bool_at(ann, "strikethrough");
    run.style.code = bool_at(ann, "code");
    if (type == "equation") {
      run.style.equation = true;
      run.text = string_at(object_at(*r, "equation"), "expression");
    } else {
      run.text = string_at(*r, "plain_text");
      if (run.text.empty()) run.text = string_at(object_at(*r, "text"), "content");
    }
    run.style.href = string_at(*r, "href");
    if (run.style.href.empty())
      run.style.href = string_at(object_at(object_at(*r, "text"), "link"), "url");
    if (run.text.empty()) continue;
    // Neighbours with the same style are one run: "**a****b**" would not render as bold.
    if (!runs.empty() && runs.back().style == run.style)
      runs.back().text += run.text;
    else
      runs.push_back(std::move(run));
  }
  return runs;
}

std::string render_run(const text_run& run) {
  if (run.style.equation) return "$" + run.text + "$";
  // Emphasis markers must touch non-space text to work in GFM: whitespace moves outside them.
  const auto first = run.text.find_first_not_of(" \t\n");
  if (first == std::string::npos) return run.text;
  const auto last = run.text.find_last_not_of(" \t\n");
  const std::string lead = run.text.substr(0, first);
  const std::string trail = run.text.substr(last + 1);
  const std::string core = run.text.substr(first, last - first + 1);
  std::string s = run.style.code ? code_span(core) : escape_text(core);
  if (run.style.italic) s = "*" + s + "*";
  if (run.style.bold) s = "**" + s + "**";
  if (run.style.strike) s = "~~" + s + "~~";
  if (!run.style.href.empty()) s = "[" + s + "](" + link_target(run.style.href) + ")";
  return lead + s + trail;
}

std::string inline_text(const json::value& rich_text) {
  std::string out;
  for (const auto& run : runs_of(rich_text)) out += render_run(run);
  // A soft line break inside a block stays a line break (GFM backslash hard break).
  std::string with_breaks;
  for (char c : out) {
    if (c == '\n')
      with_breaks += "\\\n";
    else
      with_breaks.push_back(c);
  }
  return with_breaks;
}

std::string plain_of(const json::value& rich_text) {
  std::string out;
  for (const auto& run : runs_of(rich_text)) out += run.text;
  return out;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string prefix_lines(std::string_view text, std::string_view first, std::string_view rest,
                         bool prefix_empty) {
  std::string out;
  std::size_t pos = 0;
  bool is_first = true;
  while (pos <= text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const auto line = text.substr(pos, eol - pos);
    if (!is_first) out.push_back('\n');
    const auto p = is_first ? first : rest;
    if (!line.empty())
      out.append(p).append(line);
    else if (prefix_empty)
      out.append(trim_right(p));
    is_first = false;
    pos = eol + 1;
  }
  return out;
}

std::string placeholder(std::string_view type) {
  std::string safe;
  for (char c : type.substr(0, 64)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') safe.push_back(c);
  }
  return "<!-- Notion block not rendered: " + (safe.empty() ? std::string("unknown") : safe) +
         " -->";
}

struct renderer {
  std::string blocks(const json::array& list, int depth) const;
  std::string block(const json::object& b, int depth, int number) const;
  std::string children(const json::object& b, int depth) const {
    auto* c = b.if_contains("children");
    if (!c || !c->is_array() || c->get_array().empty()) return {};
    if (depth + 1 >= max_block_depth) return "<!-- deeper Notion blocks not rendered -->";
    return blocks(c->get_array(), depth + 1);
  }
  std::string table(const json::object& b, int depth) const;
  std::string media(const json::object& data, std::string_view type) const;
};

bool is_list_item(std::string_view type) {
  return type == "bulleted_list_item" || type == "numbered_list_item" || type == "to_do";
}

std::string renderer::blocks(const json::array& list, int depth) const {
  std::string out;
  std::string prev_type;
  int number = 0;
  for (const auto& item : list) {
    const auto* b = item.if_object();
    if (!b) continue;
    const auto type = string_at(*b, "type");
    number = type == "numbered_list_item" ? (prev_type == type ? number + 1 : 1) : 0;
    auto text = block(*b, depth, number);
    if (text.empty()) {
      prev_type = type;
      continue;
    }
    // Items of one list are a tight list; everything else is separated by a blank line.
    if (!out.empty()) out += is_list_item(type) && is_list_item(prev_type) ? "\n" : "\n\n";
    out += text;
    prev_type = type;
  }
  return out;
}

std::string renderer::media(const json::object& data, std::string_view type) const {
  const auto caption = plain_of(data.contains("caption") ? data.at("caption") : json::value());
  const auto source = string_at(data, "type");
  if (source == "file" || source == "file_upload") {
    // Notion-hosted files come as signed URLs that expire within an hour and change on every
    // read: linking them would break later and change the body hash on every poll.
    auto name = caption.empty() ? string_at(data, "name") : caption;
    return "*(" + std::string(type) + " stored in Notion" +
           (name.empty() ? "" : ": " + escape_text(name)) + ")*";
  }
  std::string url = string_at(object_at(data, "external"), "url");
  if (url.empty()) url = string_at(data, "url");
  if (url.empty()) return {};
  const auto label = escape_text(
      caption.empty() ? (string_at(data, "name").empty() ? url : string_at(data, "name"))
                      : caption);
  if (type == "image") return "![" + label + "](" + link_target(url) + ")";
  return "[" + label + "](" + link_target(url) + ")";
}

std::string renderer::table(const json::object& b, int depth) const {
  const auto& data = object_at(b, "table");
  auto* c = b.if_contains("children");
  if (!c || !c->is_array() || depth + 1 >= max_block_depth) return {};
  std::vector<std::vector<std::string>> rows;
  std::size_t width = 0;
  if (auto* w = data.if_contains("table_width"); w && w->is_int64()) {
    width = static_cast<std::size_t>(std::clamp<std::int64_t>(w->get_int64(), 0, 100));
  }
  for (const auto& r : c->get_array()) {
    const auto* ro = r.if_object();
    if (!ro) continue;
    const auto* cells = object_at(*ro, "table_row").if_contains("cells");
    if (!cells || !cells->is_array()) continue;
    std::vector<std::string> row;
    for (const auto& cell : cells->get_array()) {
      auto text = inline_text(cell);
      std::string one_line;
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
          one_line += "<br>";
          ++i;
        } else {
          one_line.push_back(text[i]);
        }
      }
      row.push_back(std::move(one_line));
      if (row.size() >= 100) break;
    }
    width = std::max(width, row.size());
    rows.push_back(std::move(row));
  }
  if (rows.empty() || width == 0) return {};
  auto line = [width](const std::vector<std::string>& row) {
    std::string s = "|";
    for (std::size_t i = 0; i < width; ++i)
      s += " " + (i < row.size() ? row[i] : std::string()) + " |";
    return s;
  };
  std::string out;
  std::size_t first_body = 0;
  if (bool_at(data, "has_column_header")) {
    out = line(rows[0]);
    first_body = 1;
  } else {
    out = line({});  // GFM needs a header row: an empty one
  }
  out += "\n|";
  for (std::size_t i = 0; i < width; ++i) out += " --- |";
  for (std::size_t r = first_body; r < rows.size(); ++r) out += "\n" + line(rows[r]);
  return out;
}

std::string renderer::block(const json::object& b, int depth, int number) const {
  const auto type = string_at(b, "type");
  const auto& data = object_at(b, type);
  const json::value no_text;
  const auto& rt = data.contains("rich_text") ? data.at("rich_text") : no_text;
  const auto kids = children(b, depth);
  auto with_children = [&](std::string head) {
    if (kids.empty()) return head;
    if (head.empty()) return kids;
    return head + "\n\n" + kids;
  };

  if (type == "paragraph") {
    auto text = inline_text(rt);
    // A paragraph starting like a list, heading or quote must not become one.
    if (!text.empty() && std::string_view("#->+").find(text.front()) != std::string_view::npos) {
      text.insert(0, "\\");
    }
    return with_children(text);
  }
  if (type == "heading_1" || type == "heading_2" || type == "heading_3") {
    const std::string hashes(static_cast<std::size_t>(type.back() - '0'), '#');
    auto text = inline_text(rt);
    return with_children(text.empty() ? std::string() : hashes + " " + text);
  }
  if (type == "bulleted_list_item" || type == "numbered_list_item" || type == "to_do") {
    std::string marker = "- ";
    if (type == "numbered_list_item") marker = std::to_string(std::max(number, 1)) + ". ";
    if (type == "to_do") marker = bool_at(data, "checked") ? "- [x] " : "- [ ] ";
    const std::string indent(type == "numbered_list_item" ? marker.size() : 2, ' ');
    std::string out = marker + inline_text(rt);
    if (!kids.empty()) out += "\n" + prefix_lines(kids, indent, indent, false);
    return out;
  }
  if (type == "toggle") {
    return "<details>\n<summary>" + inline_text(rt) + "</summary>\n\n" + kids +
           (kids.empty() ? "" : "\n\n") + "</details>";
  }
  if (type == "quote") return prefix_lines(with_children(inline_text(rt)), "> ", "> ", true);
  if (type == "callout") {
    const auto emoji = string_at(object_at(data, "icon"), "emoji");
    auto head = inline_text(rt);
    if (!emoji.empty()) head = emoji + " " + head;
    return prefix_lines(with_children(head), "> ", "> ", true);
  }
  if (type == "code") {
    const auto code = plain_of(rt);
    auto lang = string_at(data, "language");
    if (lang == "plain text") lang.clear();
    lang.erase(std::remove_if(
                   lang.begin(), lang.end(),
                   [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '`'; }),
               lang.end());
    // The fence is longer than any backtick run in the code, so the code cannot close it.
    std::size_t longest = 0, run = 0;
    for (char c : code) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    return fence + lang + "\n" + code + (code.empty() || code.back() == '\n' ? "" : "\n") + fence;
  }
  if (type == "divider") return "---";
  if (type == "equation") return "$$\n" + string_at(data, "expression") + "\n$$";
  if (type == "table") return table(b, depth);
  if (type == "image" || type == "file" || type == "pdf" || type == "video" || type == "audio") {
    return media(data, type);
  }
  if (type == "bookmark" || type == "embed" || type == "link_preview") {
    const auto url = string_at(data, "url");
    if (url.empty()) return {};
    auto caption = plain_of(data.contains("caption") ? data.at("caption") : json::value());
    return "[" + escape_text(caption.empty() ? url : caption) + "](" + link_target(url) + ")";
  }
  if (type == "child_page" || type == "child_database") {
    const auto id = string_at(b, "id");
    const auto title = string_at(data, "title");
    return "[" + escape_text(title.empty() ? "Untitled" : title) + "](" + notion_link(id) + ")";
  }
  if (type == "link_to_page") {
    auto id = string_at(data, "page_id");
    if (id.empty()) id = string_at(data, "database_id");
    if (id.empty()) return {};
    return "[Linked Notion page](" + notion_link(id) + ")";
  }
  if (type == "synced_block" || type == "column_list" || type == "column") return kids;
  if (type.empty()) return {};  // not a block at all
  return placeholder(type);
}

}  // namespace

std::string render_markdown(const json::array& blocks) {
  return renderer{}.blocks(blocks, 0);
}

std::string render_markdown(const json::value& blocks_or_list) {
  if (const auto* a = blocks_or_list.if_array()) return render_markdown(*a);
  if (const auto* o = blocks_or_list.if_object()) {
    if (auto* r = o->if_contains("results"); r && r->is_array())
      return render_markdown(r->get_array());
  }
  return {};
}

std::string render_rich_text(const json::value& rich_text) {
  return inline_text(rich_text);
}

}  // namespace ngsync::notion
