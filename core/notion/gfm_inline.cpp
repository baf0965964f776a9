// Notion rich text -> GFM inline Markdown (or inline HTML for <summary>). Markdown emphasis,
// code spans and links are already GFM; the work is in Notion's tags (spans, mentions, custom
// emoji), citations, inline math, and in keeping every character of Notion's syntax out.
#include "core/notion/gfm_inline.hpp"

#include <algorithm>
#include <cctype>

namespace ngsync::notion::gfm {

namespace {

constexpr auto npos = std::string_view::npos;

// Characters Notion escapes with a backslash outside code (its format reference), plus the rest of
// ASCII punctuation, which GFM also accepts escaped.
bool is_ascii_punct(char c) {
  return std::ispunct(static_cast<unsigned char>(c)) != 0;
}

// Tags GitHub's sanitizer keeps and that mean the same there: passed through as they are.
bool github_keeps(std::string_view name) {
  return name == "sub" || name == "sup" || name == "ins" || name == "del" || name == "kbd";
}

// The ']' that closes the '[' at `open`, skipping escaped characters and counting nested
// brackets; npos when there is none.
std::size_t label_end(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t k = open; k < text.size(); ++k) {
    if (text[k] == '\\') {
      ++k;
      continue;
    }
    if (text[k] == '[') ++depth;
    if (text[k] == ']' && --depth == 0) return k;
  }
  return npos;
}

// Where a code span opened by `ticks` backticks ends: the next run of exactly as many backticks
// (GFM's rule; a longer or shorter run is part of the code); npos when there is none.
std::size_t closing_backticks(std::string_view text, std::size_t from, std::size_t ticks) {
  const std::string fence(ticks, '`');
  std::size_t search = from;
  while (true) {
    const auto end = text.find(fence, search);
    if (end == npos) return npos;
    std::size_t run = 0;
    while (end + run < text.size() && text[end + run] == '`') ++run;
    if (run == ticks) return end;
    search = end + run;
  }
}

// One pass over one block's rich text. Each construct of Notion's inline syntax is recognised by
// its first character and read by its own member, which writes the construct's GFM (or HTML)
// form and returns where the text goes on; whatever is not a construct is written so that it
// reads as the same characters on GitHub.
class inline_converter {
 public:
  inline_converter(inline_state& state, inline_target target)
      : state_(state), target_(target), html_(target == inline_target::html) {}

  std::string run(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) i = convert_at(text, i, out);
    close_all_open(out);
    return out;
  }

 private:
  std::size_t convert_at(std::string_view text, std::size_t i, std::string& out) {
    const char c = text[i];
    const bool more = i + 1 < text.size();
    if (c == '\\' && more && is_ascii_punct(text[i + 1])) return escaped_punctuation(text, i, out);
    if (c == '`') return code_span(text, i, out);
    if (c == '$') return inline_math(text, i, out);
    if (c == '<') return markup(text, i, out);
    if (c == '!' && more && text[i + 1] == '[') return link(text, i + 1, out, true);
    if (c == '[' && more && text[i + 1] == '^') {
      if (auto after = citation(text, i, out)) return *after;
    }
    if (c == '[') return link(text, i, out, false);
    if (html_ && (c == '*' || c == '~' || c == '_')) return html_emphasis(text, i, out);
    plain_character(c, out);
    return i + 1;
  }

  // A character that starts no construct. Notion's attribute braces (and a table cell's pipe)
  // are escaped so GitHub shows them; tabs become spaces; a line break inside a table cell or a
  // <summary> (which cannot hold one) becomes <br>.
  void plain_character(char c, std::string& out) const {
    if (c == '{' || c == '}' || (c == '|' && target_ == inline_target::table_cell)) {
      out += html_ ? (c == '{' ? std::string("&#123;") : std::string(1, c)) : std::string("\\") + c;
    } else if (c == '\t') {
      out += ' ';
    } else if (html_ && (c == '>' || c == '&' || c == '"')) {
      out += html_escape(std::string_view(&c, 1));
    } else if (c == '\n' && target_ != inline_target::markdown) {
      out += "<br>";
    } else {
      out += c;
    }
  }

  // Spans (and, in HTML, emphasis) still open at the end of the text are closed here, so an
  // unbalanced tag in Notion cannot run on into the next block.
  void close_all_open(std::string& out) {
    while (!open_spans_.empty()) close_span(out);
    if (html_) {
      for (auto it = open_emphasis_.rbegin(); it != open_emphasis_.rend(); ++it)
        out += "</" + *it + ">";
    }
  }

