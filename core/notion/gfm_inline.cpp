// Notion rich text -> GFM inline Markdown (or inline HTML for <summary>). Markdown emphasis,
// code spans and links are already GFM; the work is in Notion's tags (spans, mentions, custom
// emoji), citations, inline math, and in keeping every character of Notion's syntax out.
#include "core/notion/gfm_inline.hpp"

#include <algorithm>
#include <cctype>

namespace ngsync::notion::gfm {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void skip_spaces(std::string_view text, std::size_t& i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
}

// Characters Notion escapes with a backslash outside code (its format reference), plus the rest of
// ASCII punctuation, which GFM also accepts escaped.
bool is_ascii_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '{': out += "&#123;"; break;
      default: out += c;
    }
  }
  return out;
}

// Tags GitHub's sanitizer keeps and that mean the same there: passed through as they are.
bool github_keeps(std::string_view name) {
  return name == "sub" || name == "sup" || name == "ins" || name == "del" || name == "kbd";
}

}  // namespace

std::string attribute(const attributes& attrs, std::string_view name) {
  for (const auto& [k, v] : attrs)
    if (k == name) return v;
  return {};
}

std::optional<attributes> parse_attributes(std::string_view text) {
  attributes out;
  std::size_t i = 0;
  while (true) {
    skip_spaces(text, i);
    if (i >= text.size()) return out;
    const std::size_t start = i;
    while (i < text.size() && is_name_char(text[i])) ++i;
    if (i == start) return std::nullopt;
    std::string name = lower(text.substr(start, i - start));
    skip_spaces(text, i);
    if (i >= text.size() || text[i] != '=') {
      out.emplace_back(std::move(name), "");  // a bare attribute
      continue;
    }
    ++i;
    skip_spaces(text, i);
    if (i >= text.size()) return std::nullopt;
    std::string value;
    if (text[i] == '"' || text[i] == '\'') {
      const char quote = text[i++];
      const auto end = text.find(quote, i);
      if (end == std::string_view::npos) return std::nullopt;
      value = std::string(text.substr(i, end - i));
      i = end + 1;
    } else {
      const std::size_t vstart = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
      value = std::string(text.substr(vstart, i - vstart));
    }
    out.emplace_back(std::move(name), std::move(value));
  }
}

std::optional<tag> parse_tag(std::string_view text) {
  if (text.size() < 3 || text[0] != '<') return std::nullopt;
  tag t;
  std::size_t i = 1;
  if (text[i] == '/') {
    t.closing = true;
    ++i;
  }
  const std::size_t name_start = i;
  if (i >= text.size() || !std::isalpha(static_cast<unsigned char>(text[i]))) return std::nullopt;
  while (i < text.size() && (is_name_char(text[i]))) ++i;
  t.name = lower(text.substr(name_start, i - name_start));
  // The end of the tag: the first '>' outside a quoted value.
  char quote = 0;
  std::size_t end = i;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      break;
    } else if (c == '<' || c == '\n') {
      return std::nullopt;
    }
  }
  if (end >= text.size()) return std::nullopt;
  std::string_view inside = text.substr(i, end - i);
  if (!inside.empty() && inside.back() == '/') {
    t.self_closing = true;
    inside.remove_suffix(1);
  }
  if (!inside.empty() && inside.front() != ' ' && inside.front() != '\t') return std::nullopt;
  auto attrs = parse_attributes(inside);
  if (!attrs) return std::nullopt;
  if (t.closing && !attrs->empty()) return std::nullopt;
  t.attrs = std::move(*attrs);
  t.length = end + 1;
  return t;
}

attributed_line split_attribute_list(std::string_view line) {
  std::string_view text = line;
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty() || text.back() != '}') return {line, {}};
  // The last '{' not escaped with a backslash.
  for (std::size_t pos = text.rfind('{'); pos != std::string_view::npos;
       pos = pos ? text.rfind('{', pos - 1) : std::string_view::npos) {
    std::size_t backslashes = 0;
    for (std::size_t k = pos; k > 0 && text[k - 1] == '\\'; --k) ++backslashes;
    if (backslashes % 2) {
      if (pos == 0) break;
      continue;
    }
    // An escaped closing brace means literal text.
    if (text.size() >= 2 && text[text.size() - 2] == '\\') return {line, {}};
    auto attrs = parse_attributes(text.substr(pos + 1, text.size() - pos - 2));
    if (!attrs || attrs->empty()) return {line, {}};
    std::string_view rest = text.substr(0, pos);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    return {rest, std::move(*attrs)};
  }
  return {line, {}};
}

