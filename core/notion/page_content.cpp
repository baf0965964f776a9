// Reads a page's content for its issue body: one Markdown call when Notion sends the whole page,
// a bounded number more when it leaves blocks out or cuts the page.
#include "core/notion/page_content.hpp"

#include <mutex>

#include "core/log/logging.hpp"
#include "core/notion/gfm_converter.hpp"
#include "core/notion/page_markdown.hpp"

namespace ngsync::notion {

namespace net = boost::asio;

namespace {

// People's names by Notion user id, for mentions of users with no GitHub login in the mapping.
// Process-wide: a name is looked up once (a rename shows after a restart, as Notion's own
// mention text would only change when the page is edited).
struct name_cache {
  std::mutex mutex;
  std::map<std::string, person_names> people;  // by Notion user id
  std::map<std::string, std::string> titles;   // mentioned pages, by normalized id
};

// A page object's title: the plain text of its title property.
std::string title_of(const boost::json::value& page) {
  std::string out;
  const auto* o = page.if_object();
  const auto* props = o ? o->if_contains("properties") : nullptr;
  if (!props || !props->is_object()) return out;
  for (const auto& [name, prop] : props->as_object()) {
    const auto* p = prop.if_object();
    const auto* title = p ? p->if_contains("title") : nullptr;
    if (!title || !title->is_array()) continue;
    for (const auto& run : title->as_array())
      if (const auto* r = run.if_object())
        if (const auto* t = r->if_contains("plain_text"); t && t->is_string())
          out += t->as_string();
  }
  return out;
}
name_cache& names() {
  static name_cache cache;
  return cache;
}

// The page's Markdown with what Notion left out followed, within the per-page call bound.
net::awaitable<page_markdown> read_markdown(notion_port& notion_api, const std::string& page_id) {
  page_markdown content;
  content.page = co_await notion_api.get_page_markdown_part(page_id);
  int follow_calls = 0;
  for (auto ids = block_ids_to_follow(content);
       !ids.empty() && follow_calls < max_markdown_follow_calls;
       ids = block_ids_to_follow(content)) {
    for (const auto& id : ids) {
      if (follow_calls >= max_markdown_follow_calls) break;
      ++follow_calls;
      content.followed[normalized_block_id(id)] = co_await notion_api.get_page_markdown_part(id);
    }
  }
  co_return content;
}

// How the converter names people and pages: the users map first (keyed by Notion user id or by
// email, core/config: a mention carries the id; the email comes with a looked-up person), then
// the names and titles looked up before. `logins` must outlive the options.
gfm_options naming_options(const notion_page& page,
                           const std::map<std::string, std::string>& logins,
                           const std::map<std::string, std::string>& user_map) {
  gfm_options options;
  options.version = markdown_version::v2;  // what get_page_markdown_part pins
  options.page_url = page.url;
  options.github_login = [&logins, &user_map](std::string_view id) -> std::optional<std::string> {
    if (const auto it = logins.find(normalized_block_id(id)); it != logins.end()) return it->second;
    std::lock_guard lock(names().mutex);
    const auto known = names().people.find(std::string(id));
    if (known == names().people.end() || known->second.email.empty()) return std::nullopt;
    if (const auto it = user_map.find(known->second.email); it != user_map.end()) return it->second;
    return std::nullopt;
  };
  options.person_name = [](std::string_view id) -> std::optional<std::string> {
    std::lock_guard lock(names().mutex);
    const auto it = names().people.find(std::string(id));
    if (it == names().people.end() || it->second.name.empty()) return std::nullopt;
    return it->second.name;
  };
  options.page_title = [](std::string_view id) -> std::optional<std::string> {
    std::lock_guard lock(names().mutex);
    const auto it = names().titles.find(std::string(id));
    if (it == names().titles.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  return options;
}

bool title_known(const std::string& id) {
  std::lock_guard lock(names().mutex);
  return names().titles.contains(id);
}

bool person_known(const std::string& id) {
  std::lock_guard lock(names().mutex);
  return names().people.contains(id);  // looked up before, even when Notion had no name
}

// Mentioned pages Notion gave without a title: looked up once per process, a few per page.
// True when any was looked up.
net::awaitable<bool> look_up_titles(notion_port& notion_api, const std::string& page_id,
                                    const std::vector<std::string>& ids) {
  int calls = 0;
  for (const auto& id : ids) {
    if (title_known(id)) continue;
    if (calls++ >= max_markdown_follow_calls) break;
    std::string title;
    try {
      // Two statements: GCC 12 mishandles a co_await inside a call's argument list.
      const auto mentioned = co_await notion_api.get_page(id);
      title = title_of(mentioned);
    } catch (const std::exception& e) {
      // No access to the mentioned page (or it is gone): the link stays, titled "Notion page".
      log::get("sync")->info("page={} mentioned page {} has no readable title: {}", page_id, id,
                             e.what());
    }
    std::lock_guard lock(names().mutex);
    names().titles[id] = title;
  }
  co_return calls > 0;
}

// Mentioned people with no login in the users map and no name in the mention.
net::awaitable<void> look_up_people(notion_port& notion_api, const std::string& page_id,
                                    const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (person_known(id)) continue;
    person_names person;
    try {
      person = co_await notion_api.get_person(id);
    } catch (const std::exception& e) {
      // The mention stays "a Notion user"; the body is still written.
      log::get("sync")->warn("page={} could not name mentioned user {}: {}", page_id, id, e.what());
    }
    std::lock_guard lock(names().mutex);
    names().people[id] = person;
  }
}

}  // namespace

net::awaitable<std::string> read_page_content(notion_port& notion_api, const notion_page& page,
                                              const std::map<std::string, std::string>& user_map) {
  const auto content = co_await read_markdown(notion_api, page.id);
  std::map<std::string, std::string> logins;  // normalized Notion id -> GitHub login
  for (const auto& [key, login] : user_map) logins[normalized_block_id(key)] = login;
  const auto options = naming_options(page, logins, user_map);
  auto body = page_markdown_to_github(content, options);
  if (co_await look_up_titles(notion_api, page.id, body.unresolved_page_ids)) {
    body = page_markdown_to_github(content, options);
  }
  if (!body.unresolved_user_ids.empty()) {
    co_await look_up_people(notion_api, page.id, body.unresolved_user_ids);
    body = page_markdown_to_github(content, options);
  }
  if (!body.missing_block_ids.empty())
    log::get("sync")->info("page={} {} block(s) Notion left out are not followed (bound {} calls)",
                           page.id, body.missing_block_ids.size(), max_markdown_follow_calls);
  co_return std::move(body.markdown);
}

}  // namespace ngsync::notion