  // \* and kin: Notion's escape of a punctuation character reads the same in GFM; HTML has no
  // backslash escapes, so there it is the character itself.
  std::size_t escaped_punctuation(std::string_view text, std::size_t i, std::string& out) {
    if (html_)
      out += html_escape(text.substr(i + 1, 1));
    else
      out.append(text.substr(i, 2));
    return i + 2;
  }

  // `code`, ``co`de``: kept as a code span; an unmatched backtick run is literal text.
  std::size_t code_span(std::string_view text, std::size_t i, std::string& out) {
    std::size_t ticks = 0;
    while (i + ticks < text.size() && text[i + ticks] == '`') ++ticks;
    const auto end = closing_backticks(text, i + ticks, ticks);
    if (end == npos) {
      for (std::size_t k = 0; k < ticks; ++k) out += html_ ? "`" : "\\`";
      return i + ticks;
    }
    write_code(text.substr(i + ticks, end - i - ticks), ticks, out);
    return end + ticks;
  }

  void write_code(std::string_view code, std::size_t ticks, std::string& out) const {
    if (html_) {
      out += "<code>" + html_escape(code) + "</code>";
      return;
    }
    const std::string fence(ticks, '`');
    std::string flat(code);
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    std::replace(flat.begin(), flat.end(), '\t', ' ');
    if (target_ == inline_target::table_cell) {
      std::string escaped;
      for (char ch : flat) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      flat = escaped;
    }
    // Right after another code span (a dropped tag between them), the two fences would
    // merge into one longer backtick run and GFM would pair them differently.
    if (!out.empty() && out.back() == '`') out += ' ';
    out += fence + flat + fence;
  }

  // $x$ -> $`x`$ (GitHub's delimiters, which no Markdown inside the formula can break).
  std::size_t inline_math(std::string_view text, std::size_t i, std::string& out) {
    for (std::size_t end = i + 1; end < text.size(); ++end) {
      if (text[end] == '\n') break;  // inline math stays on its line
      if (text[end] == '\\') {
        ++end;
        if (end < text.size() && text[end] == '\n') break;
        continue;
      }
      if (text[end] == '$') {
        const std::string_view formula = text.substr(i + 1, end - i - 1);
        if (formula.empty() || formula.find('`') != npos) break;
        if (html_)
          out += "<code>" + html_escape(formula) + "</code>";
        else
          out += "$`" + std::string(formula) + "`$";
        return end + 1;
      }
    }
    out += html_ ? "$" : "\\$";
    return i + 1;
  }

  // [^URL]: a citation, numbered in order across the whole conversion and shown as a
  // superscript link. nullopt when the brackets hold no URL (then it is read as a link).
  std::optional<std::size_t> citation(std::string_view text, std::size_t i, std::string& out) {
    const auto end = text.find(']', i);
    if (end == npos || end <= i + 2) return std::nullopt;
    const std::string url(text.substr(i + 2, end - i - 2));
    const int n = ++state_.citations;
    out += "<sup>" + anchor(std::to_string(n), stable_link(url, *state_.options)) + "</sup>";
    return end + 1;
  }

  // [label](url) and ![alt](url), `i` at the '['. Anything short of a whole link is literal.
  std::size_t link(std::string_view text, std::size_t i, std::string& out, bool image) {
    const std::size_t close = label_end(text, i);
    const bool has_url = close != npos && close + 1 < text.size() && text[close + 1] == '(';
    const auto url_end = has_url ? text.find(')', close + 2) : npos;
    if (url_end == npos) {
      out += html_ ? (image ? "![" : "[") : (image ? "!\\[" : "\\[");
      return i + 1;
    }
    const std::string_view raw_url = text.substr(close + 2, url_end - close - 2);
    const std::string label = run_nested(text.substr(i + 1, close - i - 1));
    const std::string target = stable_link(raw_url, *state_.options);
    const bool hosted = is_notion_hosted_file(raw_url);
    if (image && !hosted) {
      out += html_ ? "<img src=\"" + html_escape(target) + "\" alt=\"" + label + "\">"
                   : "![" + label + "](" + target + ")";
    } else {
      out += anchor(link_text(label, raw_url, target, image && hosted), target);
    }
    return url_end + 1;
  }

  // What a link shows: its label. A Notion-hosted image cannot be shown on GitHub (its signed URL
  // expires), so it becomes a link saying what it is; a link without a label shows its target.
  std::string link_text(const std::string& label, std::string_view raw_url,
                        const std::string& target, bool hosted_image) const {
    std::string shown = label;
    if (hosted_image) {
      const std::string name = file_name_of(raw_url);
      shown = (label.empty() ? escape_text(name.empty() ? "image" : name, html_) : label) +
              " (image, in Notion)";
    }
    if (shown.empty()) shown = escape_text(target, html_);
    return shown;
  }

