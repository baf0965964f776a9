// Typed blocks -> Notion-flavored Markdown, as GET /v1/pages/{id}/markdown answers. The syntax is
// Notion's format reference ("Enhanced markdown format", v1) and its migration guide (v2: blocks
// separated by a blank line, tabs only inside lists, tag forms with a color attribute for blocks
// with children). Where the guide names no v2 form (a coloured or toggleable heading), the
// emulator writes the plain heading: it never invents syntax the reference does not show.
#include "tests/sandbox/src/notion/notion_markdown_render.hpp"

#include "tests/sandbox/src/notion/notion_model.hpp"

namespace ngsync::sandbox::notion {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

bool flag(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

// Outside code, Notion escapes \ * ~ ` $ [ ] < > { } | ^ with a backslash.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\*~`$[]<>{}|^").find(c) != std::string_view::npos) out += '\\';
    if (c == '\n') {
      out += "<br>";
      continue;
    }
    out += c;
  }
  return out;
}

std::string page_url(const std::string& id) { return "https://www.notion.so/" + compact_id(id); }

std::string mention(const json::object& item) {
  const auto* m = item.if_contains("mention");
  if (!m || !m->is_object()) return escape(str(item, "plain_text"));
  const auto& mo = m->as_object();
  const std::string type = str(mo, "type");
  const auto* inner = mo.if_contains(type);
  const json::object empty;
  const json::object& io = inner && inner->is_object() ? inner->as_object() : empty;
  if (type == "user") return "<mention-user url=\"user://" + str(io, "id") + "\"/>";
  if (type == "page") return "<mention-page url=\"" + page_url(str(io, "id")) + "\"/>";
  if (type == "database") return "<mention-database url=\"" + page_url(str(io, "id")) + "\"/>";
  if (type == "date") {
    std::string tag = "<mention-date start=\"" + str(io, "start") + "\"";
    if (!str(io, "end").empty()) tag += " end=\"" + str(io, "end") + "\"";
    return tag + "/>";
  }
  return escape(str(item, "plain_text"));
}

std::string color_of(const json::object& payload) {
  const std::string c = str(payload, "color");
  return c == "default" ? std::string() : c;
}

class renderer {
 public:
  explicit renderer(const markdown_render_input& in) : in_(in) {}

  markdown_rendering run(const std::vector<json::object>& blocks) {
    markdown_rendering out;
    std::vector<std::string> lines;
    render_list(blocks, 0, lines);
    for (std::size_t i = 0; i < lines.size(); ++i) out.markdown += (i ? "\n" : "") + lines[i];
    out.truncated = truncated_;
    out.unknown_block_ids = std::move(unknown_);
    return out;
  }

 private:
  bool v2() const { return in_.dialect == markdown_dialect::v2; }

  std::string indent(int depth) const { return std::string(static_cast<std::size_t>(depth), '\t'); }

  const std::vector<json::object>* children_of(const json::object& b) const {
    if (!in_.children) return nullptr;
    auto* kids = in_.children(str(b, "id"));
    return kids && !kids->empty() ? kids : nullptr;
  }

