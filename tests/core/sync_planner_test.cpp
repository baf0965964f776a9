// The planner's decision table: every status transition, each field change alone, no-ops,
// errors, warnings, create-intent recovery and ownership rules. Pure values in, actions out.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/sync/issue_body.hpp"
#include "core/sync/planner.hpp"
#include "tests/core/support/page_values.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using ngsync::test::text_property;

namespace {

constexpr const char* page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
constexpr const char* now = "2026-11-25T10:00:00Z";

mapping_rules default_rules() {
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
std::vector<const T*> actions_of(const sync_plan& plan) {
  std::vector<const T*> out;
  for (const auto& a : plan.actions) {
    if (auto* p = std::get_if<T>(&a)) out.push_back(p);
  }
  return out;
}

template <class T>
const T& only(const sync_plan& plan) {
  auto list = actions_of<T>(plan);
  REQUIRE_MESSAGE(list.size() == 1, describe(plan));
  return *list.front();
}

// A linked state and the GitHub issue exactly as the last successful sync of `page` left them.
struct synced_world {
  link_state link;
  github::github_issue issue;
};

synced_world sync_once(const notion::notion_page& page, const mapping_rules& rules,
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
sync_plan replan(const notion::notion_page& page, const synced_world& w, const mapping_rules& rules,
                 std::string_view content = "Body text") {
  std::optional<github::github_issue> issue;
  if (needs_issue(page, content, w.link, rules)) issue = w.issue;
  return plan_page(page, content, w.link, issue, rules, now);
}

}  // namespace

TEST_CASE("a page before the create status stays off GitHub") {
  const auto rules = default_rules();
  for (const char* status : {"Backlog", "", "In progress", "Not started"}) {
    CAPTURE(status);
    const auto page = page_builder().status(status).build();
    CHECK_FALSE(needs_issue(page, "x", std::nullopt, rules));
    const auto plan = plan_page(page, "x", std::nullopt, std::nullopt, rules, now);
    CHECK(plan.empty());
    CHECK_FALSE(plan.desired);
  }
}

TEST_CASE("backlog -> ready for dev creates the issue with every field, then writes back") {
  const auto rules = default_rules();
  const auto page = page_builder().status("ready for dev ").build();  // case and spaces ignored
  const auto plan = plan_page(page, "Body text", std::nullopt, std::nullopt, rules, now);
  REQUIRE(plan.actions.size() == 2);
  const auto& c = std::get<create_issue_action>(plan.actions[0]);
  CHECK(c.repo == "acme/widgets");
  CHECK(c.title == "Fix the login page");
  CHECK(c.labels == std::vector<std::string>{"bug", "Frontend"});
  CHECK(c.assignees == std::vector<std::string>{"alice-gh"});
  CHECK(c.kind == issue_kind::issue);
  CHECK_FALSE(c.close_after_create);
  CHECK(c.body.find("Body text") != std::string::npos);
  CHECK(parse_markers(c.body).page_id == std::string(page_id));

  const auto& wb = std::get<write_back_action>(plan.actions[1]);
  CHECK(wb.use_created_issue);
  CHECK(wb.status == sync_status_value::success);
  CHECK(wb.last_sync_at == std::string(now));
  CHECK(wb.error_text == std::string());
  REQUIRE(plan.desired);
  CHECK(plan.synced_hash == hash_synced_fields(*plan.desired));
  CHECK(plan.sync_run_id == "dcdc805c85fa4155a55c20fc28771af7-20261125T0959");
}

TEST_CASE("no status property configured: every page creates") {
  auto rules = default_rules();
  rules.status_property.reset();
  const auto plan = plan_page(page_builder().status("Backlog").build(), "", std::nullopt,
                              std::nullopt, rules, now);
  CHECK(actions_of<create_issue_action>(plan).size() == 1);
}

TEST_CASE("an unchanged page costs nothing: same hash, written back -> no actions, no fetch") {
  const auto rules = default_rules();
  const auto page = page_builder().build();
  const auto w = sync_once(page, rules);
  const auto after = page_builder().written_back().edited("2026-11-25T10:01:00.000Z").build();
  CHECK_FALSE(needs_issue(after, "Body text", w.link, rules));
  const auto plan = plan_page(after, "Body text", w.link, std::nullopt, rules, now);
  CHECK_MESSAGE(plan.empty(), describe(plan));
}

TEST_CASE("same hash but the write-back never landed: only the write-back is planned") {
  const auto rules = default_rules();
  const auto page = page_builder().build();
  const auto w = sync_once(page, rules);
  const auto plan = plan_page(page, "Body text", w.link, std::nullopt, rules, now);
  REQUIRE(plan.actions.size() == 1);
  const auto& wb = std::get<write_back_action>(plan.actions[0]);
  CHECK(wb.issue_number == 42);
  CHECK(wb.issue_url == w.link.issue_url);
  CHECK(wb.status == sync_status_value::success);
}

TEST_CASE("status transitions on a linked issue") {
  const auto rules = default_rules();
  const auto w = sync_once(page_builder().build(), rules);

  SUBCASE("ready -> in progress: still open, nothing on GitHub") {
    const auto page = page_builder().status("In progress").written_back().build();
    CHECK_FALSE(needs_issue(page, "Body text", w.link, rules));
    CHECK(replan(page, w, rules).empty());
  }
  SUBCASE("-> complete closes as completed") {
    const auto page = page_builder().status("Complete").written_back().build();
    CHECK(needs_issue(page, "Body text", w.link, rules));
    const auto plan = replan(page, w, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.state);
    CHECK(u.state->state == github::issue_state::closed);
    CHECK(u.state->state_reason == "completed");
    CHECK_FALSE(u.title);
    CHECK_FALSE(u.body);
    CHECK_FALSE(u.labels);
    CHECK_FALSE(u.assignees);
    CHECK(only<write_back_action>(plan).last_sync_at == std::string(now));
  }
  SUBCASE("-> won't do closes as not planned") {
    const auto plan = replan(page_builder().status("Won't do").written_back().build(), w, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.state);
    CHECK(u.state->state_reason == "not_planned");
  }
  SUBCASE("complete -> active reopens") {
    auto closed = w;
    const auto done = page_builder().status("Complete").written_back().build();
    const auto close_plan = replan(done, closed, rules);
    closed.link.synced_hash = close_plan.synced_hash;
    closed.link.last_written = written_values_of(*close_plan.desired, now);
    closed.issue.state = github::issue_state::closed;
    closed.issue.state_reason = "completed";
    CHECK(replan(done, closed, rules).empty());

    for (const char* status : {"In progress", "Backlog", "Ready for Dev"}) {
      CAPTURE(status);
      const auto plan = replan(page_builder().status(status).written_back().build(), closed, rules);
      const auto& u = only<update_issue_action>(plan);
      REQUIRE(u.state);
      CHECK(u.state->state == github::issue_state::open);
      CHECK(u.state->state_reason == "reopened");
    }
  }
  SUBCASE(
      "complete -> won't do on a closed issue: no state change (reason only counts on change)") {
    auto closed = w;
    closed.issue.state = github::issue_state::closed;
    closed.issue.state_reason = "completed";
    closed.link.last_written->state = desired_state::closed_completed;
    const auto plan =
        replan(page_builder().status("Won't do").written_back().build(), closed, rules);
    CHECK(actions_of<update_issue_action>(plan).empty());
    CHECK_FALSE(plan.synced_hash.empty());  // the new hash is stored, so next time is a no-op
  }
  SUBCASE("trashed page closes as not planned, without writing to the trashed page") {
    const auto page = page_builder().written_back().trashed().build();
    const auto plan = replan(page, w, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.state);
    CHECK(u.state->state_reason == "not_planned");
    CHECK(actions_of<write_back_action>(plan).empty());
  }
  SUBCASE("trashed with close_on_trash off: nothing") {
    auto r = rules;
    r.close_on_trash = false;
    const auto page = page_builder().written_back().trashed().build();
    CHECK_FALSE(needs_issue(page, "Body text", w.link, r));
    CHECK(plan_page(page, "Body text", w.link, w.issue, r, now).empty());
  }
  SUBCASE("untrashed page reopens the issue closed by the trash") {
    auto trashed = w;
    const auto tp = page_builder().written_back().trashed().build();
    const auto close_plan = replan(tp, trashed, rules);
    trashed.link.synced_hash = close_plan.synced_hash;
    trashed.link.last_written = written_values_of(*close_plan.desired, now);
    trashed.issue.state = github::issue_state::closed;
    trashed.issue.state_reason = "not_planned";
    const auto plan = replan(page_builder().written_back().build(), trashed, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.state);
    CHECK(u.state->state == github::issue_state::open);
  }
}

TEST_CASE("pages that never had an issue: close statuses and trash") {
  auto rules = default_rules();
  SUBCASE("created directly in Complete: nothing by default") {
    CHECK(plan_page(page_builder().status("Complete").build(), "", std::nullopt, std::nullopt,
                    rules, now)
              .empty());
  }
  SUBCASE("created directly in Complete with create_when_first_seen_closed: create then close") {
    rules.create_when_first_seen_closed = true;
    const auto plan = plan_page(page_builder().status("Won't do").build(), "", std::nullopt,
                                std::nullopt, rules, now);
    const auto& c = only<create_issue_action>(plan);
    CHECK(c.close_after_create == close_reason::not_planned);
    REQUIRE(plan.desired);
    CHECK(plan.desired->state == desired_state::closed_not_planned);
  }
  SUBCASE("trashed without an issue: nothing") {
    CHECK(plan_page(page_builder().trashed().build(), "", std::nullopt, std::nullopt, rules, now)
              .empty());
  }
}

TEST_CASE("a page the link table does not know is enqueued only when a sync would act") {
  // Agrees with plan_page: where it plans nothing for an unlinked page, the poll skips it.
  auto rules = default_rules();
  const auto acts = [&](const notion::notion_page& p) {
    return !plan_page(p, "", std::nullopt, std::nullopt, rules, now).empty();
  };
  for (const auto* status : {"Backlog", "In Progress", "Complete", "Won't do"}) {
    CAPTURE(status);
    const auto page = page_builder().status(status).build();
    CHECK_FALSE(wants_sync_without_link(page, rules));
    CHECK_FALSE(acts(page));
  }
  CHECK(wants_sync_without_link(page_builder().build(), rules));  // Ready for Dev
  CHECK(acts(page_builder().build()));
  CHECK_FALSE(wants_sync_without_link(page_builder().trashed().build(), rules));
  rules.create_when_first_seen_closed = true;
  CHECK(wants_sync_without_link(page_builder().status("Complete").build(), rules));
  rules.create_when_first_seen_closed = false;
  // A page that carries an issue number or URL has a link to restore, whatever its status.
  CHECK(wants_sync_without_link(page_builder().status("Complete").written_back().build(), rules));
  CHECK(wants_sync_without_link(page_builder().status("Backlog").written_back().trashed().build(),
                                rules));
  auto url_only = page_builder().status("In Progress").build();
  url_only.properties["Issue URL"].text = "https://github.com/acme/widgets/issues/7";
  url_only.properties["Issue URL"].is_empty = false;
  CHECK(wants_sync_without_link(url_only, rules));
}

TEST_CASE("each field change alone updates only that field") {
  const auto rules = default_rules();
  const auto w = sync_once(page_builder().build(), rules);

  SUBCASE("title") {
    const auto plan =
        replan(page_builder().title("Fix the login page, again").written_back().build(), w, rules);
    const auto& u = only<update_issue_action>(plan);
    CHECK(u.title == std::string("Fix the login page, again"));
    CHECK_FALSE(u.body);
    CHECK_FALSE(u.labels);
    CHECK_FALSE(u.assignees);
    CHECK_FALSE(u.state);
  }
  SUBCASE("body") {
    const auto plan = replan(page_builder().written_back().build(), w, rules, "New body text");
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.body);
    CHECK(u.body->find("New body text") != std::string::npos);
    CHECK_FALSE(u.title);
    CHECK_FALSE(u.labels);
    CHECK_FALSE(u.state);
  }
  SUBCASE("labels (replaced as a whole set)") {
    const auto plan =
        replan(page_builder().tags({"bug", "Frontend", "p1"}).written_back().build(), w, rules);
    const auto& u = only<update_issue_action>(plan);
    CHECK(u.labels == std::vector<std::string>{"bug", "Frontend", "p1"});
    CHECK_FALSE(u.title);
    CHECK_FALSE(u.body);
  }
  SUBCASE("label order or case alone is no change") {
    const auto page = page_builder().tags({"frontend", "BUG"}).written_back().build();
    const auto plan = replan(page, w, rules);
    CHECK(actions_of<update_issue_action>(plan).empty());
  }
  SUBCASE("assignees") {
    const auto plan =
        replan(page_builder()
                   .people({{"user-alice", "Alice", ""}, {"user-bob", "Bob", "bob@example.com"}})
                   .written_back()
                   .build(),
               w, rules);
    const auto& u = only<update_issue_action>(plan);
    CHECK(u.assignees == std::vector<std::string>{"alice-gh", "bob-gh"});  // bob mapped by e-mail
    CHECK_FALSE(u.title);
    CHECK_FALSE(u.labels);
  }
  SUBCASE("a write-back property changing alone is no change") {
    auto page = page_builder().written_back().build();
    page.properties["Sync Error"].text = "";
    page.properties["Last Sync"].date = notion::date_value{"2026-11-25T10:00:00Z", {}, {}};
    CHECK_FALSE(needs_issue(page, "Body text", w.link, rules));
    CHECK(replan(page, w, rules).empty());
  }
}

TEST_CASE("human text in the issue body survives a body update") {
  const auto rules = default_rules();
  auto w = sync_once(page_builder().build(), rules);
  w.issue.body = "Repro steps from QA\n\n" + w.issue.body + "\n\n---\nSigned, a human";
  const auto plan = replan(page_builder().written_back().build(), w, rules, "Changed body");
  const auto& u = only<update_issue_action>(plan);
  REQUIRE(u.body);
  CHECK(u.body->starts_with("Repro steps from QA\n\n"));
  CHECK(u.body->ends_with("---\nSigned, a human"));
  CHECK(u.body->find("Changed body") != std::string::npos);
}

TEST_CASE("drift: a linked page whose hash changed is compared with GitHub, not with memory") {
  const auto rules = default_rules();
  auto w = sync_once(page_builder().build(), rules);
  // Someone renamed the issue on GitHub; Notion owns the title, so it is put back when the page
  // changes for another reason.
  w.issue.title = "Renamed on GitHub";
  const auto plan = replan(page_builder().tags({"bug"}).written_back().build(), w, rules);
  const auto& u = only<update_issue_action>(plan);
  CHECK(u.title == std::string("Fix the login page"));
  CHECK(u.labels == std::vector<std::string>{"bug"});
}

TEST_CASE("ownership: GitHub-owned fields and newer-wins status") {
  auto rules = default_rules();
  auto w = sync_once(page_builder().build(), rules);

  SUBCASE("labels owned by GitHub are not pushed after creation") {
    rules.ownership.labels = field_owner::github;
    const auto plan = replan(page_builder().tags({"other"}).written_back().build(), w, rules);
    CHECK(actions_of<update_issue_action>(plan).empty());
  }
  SUBCASE("issue closed on GitHub, Notion status unchanged: GitHub's close stands") {
    w.issue.state = github::issue_state::closed;
    w.issue.state_reason = "completed";
    // An unrelated Notion change (title) triggers a plan.
    const auto plan = replan(page_builder().title("New title").written_back().build(), w, rules);
    const auto& u = only<update_issue_action>(plan);
    CHECK(u.title);
    CHECK_FALSE(u.state);
  }
  SUBCASE("both changed since the last sync: the newer edit wins") {
    // Last sync closed the issue (Complete); since then GitHub reopened it at 12:00 and Notion
    // moved the page to Won't do.
    auto lw = *w.link.last_written;
    lw.state = desired_state::closed_completed;
    w.link.last_written = lw;
    w.issue.state = github::issue_state::open;
    w.issue.updated_at = "2026-11-25T12:00:00Z";

    // Notion's status still says what we last wrote: only GitHub changed, its reopen stands.
    const auto unchanged = page_builder()
                               .status("Complete")
                               .title("T2")
                               .edited("2026-11-25T12:05:00.000Z")
                               .written_back()
                               .build();
    CHECK_FALSE(only<update_issue_action>(replan(unchanged, w, rules)).state);

    // Notion changed later than GitHub: Notion wins.
    const auto newer =
        page_builder().status("Won't do").edited("2026-11-25T12:05:00.000Z").written_back().build();
    const auto p1 = replan(newer, w, rules);
    REQUIRE(only<update_issue_action>(p1).state);
    CHECK(only<update_issue_action>(p1).state->state_reason == "not_planned");

    // Notion changed earlier than GitHub: GitHub wins, no state change.
    const auto older =
        page_builder().status("Won't do").edited("2026-11-25T11:00:00.000Z").written_back().build();
    CHECK(actions_of<update_issue_action>(replan(older, w, rules)).empty());
  }
}

TEST_CASE("an unmapped person is skipped with a warning, the page still syncs") {
  const auto rules = default_rules();
  const auto page =
      page_builder()
          .people({{"user-alice", "Alice", ""}, {"user-carol", "Carol", "carol@example.com"}})
          .build();
  const auto plan = plan_page(page, "", std::nullopt, std::nullopt, rules, now);
  CHECK(only<create_issue_action>(plan).assignees == std::vector<std::string>{"alice-gh"});
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0].find("Carol (user-carol)") != std::string::npos);
  CHECK(actions_of<mark_error_action>(plan).empty());
}

