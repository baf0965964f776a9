// The planner's decision table, field side: each field change alone, the issue body, drift,
// ownership rules, people, repository, title, draft PRs and write-back properties, with their
// warnings and errors. Pure values in, actions out.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/sync/issue_body.hpp"
#include "core/sync/planner.hpp"
#include "tests/core/support/planner_world.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using namespace ngsync::test::planner;

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
