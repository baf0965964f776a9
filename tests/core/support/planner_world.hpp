#pragma once
// The planner tests' world (sync_planner_test.cpp, sync_planner_fields_test.cpp): a mapping with
// every rule set, a page builder, one sync's outcome (synced_world) and a replan the way the
// executor does it.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/sync/planner.hpp"
#include "tests/core/support/page_values.hpp"

namespace ngsync::test::planner {

using namespace ngsync::sync;
using ngsync::test::text_property;

inline constexpr const char* page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
inline constexpr const char* now = "2026-11-25T10:00:00Z";

inline mapping_rules default_rules() {
  mapping_rules r;
  r.name = "tasks";
  r.title_property = "Name";
  r.status_property = "Status";
  r.labels_property = "Tags";
  r.assignees_property = "Assignee";
  r.repository_property = "GitHub Repository";
  r.fixed_repository = "Acme/Widgets";
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed},
                      {"Won't do", close_reason::not_planned}};
  r.user_map = {{"user-alice", "alice-gh"}, {"bob@example.com", "bob-gh"}};
  r.write_back.issue_number = "Issue";
  r.write_back.issue_url = "Issue URL";
  r.write_back.sync_status = "Sync Status";
  r.write_back.last_sync_at = "Last Sync";
  r.write_back.sync_error = "Sync Error";
  return r;
}

struct page_builder {
  notion::notion_page page;
  page_builder() {
    page.id = page_id;
    page.url = "https://www.notion.so/Task-dcdc805c85fa4155a55c20fc28771af7";
    page.created_time = "2026-11-20T09:00:00.000Z";
    page.last_edited_time = "2026-11-25T09:59:00.000Z";
    page.properties["Name"] = text_property(notion::property_type::title, "Fix the login page");
    page.properties["Status"] = text_property(notion::property_type::status, "Ready for Dev");
    notion::property_value tags;
    tags.type = notion::property_type::multi_select;
    tags.names = {"bug", "Frontend"};
    page.properties["Tags"] = tags;
    notion::property_value people;
    people.type = notion::property_type::people;
    people.people = {{"user-alice", "Alice", ""}};
    page.properties["Assignee"] = people;
    page.properties["GitHub Repository"] = text_property(notion::property_type::rich_text, "");
    notion::property_value number;
    number.type = notion::property_type::number;
    number.is_empty = true;
    page.properties["Issue"] = number;
    page.properties["Issue URL"] = text_property(notion::property_type::url, "");
    page.properties["Sync Status"] = text_property(notion::property_type::select, "");
    notion::property_value date;
    date.type = notion::property_type::date;
    date.is_empty = true;
    page.properties["Last Sync"] = date;
    page.properties["Sync Error"] = text_property(notion::property_type::rich_text, "");
  }
  page_builder& status(std::string s) {
    page.properties["Status"].text = std::move(s);
    return *this;
  }
  page_builder& title(std::string s) {
    page.properties["Name"].text = std::move(s);
    return *this;
  }
  page_builder& tags(std::vector<std::string> t) {
    page.properties["Tags"].names = std::move(t);
    return *this;
  }
  page_builder& people(std::vector<notion::notion_user> p) {
    page.properties["Assignee"].people = std::move(p);
    return *this;
  }
  page_builder& repo(std::string r) {
    page.properties["GitHub Repository"].text = std::move(r);
    return *this;
  }
  page_builder& trashed(bool t = true) {
    page.in_trash = t;
    return *this;
  }
  page_builder& edited(std::string t) {
    page.last_edited_time = std::move(t);
    return *this;
  }
  // The page as it reads after a successful write-back of issue 42.
  page_builder& written_back(std::int64_t number = 42) {
    page.properties["Issue"].number = static_cast<double>(number);
    page.properties["Issue"].is_empty = false;
    page.properties["Issue URL"].text =
        "https://github.com/acme/widgets/issues/" + std::to_string(number);
    page.properties["Sync Status"].text = "Success";
    return *this;
  }
  notion::notion_page build() const { return page; }
};

template <class T>
inline std::vector<const T*> actions_of(const sync_plan& plan) {
  std::vector<const T*> out;
  for (const auto& a : plan.actions) {
    if (auto* p = std::get_if<T>(&a)) out.push_back(p);
  }
  return out;
}

template <class T>
inline const T& only(const sync_plan& plan) {
  auto list = actions_of<T>(plan);
  REQUIRE_MESSAGE(list.size() == 1, describe(plan));
  return *list.front();
}

// A linked state and the GitHub issue exactly as the last successful sync of `page` left them.
struct synced_world {
  link_state link;
  github::github_issue issue;
};

inline synced_world sync_once(const notion::notion_page& page, const mapping_rules& rules,
                              std::string_view content = "Body text") {
  const auto plan = plan_page(page, content, std::nullopt, std::nullopt, rules, now);
  const auto& create = only<create_issue_action>(plan);
  REQUIRE(plan.desired);
  synced_world w;
  w.link.repo = create.repo;
  w.link.issue_number = 42;
  w.link.issue_url = "https://github.com/acme/widgets/issues/42";
  w.link.synced_hash = plan.synced_hash;
  w.link.last_written = written_values_of(*plan.desired, now);
  w.issue.number = 42;
  w.issue.html_url = w.link.issue_url;
  w.issue.title = create.title;
  w.issue.body = create.body;
  w.issue.labels = create.labels;
  w.issue.assignees = create.assignees;
  w.issue.updated_at = "2026-11-25T10:00:05Z";
  if (create.close_after_create) {
    w.issue.state = github::issue_state::closed;
    w.issue.state_reason = to_string(*create.close_after_create);
  }
  return w;
}

// Plans a linked page the way the executor does: two phases.
inline sync_plan replan(const notion::notion_page& page, const synced_world& w,
                        const mapping_rules& rules, std::string_view content = "Body text") {
  std::optional<github::github_issue> issue;
  if (needs_issue(page, content, w.link, rules)) issue = w.issue;
  return plan_page(page, content, w.link, issue, rules, now);
}

}  // namespace ngsync::test::planner