TEST_CASE("a truncated people list is reported") {
  const auto rules = default_rules();
  auto page = page_builder().build();
  page.properties["Assignee"].truncated = true;
  const auto plan = plan_page(page, "", std::nullopt, std::nullopt, rules, now);
  CHECK(std::any_of(plan.warnings.begin(), plan.warnings.end(), [](const std::string& w) {
    return w.find("25 or more") != std::string::npos;
  }));
}

TEST_CASE("repository from the page property, normalised; bad names are a page error") {
  const auto rules = default_rules();
  SUBCASE("valid, any case and spacing, or a pasted URL") {
    for (const char* text :
         {" Other-Org/Repo.js ", "https://github.com/other-org/repo.js", "other-org/REPO.js.git"}) {
      CAPTURE(text);
      const auto plan =
          plan_page(page_builder().repo(text).build(), "", std::nullopt, std::nullopt, rules, now);
      CHECK(only<create_issue_action>(plan).repo == "other-org/repo.js");
    }
  }
  SUBCASE("invalid: error on the page, no GitHub call, and not rewritten when already shown") {
    const auto page = page_builder().repo("not a repo").build();
    const auto plan = plan_page(page, "", std::nullopt, std::nullopt, rules, now);
    CHECK(actions_of<create_issue_action>(plan).empty());
    const auto& e = only<mark_error_action>(plan);
    CHECK(e.message.find("not a repo") != std::string::npos);
    const auto& wb = only<write_back_action>(plan);
    CHECK(wb.status == sync_status_value::error);
    CHECK(wb.error_text == e.message);
    CHECK_FALSE(plan.desired);

    auto shown = page;
    shown.properties["Sync Status"].text = "Error";
    shown.properties["Sync Error"].text = e.message;
    shown.properties["Sync Error"].is_empty = false;
    const auto again = plan_page(shown, "", std::nullopt, std::nullopt, rules, now);
    CHECK(actions_of<write_back_action>(again).empty());
    CHECK(actions_of<mark_error_action>(again).size() == 1);

    // Fixed by the user: created, and the error is cleared.
    auto fixed = shown;
    fixed.properties["GitHub Repository"].text = "acme/widgets";
    const auto ok = plan_page(fixed, "", std::nullopt, std::nullopt, rules, now);
    CHECK(actions_of<create_issue_action>(ok).size() == 1);
    CHECK(only<write_back_action>(ok).error_text == std::string());
  }
  SUBCASE("GitHub Enterprise Server: a URL on its web host creates; a github.com URL is an error") {
    auto r = rules;
    r.github_web_host = "ghe.example.com";
    auto plan = plan_page(page_builder().repo("https://ghe.example.com/Other-Org/repo.js").build(),
                          "", std::nullopt, std::nullopt, r, now);
    CHECK(only<create_issue_action>(plan).repo == "other-org/repo.js");
    plan = plan_page(page_builder().repo("https://github.com/other-org/repo.js").build(), "",
                     std::nullopt, std::nullopt, r, now);
    CHECK(actions_of<create_issue_action>(plan).empty());
    CHECK(only<mark_error_action>(plan).message.find("the GitHub synced here is ghe.example.com") !=
          std::string::npos);
  }
  SUBCASE("no repository at all") {
    auto r = rules;
    r.fixed_repository.reset();
    const auto plan = plan_page(page_builder().build(), "", std::nullopt, std::nullopt, r, now);
    CHECK(only<mark_error_action>(plan).message.find("GitHub Repository") != std::string::npos);
  }
  SUBCASE("a linked issue stays in its repo when the property changes, with a warning") {
    const auto w = sync_once(page_builder().build(), rules);
    const auto plan =
        replan(page_builder().repo("acme/elsewhere").written_back().build(), w, rules);
    CHECK(actions_of<update_issue_action>(plan).empty());
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0].find("stays in acme/widgets") != std::string::npos);
  }
}