  // A link in the target's form; `shown` is already converted text.
  std::string anchor(const std::string& shown, const std::string& target) const {
    return html_ ? "<a href=\"" + html_escape(target) + "\">" + shown + "</a>"
                 : "[" + shown + "](" + target + ")";
  }

  std::string run_nested(std::string_view text) {
    inline_converter inner(state_, target_);
    return inner.run(text);
  }

  std::size_t html_emphasis(std::string_view text, std::size_t i, std::string& out) {
    std::string name;
    std::size_t len = 1;
    if (text[i] == '*' && i + 1 < text.size() && text[i + 1] == '*') {
      name = "strong";
      len = 2;
    } else if (text[i] == '~' && i + 1 < text.size() && text[i + 1] == '~') {
      name = "del";
      len = 2;
    } else if (text[i] == '*' || text[i] == '_') {
      name = "em";
    } else {
      out += text[i];
      return i + 1;
    }
    const auto it = std::find(open_emphasis_.begin(), open_emphasis_.end(), name);
    if (it != open_emphasis_.end()) {
      open_emphasis_.erase(it);
      out += "</" + name + ">";
    } else {
      open_emphasis_.push_back(name);
      out += "<" + name + ">";
    }
    return i + len;
  }

  // The text between this tag and its closing tag (nesting of the same name counted), and the
  // position after the closing tag; nullopt when it is never closed.
  static std::optional<std::pair<std::string_view, std::size_t>> element_body(
      std::string_view text, std::size_t after_open, const std::string& name) {
    int depth = 1;
    for (std::size_t k = after_open; k < text.size(); ++k) {
      if (text[k] == '\\') {
        ++k;
        continue;
      }
      if (text[k] != '<') continue;
      auto t = parse_tag(text.substr(k));
      if (!t || t->name != name) continue;
      if (t->closing) {
        if (--depth == 0)
          return std::make_pair(text.substr(after_open, k - after_open), k + t->length);
      } else if (!t->self_closing) {
        ++depth;
      }
    }
    return std::nullopt;
  }

  // A tag: one GitHub keeps, a colour or underline span, or a Notion element. Text that only
  // looks like a tag is a literal '<'.
  std::size_t markup(std::string_view text, std::size_t i, std::string& out) {
    auto t = parse_tag(text.substr(i));
    if (!t) {
      out += html_ ? "&lt;" : "\\<";
      return i + 1;
    }
    const std::size_t after = i + t->length;
    if (t->name == "br") {
      out += "<br>";
      return after;
    }
    if (t->name == "span" || t->name == "u") {
      span_tag(*t, out);
      return after;
    }
    if (github_keeps(t->name)) {
      out += t->closing ? "</" + t->name + ">" : "<" + t->name + ">";
      return after;
    }
    if (t->closing) return after;  // a closing tag of something already rewritten or dropped
    return notion_element(text, *t, after, out);
  }

  // <span color="…" underline="true">, <u>: colour has no GFM form and goes; underline becomes
  // <ins>, which GitHub keeps. Each open span remembers whether it underlines, so its closing
  // tag knows whether to close an <ins>.
  void span_tag(const tag& t, std::string& out) {
    if (t.closing) {
      close_span(out);
    } else if (!t.self_closing) {
      const bool underline = t.name == "u" || attribute(t.attrs, "underline") == "true";
      open_spans_.push_back(underline);
      if (underline) out += "<ins>";
    }
  }

  void close_span(std::string& out) {
    if (open_spans_.empty()) return;
    if (open_spans_.back()) out += "</ins>";
    open_spans_.pop_back();
  }

  // A Notion element (`after` is just past its opening tag): its content is converted first,
  // since every kind falls back on it, then the element is written as what it stands for.
  std::size_t notion_element(std::string_view text, const tag& t, std::size_t after,
                             std::string& out) {
    std::string inner_text;
    std::size_t next = after;
    if (!t.self_closing) {
      if (auto body = element_body(text, after, t.name)) {
        inner_text = run_nested(body->first);
        next = body->second;
      }
    }
    out += element_text(t, inner_text);
    return next;
  }

  std::string element_text(const tag& t, const std::string& inner_text) {
    if (t.name == "mention-user") return user_mention(t.attrs, inner_text);
    if (t.name == "mention-date") return date_mention(t.attrs, inner_text);
    if (t.name.rfind("mention-", 0) == 0) return page_mention(t, inner_text);
    if (t.name == "custom-emoji" || t.name == "emoji") return custom_emoji(t.attrs, inner_text);
    if (t.self_closing) return placeholder(t);
    return inner_text;  // any other tag: its text stays, the tag goes
  }

