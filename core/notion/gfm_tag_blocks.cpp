// The GFM converter's tag blocks: Notion's <details>/<toggle>, <callout>, <quote>, <table>, media,
// child pages and databases, <unknown> (a followed subtree placed, or a visible "not shown" line),
// and the table of contents built from the headings seen.
#include <algorithm>
#include <map>

#include "core/notion/gfm_blocks.hpp"

namespace ngsync::notion::gfm {

namespace {

// A cell spread over lines keeps its breaks as <br>.
std::string cell_lines_as_breaks(std::string_view cell) {
  std::string flat;
  std::size_t s = 0;
  while (s <= cell.size()) {
    const auto nl = cell.find('\n', s);
    const std::string_view piece = trim(cell.substr(s, nl == std::string::npos ? nl : nl - s));
    if (!piece.empty()) flat += (flat.empty() ? "" : "<br>") + std::string(piece);
    if (nl == std::string::npos) break;
    s = nl + 1;
  }
  return flat;
}

// An element's lines as one line (a title or a caption), each trimmed, joined by spaces.
std::string one_line(const std::vector<std::string>& content) {
  std::string text;
  for (const auto& c : content) text += (text.empty() ? "" : " ") + std::string(trim(c));
  return text;
}

}  // namespace

std::string block_converter::not_shown(std::string_view what, std::string_view url) {
  std::string link(url);
  if (link.empty()) link = options_.page_url;
  std::string clean;
  for (char c : what)
    if (c != '`' && c != '\n') clean += c;
  std::string line =
      "*(a Notion `" + (clean.empty() ? std::string("block") : clean) + "` is not shown here; ";
  line += link.empty() ? std::string("open the page")
                       : "[open the page](" + stable_link(link, options_) + ")";
  return line + ")*";
}

std::string block_converter::media(const tag& t, std::string_view caption_notion) {
  std::string url = attribute(t.attrs, "source");
  if (url.empty()) url = attribute(t.attrs, "src");
  if (url.empty()) url = attribute(t.attrs, "url");
  std::string caption = inline_md(caption_notion);
  const bool hosted = is_notion_hosted_file(url);
  const std::string target = stable_link(url, options_);
  if (t.name == "image" && !hosted && !url.empty()) return "![" + caption + "](" + target + ")";
  static const std::pair<const char*, const char*> labels[] = {
      {"image", "🖼️ Image"}, {"video", "🎬 Video"}, {"audio", "🔊 Audio"},
      {"file", "📎 File"},         {"pdf", "📄 PDF"},     {"embed", "🔗 Embed"},
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

// A toggle: its <summary> line (or its first paragraph) as the summary, the rest inside.
out_block block_converter::details_block(const std::vector<std::string>& content, int depth) {
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
  return {details(summary_html, nested(dedent(rest), depth))};
}

void block_converter::tag_block(const tag& t, const std::vector<std::string>& lines, std::size_t& i,
                                bool top, int depth, std::vector<out_block>& out) {
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
    out.push_back(details_block(content, depth));
  } else if (name == "callout") {
    out.push_back(callout(t.attrs, content, top, depth));
  } else if (name == "quote") {
    out.push_back({prefix_lines(nested(content, depth), "> ", "> ")});
  } else if (name == "table") {
    out.push_back({table(t, content)});
  } else if (name == "page" || name == "database" || name == "data-source" ||
             name == "link_to_page") {
    out.push_back({reference(t, inline_md(one_line(content))), list_kind::none, true});
  } else if (name == "image" || name == "video" || name == "audio" || name == "file" ||
             name == "pdf" || name == "embed" || name == "bookmark") {
    out.push_back({media(t, one_line(content)), list_kind::none, true});
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
std::string block_converter::reference(const tag& t, std::string title) {
  if (title.empty()) title = t.name == "database" ? "Untitled database" : "Untitled page";
  const std::string url = attribute(t.attrs, "url");
  const std::string icon = t.name == "database" ? "🗃️ " : "📄 ";
  if (url.empty()) return icon + title;
  return icon + "[" + title + "](" + stable_link(url, options_) + ")";
}

// <unknown>: the followed subtree in its place when the caller fetched it, else a visible
// "not shown" line (its id reported so the caller can fetch it).
void block_converter::unknown_block(const tag& t, std::vector<out_block>& out) {
  const std::string url = attribute(t.attrs, "url");
  const auto hash = url.find('#');
  const std::string id =
      hash == std::string::npos ? std::string() : normalized_block_id(url.substr(hash + 1));
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
}

void block_converter::self_closing_block(const tag& t, std::vector<out_block>& out) {
  const std::string& name = t.name;
  if (name == "empty-block" || name == "br") return;  // spacing only
  if (name == "table_of_contents") {
    out.push_back({toc_marker});
    return;
  }
  if (name == "unknown") {
    unknown_block(t, out);
    return;
  }
  if (name == "image" || name == "video" || name == "audio" || name == "file" || name == "pdf" ||
      name == "embed" || name == "bookmark") {
    out.push_back({media(t, attribute(t.attrs, "caption")), list_kind::none, true});
    return;
  }
  if (name == "page" || name == "database") {
    out.push_back(
        {reference(t, escape_text(attribute(t.attrs, "title"), false)), list_kind::none, true});
    return;
  }
  out.push_back({not_shown(name, attribute(t.attrs, "url")), list_kind::none, true});
}

// The cells of a <table>'s rows (<tr> of <td> or <th>), each converted for a GFM table cell.
std::vector<std::vector<std::string>> block_converter::table_rows(
    const std::vector<std::string>& content) {
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
      const std::string flat = cell_lines_as_breaks(cell);
      if (rows.empty()) rows.emplace_back();
      rows.back().push_back(convert_inline(flat, state_, inline_target::table_cell));
      pos = end == raw.size() ? end : end + close.size();
      continue;
    }
    pos = lt + tg->length;
  }
  return rows;
}

// Notion's <table> (rows of <td>, header flags as attributes) -> a GFM pipe table.
std::string block_converter::table(const tag& t, const std::vector<std::string>& content) {
  std::vector<std::vector<std::string>> rows = table_rows(content);
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

std::string block_converter::table_of_contents() {
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

}  // namespace ngsync::notion::gfm