TEST_CASE("a page with no title is an error when creating, a warning when linked") {
  const auto rules = default_rules();
  const auto plan =
      plan_page(page_builder().title("   ").build(), "", std::nullopt, std::nullopt, rules, now);
  CHECK(only<mark_error_action>(plan).message == "the page has no title");
  CHECK(actions_of<create_issue_action>(plan).empty());

  const auto w = sync_once(page_builder().build(), rules);
  const auto linked =
      replan(page_builder().title("").status("Complete").written_back().build(), w, rules);
  const auto& u = only<update_issue_action>(linked);
  CHECK_FALSE(u.title);
  CHECK(u.state);
  CHECK(actions_of<mark_error_action>(linked).empty());
}

TEST_CASE("body sync off: the body holds only link and markers, content changes are no-ops") {
  auto rules = default_rules();
  rules.sync_body = false;
  const auto plan =
      plan_page(page_builder().build(), "Private notes", std::nullopt, std::nullopt, rules, now);
  const auto& c = only<create_issue_action>(plan);
  CHECK(c.body.find("Private notes") == std::string::npos);
  CHECK(parse_markers(c.body).page_id == std::string(page_id));

  const auto w = sync_once(page_builder().build(), rules, "Private notes");
  const auto page = page_builder().written_back().build();
  CHECK_FALSE(needs_issue(page, "Other private notes", w.link, rules));
}