  // <mention-user url="user://…">: the GitHub login the caller maps the person to, else their
  // name, else the tag's own text; a person the caller could not name is reported so it can be
  // looked up and the page converted again.
  std::string user_mention(const attributes& attrs, const std::string& inner) {
    std::string id = attribute(attrs, "url");
    if (id.rfind("user://", 0) == 0) id = id.substr(7);
    const auto& opt = *state_.options;
    if (!id.empty() && opt.github_login) {
      if (auto login = opt.github_login(id); login && !login->empty()) return "@" + *login;
    }
    if (!id.empty() && opt.person_name) {
      if (auto name = opt.person_name(id); name && !name->empty()) return escape_text(*name, html_);
    }
    if (!inner.empty()) return inner;
    if (!id.empty() &&
        std::find(state_.unresolved_user_ids.begin(), state_.unresolved_user_ids.end(), id) ==
            state_.unresolved_user_ids.end())
      state_.unresolved_user_ids.push_back(id);
    return html_ ? "<em>(a Notion user)</em>" : "*(a Notion user)*";
  }

  // <mention-page url="…">, <mention-database …>: a link titled as in Notion (the tag's text,
  // its title attribute, the caller's lookup, else a generic name); without a web URL, the title.
  std::string page_mention(const tag& t, const std::string& inner_text) {
    std::string title = inner_text;
    if (title.empty()) title = escape_text(attribute(t.attrs, "title"), html_);
    const std::string url = attribute(t.attrs, "url");
    if (title.empty()) title = looked_up_title(url);
    if (title.empty()) title = t.name == "mention-database" ? "Notion database" : "Notion page";
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0)
      return anchor(title, stable_link(url, *state_.options));
    return title;
  }

  // The title the caller knows for a mentioned page (its id is the URL's last 32 hex digits);
  // unknown ones are reported so the caller can fetch them and convert again.
  std::string looked_up_title(std::string_view url) {
    std::string_view path = url.substr(0, url.find_first_of("?#"));
    std::string id;
    for (auto it = path.rbegin(); it != path.rend() && id.size() < 32; ++it) {
      if (*it == '-') continue;
      if (!std::isxdigit(static_cast<unsigned char>(*it))) break;
      id.insert(id.begin(), static_cast<char>(std::tolower(static_cast<unsigned char>(*it))));
    }
    if (id.size() != 32) return {};
    const auto& opt = *state_.options;
    if (opt.page_title) {
      if (auto title = opt.page_title(id); title && !title->empty())
        return escape_text(*title, html_);
    }
    if (std::find(state_.unresolved_page_ids.begin(), state_.unresolved_page_ids.end(), id) ==
        state_.unresolved_page_ids.end())
      state_.unresolved_page_ids.push_back(id);
    return {};
  }

  // <mention-date start="…" end="…" timezone="…"/>: the tag's own text, else the dates as Notion
  // writes them, start → end.
  std::string date_mention(const attributes& attrs, const std::string& inner) {
    if (!inner.empty()) return inner;
    std::string text = attribute(attrs, "start");
    const std::string start_time = attribute(attrs, "starttime");
    if (!start_time.empty()) text += " " + start_time;
    const std::string end = attribute(attrs, "end");
    const std::string end_time = attribute(attrs, "endtime");
    if (!end.empty() || !end_time.empty()) {
      text += " → " + end;
      if (!end_time.empty()) text += (end.empty() ? "" : " ") + end_time;
    }
    const std::string zone = attribute(attrs, "timezone");
    if (!zone.empty()) text += " (" + zone + ")";
    if (text.empty()) text = "a date";
    return escape_text(text, html_);
  }

  // <custom-emoji alt=":name:"/>: GitHub's :name: shortcode (the picture itself stays in Notion).
  std::string custom_emoji(const attributes& attrs, const std::string& inner_text) const {
    std::string name = attribute(attrs, "alt");
    if (name.empty()) name = attribute(attrs, "name");
    if (name.empty()) name = inner_text;
    if (!name.empty() && name.front() != ':') name = ":" + name + ":";
    return escape_text(name, html_);
  }

  // A Notion tag with nothing to show inline: say what it was rather than drop it.
  std::string placeholder(const tag& t) const {
    std::string what = attribute(t.attrs, "alt");
    if (what.empty()) what = t.name;
    return html_ ? "<em>(" + html_escape(what) + ")</em>" : "*(" + escape_text(what, false) + ")*";
  }

  inline_state& state_;
  inline_target target_;
  bool html_;
  std::vector<bool> open_spans_;  // per open <span>: whether it underlines
  std::vector<std::string> open_emphasis_;
};

}  // namespace

std::string convert_inline(std::string_view text, inline_state& state, inline_target target) {
  inline_converter c(state, target);
  return c.run(text);
}

}  // namespace ngsync::notion::gfm