std::string escape_text(std::string_view text, bool html) {
  if (html) return html_escape(text);
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_~[]<>{}|$^#!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string file_name_of(std::string_view url) {
  auto cut = url.find_first_of("?#");
  std::string_view path = url.substr(0, cut);
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= path.size()) return {};
  std::string name;
  std::string_view raw = path.substr(slash + 1);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
      name += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      name += raw[i];
    }
  }
  return name;
}

namespace {

// A URL as a GFM link destination: characters that would end it or read as markup are
// percent-encoded.
std::string link_destination(std::string_view url) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : url) {
    if (c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == '"' || c == '{' ||
        c == '}' || c == '\\' || c == '`' || c == 0x7f) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string stable_link(std::string_view url, const gfm_options& options) {
  if (!is_notion_hosted_file(url)) return link_destination(url);
  if (!options.page_url.empty()) return link_destination(options.page_url);
  // No page to link through: the URL without its signature is at least stable.
  return link_destination(url.substr(0, url.find('?')));
}

namespace {

class inline_converter {
 public:
  inline_converter(inline_state& state, inline_target target)
      : state_(state), target_(target), html_(target == inline_target::html) {}

  std::string run(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == '\\' && i + 1 < text.size() && is_ascii_punct(text[i + 1])) {
        if (html_)
          out += html_escape(text.substr(i + 1, 1));
        else
          out.append(text.substr(i, 2));
        i += 2;
      } else if (c == '`') {
        i = code_span(text, i, out);
      } else if (c == '$') {
        i = math(text, i, out);
      } else if (c == '<') {
        i = markup(text, i, out);
      } else if (c == '!' && i + 1 < text.size() && text[i + 1] == '[') {
        i = link(text, i + 1, out, true);
      } else if (c == '[') {
        i = link(text, i, out, false);
      } else if (c == '{' || c == '}' || (c == '|' && target_ == inline_target::table_cell)) {
        out += html_ ? (c == '{' ? std::string("&#123;") : std::string(1, c)) : std::string("\\") + c;
        ++i;
      } else if (c == '\t') {
        out += ' ';
        ++i;
      } else if (html_ && (c == '*' || c == '~' || c == '_')) {
        i = html_emphasis(text, i, out);
      } else if (html_ && (c == '>' || c == '&' || c == '"')) {
        out += html_escape(text.substr(i, 1));
        ++i;
      } else if (c == '\n' && target_ != inline_target::markdown) {
        out += "<br>";
        ++i;
      } else {
        out += c;
        ++i;
      }
    }
    while (!open_spans_.empty()) close_span(out);
    if (html_) {
      for (auto it = open_emphasis_.rbegin(); it != open_emphasis_.rend(); ++it)
        out += "</" + *it + ">";
    }
    return out;
  }

 private:
  std::size_t code_span(std::string_view text, std::size_t i, std::string& out) {
    std::size_t ticks = 0;
    while (i + ticks < text.size() && text[i + ticks] == '`') ++ticks;
    const std::string fence(ticks, '`');
    std::size_t search = i + ticks;
    while (true) {
      const auto end = text.find(fence, search);
      if (end == std::string_view::npos) break;
      std::size_t run = 0;
      while (end + run < text.size() && text[end + run] == '`') ++run;
      if (run != ticks) {
        search = end + run;
        continue;
      }
      const std::string_view code = text.substr(i + ticks, end - i - ticks);
      if (html_) {
        out += "<code>" + html_escape(code) + "</code>";
      } else {
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
      return end + ticks;
    }
    // An unmatched backtick run is literal text.
    for (std::size_t k = 0; k < ticks; ++k) out += html_ ? "`" : "\\`";
    return i + ticks;
  }

  // $x$ -> $`x`$ (GitHub's delimiters, which no Markdown inside the formula can break).
  std::size_t math(std::string_view text, std::size_t i, std::string& out) {
    for (std::size_t end = i + 1; end < text.size(); ++end) {
      if (text[end] == '\n') break;  // inline math stays on its line
      if (text[end] == '\\') {
        ++end;
        if (end < text.size() && text[end] == '\n') break;
        continue;
      }
      if (text[end] == '$') {
        const std::string_view formula = text.substr(i + 1, end - i - 1);
        if (formula.empty() || formula.find('`') != std::string_view::npos) break;
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

  std::size_t link(std::string_view text, std::size_t i, std::string& out, bool image) {
    // Citation: [^URL]
    if (!image && i + 1 < text.size() && text[i + 1] == '^') {
      const auto end = text.find(']', i);
      if (end != std::string_view::npos && end > i + 2) {
        const std::string url(text.substr(i + 2, end - i - 2));
        const int n = ++state_.citations;
        const std::string target = stable_link(url, *state_.options);
        if (html_)
          out += "<sup><a href=\"" + html_escape(target) + "\">" + std::to_string(n) + "</a></sup>";
        else
          out += "<sup>[" + std::to_string(n) + "](" + target + ")</sup>";
        return end + 1;
      }
    }
    // [label](url): the label's closing bracket, honouring escapes and nesting.
    int depth = 0;
    std::size_t close = std::string_view::npos;
    for (std::size_t k = i; k < text.size(); ++k) {
      if (text[k] == '\\') {
        ++k;
        continue;
      }
      if (text[k] == '[') ++depth;
      if (text[k] == ']' && --depth == 0) {
        close = k;
        break;
      }
    }
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != '(') {
      out += html_ ? (image ? "![" : "[") : (image ? "!\\[" : "\\[");
      return i + 1;
    }
    const auto url_end = text.find(')', close + 2);
    if (url_end == std::string_view::npos) {
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
      std::string shown = label;
      if (image && hosted) {
        const std::string name = file_name_of(raw_url);
        shown = (label.empty() ? escape_text(name.empty() ? "image" : name, html_) : label) +
                " (image, in Notion)";
      }
      if (shown.empty()) shown = escape_text(target, html_);
      out += html_ ? "<a href=\"" + html_escape(target) + "\">" + shown + "</a>"
                   : "[" + shown + "](" + target + ")";
    }
    return url_end + 1;
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
        if (--depth == 0) return std::make_pair(text.substr(after_open, k - after_open), k + t->length);
      } else if (!t->self_closing) {
        ++depth;
      }
    }
    return std::nullopt;
  }

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
      if (t->closing) {
        close_span(out);
      } else if (!t->self_closing) {
        const bool underline = t->name == "u" || attribute(t->attrs, "underline") == "true";
        open_spans_.push_back(underline);
        if (underline) out += "<ins>";
      }
      return after;
    }
    if (github_keeps(t->name)) {
      out += t->closing ? "</" + t->name + ">" : "<" + t->name + ">";
      return after;
    }
    if (t->closing) return after;  // a closing tag of something already rewritten or dropped

    std::string inner_text;
    std::size_t next = after;
    if (!t->self_closing) {
      if (auto body = element_body(text, after, t->name)) {
        inner_text = run_nested(body->first);
        next = body->second;
      }
    }
    if (t->name == "mention-user") {
      out += user(t->attrs, inner_text);
    } else if (t->name == "mention-date") {
      out += date(t->attrs, inner_text);
    } else if (t->name.rfind("mention-", 0) == 0) {
      std::string title = inner_text;
      if (title.empty()) title = escape_text(attribute(t->attrs, "title"), html_);
      const std::string url = attribute(t->attrs, "url");
      if (title.empty()) title = looked_up_title(url);
      if (title.empty()) title = t->name == "mention-database" ? "Notion database" : "Notion page";
      if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
        const std::string target = stable_link(url, *state_.options);
        out += html_ ? "<a href=\"" + html_escape(target) + "\">" + title + "</a>"
                     : "[" + title + "](" + target + ")";
      } else {
        out += title;
      }
    } else if (t->name == "custom-emoji" || t->name == "emoji") {
      std::string name = attribute(t->attrs, "alt");
      if (name.empty()) name = attribute(t->attrs, "name");
      if (name.empty()) name = inner_text;
      if (!name.empty() && name.front() != ':') name = ":" + name + ":";
      out += escape_text(name, html_);
    } else if (t->self_closing) {
      // A Notion tag with nothing to show inline: say what it was rather than drop it.
      std::string what = attribute(t->attrs, "alt");
      if (what.empty()) what = t->name;
      out += html_ ? "<em>(" + html_escape(what) + ")</em>" : "*(" + escape_text(what, false) + ")*";
    } else {
      out += inner_text;  // any other tag: its text stays, the tag goes
    }
    return next;
  }

  void close_span(std::string& out) {
    if (open_spans_.empty()) return;
    if (open_spans_.back()) out += "</ins>";
    open_spans_.pop_back();
  }

  std::string user(const attributes& attrs, const std::string& inner) {
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
      if (auto title = opt.page_title(id); title && !title->empty()) return escape_text(*title, html_);
    }
    if (std::find(state_.unresolved_page_ids.begin(), state_.unresolved_page_ids.end(), id) ==
        state_.unresolved_page_ids.end())
      state_.unresolved_page_ids.push_back(id);
    return {};
  }

  std::string date(const attributes& attrs, const std::string& inner) {
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