TEST_CASE("a create intent without a number looks for the marker before creating") {
  const auto rules = default_rules();
  link_state link;
  link.repo = "acme/widgets";
  link.create_intent = true;
  link.create_intent_at = "2026-11-25T09:59:30Z";

  const auto plan = plan_page(page_builder().build(), "Body", link, std::nullopt, rules, now);
  const auto& f = only<find_issue_by_marker_action>(plan);
  CHECK(f.repo == "acme/widgets");
  CHECK(f.page_id == page_id);
  CHECK(f.since == "2026-11-25T09:59:30Z");
  REQUIRE(f.create_if_missing);
  CHECK(f.create_if_missing->title == "Fix the login page");
  CHECK(actions_of<create_issue_action>(plan).empty());
  CHECK(plan.synced_hash.empty());  // the executor plans again after the lookup

  SUBCASE("the page went back to Backlog meanwhile: look, but do not create") {
    const auto back =
        plan_page(page_builder().status("Backlog").build(), "Body", link, std::nullopt, rules, now);
    CHECK_FALSE(only<find_issue_by_marker_action>(back).create_if_missing);
  }
  SUBCASE("adopted: with the number saved, the plan updates what differs") {
    link.issue_number = 7;
    link.create_intent = false;
    github::github_issue found;
    found.number = 7;
    found.html_url = "https://github.com/acme/widgets/issues/7";
    found.title = "Fix the login page";
    found.body = f.create_if_missing->body;
    found.labels = {"bug", "Frontend"};
    found.assignees = {"alice-gh"};
    const auto page = page_builder().build();
    REQUIRE(needs_issue(page, "Body", link, rules));
    const auto adopted = plan_page(page, "Body", link, found, rules, now);
    CHECK(actions_of<update_issue_action>(adopted).empty());
    const auto& wb = only<write_back_action>(adopted);
    CHECK(wb.issue_number == 7);
    CHECK(wb.issue_url == found.html_url);
    CHECK_FALSE(adopted.synced_hash.empty());
  }
}

