// Reading the page_markdown answer, and assembling a page from it and its followed subtrees.
#include "core/notion/page_markdown.hpp"

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>

namespace ngsync::notion {

namespace json = boost::json;

std::optional<page_markdown_part> parse_page_markdown_answer(std::string_view json_text,
                                                             std::string* error) {
  auto fail = [&](const char* why) -> std::optional<page_markdown_part> {
    if (error) *error = why;
    return std::nullopt;
  };
  boost::system::error_code ec;
  const json::value v = json::parse(json_text, ec);
  if (ec) return fail("the markdown answer is not JSON");
  return read_page_markdown_answer(v, error);
}

std::optional<page_markdown_part> read_page_markdown_answer(const json::value& v,
                                                            std::string* error) {
  auto fail = [&](const char* why) -> std::optional<page_markdown_part> {
    if (error) *error = why;
    return std::nullopt;
  };
  const auto* o = v.if_object();
  if (!o) return fail("the markdown answer is not an object");
  const auto* object = o->if_contains("object");
  if (!object || !object->is_string() || object->as_string() != "page_markdown")
    return fail("the markdown answer is not a page_markdown object");
  const auto* markdown = o->if_contains("markdown");
  if (!markdown || !markdown->is_string()) return fail("the markdown answer has no markdown text");
  page_markdown_part part;
  part.markdown = std::string(markdown->as_string());
  if (const auto* t = o->if_contains("truncated"); t && t->is_bool()) part.truncated = t->as_bool();
  if (const auto* ids = o->if_contains("unknown_block_ids"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array())
      if (id.is_string()) part.unknown_block_ids.emplace_back(id.as_string());
  }
  return part;
}

std::vector<std::string> block_ids_to_follow(const page_markdown& content) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const page_markdown_part& part) {
    for (const auto& id : part.unknown_block_ids) {
      const std::string key = normalized_block_id(id);
      if (key.empty() || content.followed.contains(key) || !seen.insert(key).second) continue;
      out.push_back(id);
    }
  };
  add(content.page);
  for (const auto& [key, part] : content.followed) add(part);
  return out;
}

page_body page_markdown_to_github(const page_markdown& content, const gfm_options& options) {
  std::map<std::string, std::string> subtrees;
  for (const auto& [key, part] : content.followed) subtrees[key] = part.markdown;
  gfm_options opts = options;
  opts.followed_blocks = &subtrees;
  auto converted = to_github_markdown(content.page.markdown, opts);

  page_body body;
  body.markdown = std::move(converted.markdown);
  body.unresolved_user_ids = std::move(converted.unresolved_user_ids);
  body.unresolved_page_ids = std::move(converted.unresolved_page_ids);

  // Followed subtrees with no <unknown> tag to stand in for (the rest of a truncated page) go at
  // the end, in the order Notion listed them.
  std::set<std::string> placed(converted.placed_block_ids.begin(), converted.placed_block_ids.end());
  std::vector<std::string> order;
  for (const auto& id : content.page.unknown_block_ids) order.push_back(normalized_block_id(id));
  for (const auto& [key, part] : content.followed)
    for (const auto& id : part.unknown_block_ids) order.push_back(normalized_block_id(id));
  std::set<std::string> appended;
  for (const auto& key : order) {
    if (placed.contains(key) || !appended.insert(key).second) continue;
    const auto it = content.followed.find(key);
    if (it == content.followed.end()) continue;
    auto rest = to_github_markdown(it->second.markdown, opts);
    if (!rest.markdown.empty()) body.markdown += (body.markdown.empty() ? "" : "\n\n") + rest.markdown;
    for (auto& u : rest.unresolved_user_ids)
      if (std::find(body.unresolved_user_ids.begin(), body.unresolved_user_ids.end(), u) ==
          body.unresolved_user_ids.end())
        body.unresolved_user_ids.push_back(std::move(u));
    for (auto& p : rest.unresolved_page_ids)
      if (std::find(body.unresolved_page_ids.begin(), body.unresolved_page_ids.end(), p) ==
          body.unresolved_page_ids.end())
        body.unresolved_page_ids.push_back(std::move(p));
  }

  for (const auto& id : block_ids_to_follow(content)) body.missing_block_ids.push_back(id);
  bool truncated = content.page.truncated;
  for (const auto& [key, part] : content.followed) truncated = truncated || part.truncated;
  body.cut_short = truncated && !body.missing_block_ids.empty();
  // Ids left out but shown nowhere as an <unknown> line: say so once, at the end.
  std::set<std::string> shown(converted.unshown_block_ids.begin(), converted.unshown_block_ids.end());
  std::size_t silent = 0;
  for (const auto& id : body.missing_block_ids)
    if (!shown.contains(normalized_block_id(id))) ++silent;
  if (body.cut_short || silent) {
    std::string line = body.cut_short ? "*(Notion sent this page cut short; the rest is not shown here; "
                                      : "*(" + std::to_string(silent) +
                                            " Notion block(s) are not shown here; ";
    line += options.page_url.empty() ? std::string("open the page") : "[open the page](" + options.page_url + ")";
    body.markdown += (body.markdown.empty() ? "" : "\n\n") + line + ")*";
  }
  return body;
}

}  // namespace ngsync::notion
