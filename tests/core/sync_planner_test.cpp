// The planner's decision table, lifecycle side: creating, no-ops, every status transition, pages
// without an issue, create-intent recovery, and the page's own sync status. Pure values in, actions
// out. The field rules are in sync_planner_fields_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/sync/issue_body.hpp"
#include "core/sync/planner.hpp"
#include "tests/core/support/planner_world.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using namespace ngsync::test::planner;

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