TEST_CASE("plan_page without the needed issue asks for it instead of guessing") {
  const auto rules = default_rules();
  const auto w = sync_once(page_builder().build(), rules);
  const auto plan =
      plan_page(page_builder().title("X").build(), "Body text", w.link, std::nullopt, rules, now);
  const auto& f = only<fetch_issue_action>(plan);
  CHECK(f.number == 42);
  CHECK(f.repo == "acme/widgets");
  CHECK(plan.actions.size() == 1);
}

TEST_CASE("draft PR kind is carried into create and hash") {
  auto rules = default_rules();
  rules.create_kind = issue_kind::draft_pr;
  const auto plan = plan_page(page_builder().build(), "", std::nullopt, std::nullopt, rules, now);
  CHECK(only<create_issue_action>(plan).kind == issue_kind::draft_pr);
  const auto issue_plan =
      plan_page(page_builder().build(), "", std::nullopt, std::nullopt, default_rules(), now);
  CHECK(plan.synced_hash != issue_plan.synced_hash);
  CHECK(describe(plan).find("create draft_pr in acme/widgets") != std::string::npos);
}

TEST_CASE("write-back properties missing from the page are skipped with a warning") {
  const auto rules = default_rules();
  auto page = page_builder().build();
  page.properties.erase("Issue URL");
  const auto plan = plan_page(page, "", std::nullopt, std::nullopt, rules, now);
  CHECK(std::any_of(plan.warnings.begin(), plan.warnings.end(), [](const std::string& w) {
    return w.find("\"Issue URL\"") != std::string::npos;
  }));
  CHECK(only<write_back_action>(plan).use_created_issue);
}