  // Renders siblings; returns false once the record limit stopped the page.
  bool render_list(const std::vector<json::object>& blocks, int depth,
                   std::vector<std::string>& lines, bool in_list_context = false) {
    int number = 0;
    std::string previous_type;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (truncated_ || rendered_ >= in_.record_limit) {
        truncated_ = true;
        for (std::size_t k = i; k < blocks.size(); ++k) unknown_.push_back(str(blocks[k], "id"));
        return false;
      }
      const auto& b = blocks[i];
      const std::string type = str(b, "type");
      number = type == "numbered_list_item" ? (previous_type == type ? number + 1 : 1) : 0;
      // v2: a blank line between blocks (lists included: a single newline is not a new block).
      if (v2() && !lines.empty() && !lines.back().empty() && !(in_list_context && i == 0))
        lines.emplace_back();
      ++rendered_;
      block(b, type, depth, number, lines);
      previous_type = type;
    }
    return !truncated_;
  }

  void block(const json::object& b, const std::string& type, int depth, int number,
             std::vector<std::string>& lines) {
    const json::object empty;
    const auto* pv = b.if_contains(type);
    const json::object& p = pv && pv->is_object() ? pv->as_object() : empty;
    const std::string pad = indent(depth);
    const std::string text =
        p.contains("rich_text") ? render_notion_rich_text(p.at("rich_text")) : std::string();
    const std::string color = color_of(p);
    const std::string attr_list = !v2() && !color.empty() ? " {color=\"" + color + "\"}" : "";
    const auto* kids = children_of(b);

    auto list_item = [&](const std::string& marker) {
      lines.push_back(pad + marker + text + attr_list);
      if (kids) render_list(*kids, depth + 1, lines, true);
    };
    // Paragraph-like blocks: v1 indents children; v2 uses the tag form when there are children
    // or a colour.
    auto tagged = [&](const std::string& v1_line, const std::string& tag) {
      if (!v2()) {
        lines.push_back(pad + v1_line + attr_list);
        if (kids) render_list(*kids, depth + 1, lines);
        return;
      }
      const std::string open = "<" + tag + (color.empty() ? "" : " color=\"" + color + "\"") + ">";
      if (!kids && color.empty()) {
        lines.push_back(pad + v1_line);
      } else if (!kids) {
        lines.push_back(pad + open + text + "</" + tag + ">");
      } else {
        lines.push_back(pad + open);
        lines.push_back(pad + text);
        lines.emplace_back();
        render_list(*kids, depth, lines);
        lines.push_back(pad + "</" + tag + ">");
      }
    };

    if (type == "paragraph") {
      if (text.empty() && !kids)
        lines.push_back(pad + "<empty-block/>");
      else
        tagged(text, "p");
    } else if (type == "heading_1" || type == "heading_2" || type == "heading_3" ||
               type == "heading_4") {
      const std::string hashes(static_cast<std::size_t>(type.back() - '0'), '#');
      std::string attrs;
      if (!v2()) {
        std::string inside;
        if (flag(p, "is_toggleable")) inside += "toggle=\"true\"";
        if (!color.empty()) inside += std::string(inside.empty() ? "" : " ") + "color=\"" + color + "\"";
        if (!inside.empty()) attrs = " {" + inside + "}";
      }
      lines.push_back(pad + hashes + " " + text + attrs);
      if (kids) {
        if (v2()) lines.emplace_back();
        render_list(*kids, v2() ? depth : depth + 1, lines);
      }
    } else if (type == "bulleted_list_item") {
      list_item("- ");
    } else if (type == "numbered_list_item") {
      list_item(std::to_string(number) + ". ");
    } else if (type == "to_do") {
      list_item(flag(p, "checked") ? "- [x] " : "- [ ] ");
    } else if (type == "quote") {
      tagged("> " + text, "quote");
    } else if (type == "toggle") {
      if (!v2()) {
        lines.push_back(pad + "<details" + (color.empty() ? "" : " color=\"" + color + "\"") + ">");
        lines.push_back(pad + "<summary>" + text + "</summary>");
        if (kids) render_list(*kids, depth + 1, lines);
        lines.push_back(pad + "</details>");
      } else {
        lines.push_back(pad + "<toggle" + (color.empty() ? "" : " color=\"" + color + "\"") + ">");
        lines.push_back(pad + text);
        if (kids) {
          lines.emplace_back();
          render_list(*kids, depth, lines);
        }
        lines.push_back(pad + "</toggle>");
      }
    } else if (type == "callout") {
      std::string icon;
      if (auto* i = p.if_contains("icon"); i && i->is_object()) icon = str(i->as_object(), "emoji");
      if (!v2()) {
        std::string attrs;
        if (!icon.empty()) attrs += "icon=\"" + icon + "\"";
        if (!color.empty()) attrs += std::string(attrs.empty() ? "" : " ") + "color=\"" + color + "\"";
        lines.push_back(pad + "::: callout" + (attrs.empty() ? "" : " {" + attrs + "}"));
        lines.push_back(pad + text);
        if (kids) render_list(*kids, depth, lines);
        lines.push_back(pad + ":::");
      } else {
        std::string open = "<callout";
        if (!icon.empty()) open += " icon=\"" + icon + "\"";
        if (!color.empty()) open += " color=\"" + color + "\"";
        lines.push_back(pad + open + ">");
        lines.push_back(pad + text);
        if (kids) {
          lines.emplace_back();
          render_list(*kids, depth, lines);
        }
        lines.push_back(pad + "</callout>");
      }
    } else if (type == "code") {
      std::string lang = str(p, "language");
      if (lang == "plain text") lang.clear();
      lines.push_back(pad + "```" + lang);
      // Code is literal: no escapes.
      std::string code;
      if (auto* rt = p.if_contains("rich_text")) code = plain_text(*rt);
      std::size_t start = 0;
      while (start <= code.size()) {
        const auto nl = code.find('\n', start);
        lines.push_back(pad + code.substr(start, nl == std::string::npos ? nl : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      lines.push_back(pad + "```");
    } else if (type == "equation") {
      lines.push_back(pad + "$$");
      lines.push_back(pad + str(p, "expression"));
      lines.push_back(pad + "$$");
    } else if (type == "divider") {
      lines.push_back(pad + "---");
    } else if (type == "table") {
      table(b, p, depth, lines);
    } else if (type == "column_list") {
      lines.push_back(pad + "<columns>");
      if (kids) {
        for (const auto& column : *kids) {
          ++rendered_;
          const std::string cpad = v2() ? pad : indent(depth + 1);
          lines.push_back(cpad + "<column>");
          if (auto* ck = children_of(column)) render_list(*ck, v2() ? depth : depth + 2, lines);
          lines.push_back(cpad + "</column>");
        }
      }
      lines.push_back(pad + "</columns>");
    } else if (type == "image" || type == "video" || type == "audio" || type == "file" ||
               type == "pdf" || type == "embed" || type == "bookmark") {
      std::string url = str(p, "url");
      for (const char* k : {"external", "file"})
        if (auto* f = p.if_contains(k); f && f->is_object() && url.empty()) url = str(f->as_object(), "url");
      const std::string caption =
          p.contains("caption") ? render_notion_rich_text(p.at("caption")) : std::string();
      if (type == "image")
        lines.push_back(pad + "![" + caption + "](" + url + ")");
      else
        lines.push_back(pad + "<" + type + " source=\"" + url + "\">" + caption + "</" + type + ">");
    } else if (type == "child_page") {
      lines.push_back(pad + "<page url=\"" + page_url(str(b, "id")) + "\">" + escape(str(p, "title")) +
                      "</page>");
    } else if (type == "child_database") {
      lines.push_back(pad + "<database url=\"" + page_url(str(b, "id")) + "\">" +
                      escape(str(p, "title")) + "</database>");
    } else if (type == "table_of_contents") {
      lines.push_back(pad + "<table_of_contents" + (color.empty() ? "" : " color=\"" + color + "\"") +
                      "/>");
    } else {
      // Synced blocks and any type the emulator does not render: Notion's placeholder, and the
      // id listed so the client can fetch the subtree through the same endpoint.
      const std::string id = str(b, "id");
      unknown_.push_back(id);
      lines.push_back(pad + "<unknown url=\"" + page_url(in_.page_id) + "#" + compact_id(id) +
                      "\" alt=\"" + type + "\"/>");
    }
  }

  void table(const json::object& b, const json::object& p, int depth, std::vector<std::string>& lines) {
    const std::string pad = indent(depth);
    const std::string row_pad = v2() ? pad : indent(depth + 1);
    const std::string cell_pad = v2() ? pad : indent(depth + 2);
    auto yes_no = [&](const char* k) { return flag(p, k) ? "true" : "false"; };
    lines.push_back(pad + "<table header-row=\"" + yes_no("has_column_header") + "\" header-column=\"" +
                    yes_no("has_row_header") + "\">");
    if (auto* rows = children_of(b)) {
      for (const auto& row : *rows) {
        ++rendered_;
        lines.push_back(row_pad + "<tr>");
        const json::object empty;
        const auto* rp = row.if_contains("table_row");
        const json::object& ro = rp && rp->is_object() ? rp->as_object() : empty;
        if (auto* cells = ro.if_contains("cells"); cells && cells->is_array())
          for (const auto& cell : cells->as_array())
            lines.push_back(cell_pad + "<td>" + render_notion_rich_text(cell) + "</td>");
        lines.push_back(row_pad + "</tr>");
      }
    }
    lines.push_back(pad + "</table>");
  }

  const markdown_render_input& in_;
  std::size_t rendered_ = 0;
  bool truncated_ = false;
  std::vector<std::string> unknown_;
};

}  // namespace

std::string render_notion_rich_text(const json::value& rich_text) {
  if (!rich_text.is_array()) return {};
  std::string out;
  for (const auto& v : rich_text.as_array()) {
    if (!v.is_object()) continue;
    const auto& item = v.as_object();
    const std::string type = str(item, "type");
    if (type == "mention") {
      out += mention(item);
      continue;
    }
    if (type == "equation") {
      if (auto* e = item.if_contains("equation"); e && e->is_object())
        out += "$" + str(e->as_object(), "expression") + "$";
      continue;
    }
    std::string content = str(item, "plain_text");
    if (auto* t = item.if_contains("text"); t && t->is_object()) content = str(t->as_object(), "content");
    json::object annotations;
    if (auto* a = item.if_contains("annotations"); a && a->is_object()) annotations = a->as_object();
    std::string piece = flag(annotations, "code") ? "`" + content + "`" : escape(content);
    if (flag(annotations, "bold")) piece = "**" + piece + "**";
    if (flag(annotations, "italic")) piece = "*" + piece + "*";
    if (flag(annotations, "strikethrough")) piece = "~~" + piece + "~~";
    if (flag(annotations, "underline")) piece = "<span underline=\"true\">" + piece + "</span>";
    const std::string color = str(annotations, "color");
    if (!color.empty() && color != "default") piece = "<span color=\"" + color + "\">" + piece + "</span>";
    std::string href = str(item, "href");
    if (auto* t = item.if_contains("text"); t && t->is_object())
      if (auto* l = t->as_object().if_contains("link"); l && l->is_object()) href = str(l->as_object(), "url");
    if (!href.empty()) piece = "[" + piece + "](" + href + ")";
    out += piece;
  }
  return out;
}

markdown_rendering render_page_markdown(const std::vector<json::object>& blocks,
                                        const markdown_render_input& input) {
  renderer r(input);
  return r.run(blocks);
}

}  // namespace ngsync::sandbox::notion
