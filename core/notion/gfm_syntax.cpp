// The pieces of Notion's inline syntax the GFM converter reads (tags, attributes, a line's
// trailing {…} attribute list) and the ways it writes text GitHub reads literally (backslash and
// HTML escapes, link destinations). The inline converter (gfm_inline.cpp) and the block
// converter (gfm_converter.cpp) share them.
#include <cctype>

#include "core/notion/gfm_inline.hpp"

#include "core/text/ascii.hpp"

namespace ngsync::notion::gfm {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':';
}

void skip_spaces(std::string_view text, std::size_t& i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '{':
        out += "&#123;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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
    std::string name = text::ascii_lower(text.substr(start, i - start));
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
  t.name = text::ascii_lower(text.substr(name_start, i - name_start));
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
    if (raw[i] == '%' && i + 2 < raw.size() &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
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

}  // namespace ngsync::notion::gfm