TEST_CASE("no write-back properties configured: the plan has only GitHub actions") {
  auto rules = default_rules();
  rules.write_back = {};
  const auto plan = plan_page(page_builder().build(), "", std::nullopt, std::nullopt, rules, now);
  CHECK(plan.actions.size() == 1);
  CHECK(actions_of<create_issue_action>(plan).size() == 1);
}

TEST_CASE("classify_status reads create, close, active and trash") {
  const auto rules = default_rules();
  CHECK(classify_status(page_builder().status("Backlog").build(), rules, false).cls ==
        status_class::before_create);
  CHECK(classify_status(page_builder().status("Backlog").build(), rules, true).cls ==
        status_class::active);
  CHECK(classify_status(page_builder().status("READY FOR DEV").build(), rules, false).cls ==
        status_class::create);
  const auto c = classify_status(page_builder().status("won't do").build(), rules, true);
  CHECK(c.cls == status_class::closing);
  CHECK(c.reason == close_reason::not_planned);
  CHECK(classify_status(page_builder().status("Complete").trashed().build(), rules, true).cls ==
        status_class::trashed);
}

TEST_CASE("page moved back to active after GitHub's close was mirrored reopens the issue") {
  // Chaos bug 5: the issue is closed on GitHub; the mirror sets the page to Complete and records
  // `closed_completed` as written, leaving the hash alone. A person then moves the page back to
  // its earlier status: the desired fields hash to the stored hash again, yet GitHub is closed.
  const auto rules = default_rules();
  auto w = sync_once(page_builder().build(), rules);
  w.issue.state = github::issue_state::closed;
  w.issue.state_reason = "completed";
  w.issue.updated_at = "2026-11-25T10:01:00Z";
  auto lw = *w.link.last_written;
  lw.state = desired_state::closed_completed;  // what the mirror records
  w.link.last_written = lw;

  SUBCASE("the mirrored page itself (Complete) agrees with GitHub: no update") {
    const auto mirrored = page_builder().status("Complete").written_back().build();
    const auto plan = replan(mirrored, w, rules);
    CHECK(actions_of<update_issue_action>(plan).empty());
    REQUIRE(plan.desired);
    CHECK(plan.desired->state == desired_state::closed_completed);
  }
  SUBCASE("moved back to Ready for Dev: fetched and reopened") {
    const auto back = page_builder()
                          .status("Ready for Dev")
                          .edited("2026-11-25T10:05:00.000Z")
                          .written_back()
                          .build();
    CHECK(needs_issue(back, "Body text", w.link, rules));
    const auto plan = replan(back, w, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.state);
    CHECK(u.state->state == github::issue_state::open);
    CHECK_FALSE(u.title);
    REQUIRE(plan.desired);
    CHECK(written_values_of(*plan.desired, now).state == desired_state::open);
  }
  SUBCASE("a title mirrored from GitHub, then reverted in Notion, is pushed again") {
    auto lw2 = *w.link.last_written;
    lw2.state = desired_state::open;
    lw2.title = "Retitled on GitHub";
    w.link.last_written = lw2;
    w.issue.state = github::issue_state::open;
    w.issue.title = "Retitled on GitHub";
    const auto reverted = page_builder()
                              .status("Ready for Dev")
                              .edited("2026-11-25T10:05:00.000Z")
                              .written_back()
                              .build();
    const auto plan = replan(reverted, w, rules);
    const auto& u = only<update_issue_action>(plan);
    REQUIRE(u.title);
    CHECK(*u.title == "Fix the login page");
  }
}

TEST_CASE("a page left showing Pending and a retry notice gets Success and an empty error") {
  // While a job retries, the page shows Pending and "GitHub answered 503; retrying at ..."
  // (page_notice). The sync that then succeeds decides from what the page shows.
  const auto rules = default_rules();
  auto pending = page_builder().build();
  pending.properties["Sync Status"] = text_property(notion::property_type::select, "Pending");
  pending.properties["Sync Error"] =
      text_property(notion::property_type::rich_text, "GitHub answered 503; retrying at 14:02 UTC");
  // The create itself (no link yet).
  auto plan = plan_page(pending, "Body text", std::nullopt, std::nullopt, rules, now);
  auto wbs = actions_of<write_back_action>(plan);
  REQUIRE(wbs.size() == 1);
  CHECK(wbs[0]->status == sync_status_value::success);
  CHECK(wbs[0]->error_text == std::string());

  // Linked and otherwise written back: only the Pending and the notice make it stale.
  const auto w = sync_once(page_builder().build(), rules);
  auto linked = page_builder().written_back().build();
  linked.properties["Sync Status"] = text_property(notion::property_type::select, "Pending");
  linked.properties["Sync Error"] = text_property(
      notion::property_type::rich_text, "waiting for GitHub's rate limit since 13:58 UTC");
  plan = plan_page(linked, "Body text", w.link, std::nullopt, rules, now);
  wbs = actions_of<write_back_action>(plan);
  REQUIRE_MESSAGE(wbs.size() == 1, describe(plan));
  CHECK(wbs[0]->status == sync_status_value::success);
  CHECK(wbs[0]->error_text == std::string());
  // The same page showing Success and no error needs nothing.
  CHECK(plan_page(page_builder().written_back().build(), "Body text", w.link, std::nullopt, rules,
                  now)
            .empty());
}
