// One page's sync job step by step (core/sync/page_sync_steps.hpp): the order of the steps that
// carry out a plan, what each answer changes, and the create-exactly-once path: the recovery scan,
// the intent before the POST, the number recorded with the in-sync state, an unknown outcome
// adopted by the marker, a page trashed during the write-back.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/sync/page_sync_steps.hpp"
#include "tests/core/support/page_values.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using ngsync::test::text_property;
using namespace std::chrono_literals;

namespace {

constexpr const char* page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
constexpr wall_time read_at = wall_time{} + 500'000h;
constexpr wall_time now = read_at + 2s;

mapping_rules rules_of() {
  mapping_rules r;
  r.name = "tasks";
  r.title_property = "Name";
  r.status_property = "Status";
  r.fixed_repository = "acme/roadmap";
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed}};
  r.write_back.issue_number = "Issue";
  r.write_back.issue_url = "Issue URL";
  r.write_back.sync_status = "Sync Status";
  r.write_back.sync_error = "Sync Error";
  return r;
}

notion::notion_page page_in(const std::string& status, const std::string& title = "Fix login") {
  notion::notion_page p;
  p.id = page_id;
  p.url = "https://www.notion.so/Fix-login-dcdc805c85fa4155a55c20fc28771af7";
  p.created_time = "2026-11-20T09:00:00.000Z";
  p.last_edited_time = "2026-11-25T09:59:00.000Z";
  p.properties["Name"] = text_property(notion::property_type::title, title);
  p.properties["Status"] = text_property(notion::property_type::status, status);
  notion::property_value number;
  number.type = notion::property_type::number;
  number.is_empty = true;
  p.properties["Issue"] = number;
  p.properties["Issue URL"] = text_property(notion::property_type::url, "");
  p.properties["Sync Status"] = text_property(notion::property_type::select, "");
  p.properties["Sync Error"] = text_property(notion::property_type::rich_text, "");
  return p;
}

github::github_issue issue_numbered(std::int64_t n, const std::string& title = "Fix login") {
  github::github_issue i;
  i.number = n;
  i.node_id = "I_node" + std::to_string(n);
  i.html_url = "https://github.com/acme/roadmap/issues/" + std::to_string(n);
  i.title = title;
  i.body = "";
  i.state = github::issue_state::open;
  i.user_login = "ngsync-bot";
  return i;
}

link_reading link_to(std::int64_t n, link_status status = link_status::in_sync) {
  link_reading l;
  l.state.repo = "acme/roadmap";
  l.state.issue_number = n;
  l.state.issue_url = "https://github.com/acme/roadmap/issues/" + std::to_string(n);
  l.status = status;
  return l;
}

link_reading intent_only() {
  link_reading l;
  l.state.repo = "acme/roadmap";
  l.state.create_intent = true;
  l.state.create_intent_at = "2026-11-25T09:58:00Z";
  l.status = link_status::pending;
  return l;
}

page_reading reading_of(notion::notion_page page, std::optional<link_reading> link = {}) {
  return {std::move(page), "", std::move(link), read_at};
}

// Drives a job to its end: each step is answered by `answer` when it handles it (returns true),
// else as a plain success would be (the issue created as #42, nothing found, no extras error).
struct driver {
  page_sync_steps& job;
  std::function<bool(const page_step&)> answer = [](const page_step&) { return false; };
  std::vector<std::string> names;
  std::vector<page_step> steps;

  job_done run() {
    for (int i = 0; i < 40; ++i) {
      auto step = job.next(now);
      names.emplace_back(step_name(step));
      steps.push_back(step);
      if (const auto* done = std::get_if<job_done>(&step)) return *done;
      if (std::holds_alternative<give_up_step>(step)) return {};
      if (answer(step)) continue;
      if (std::holds_alternative<read_issue_step>(step)) {
        job.issue_read(issue_numbered(std::get<read_issue_step>(step).number));
      } else if (std::holds_alternative<find_own_issue_step>(step)) {
        job.marker_search_ended(std::nullopt, std::nullopt);
      } else if (std::holds_alternative<scan_lost_links_step>(step)) {
        job.links_scanned(std::nullopt);
      } else if (std::holds_alternative<open_issue_step>(step)) {
        job.issue_opened(issue_numbered(42));
      } else if (std::holds_alternative<update_issue_step>(step)) {
        job.issue_updated(issue_numbered(42));
      } else if (std::holds_alternative<run_extras_step>(step)) {
        job.extras_done(std::nullopt);
      } else if (std::holds_alternative<write_back_step>(step)) {
        job.written_back("2026-11-25T10:00:00.000Z");
      } else if (std::holds_alternative<read_content_step>(step)) {
        job.content_read("");
      } else {
        job.carried_out();
      }
    }
    FAIL("the job did not end");
    return {};
  }
  template <class Step>
  const Step& first() const {
    for (const auto& s : steps) {
      if (const auto* found = std::get_if<Step>(&s)) return *found;
    }
    FAIL("no such step");
    throw std::logic_error("unreachable");
  }
};

using names = std::vector<std::string>;

// The page as it reads after a first job created #42 and wrote it back, with that job's record on
// its link: a job now has nothing to do.
page_reading after_first_create(const mapping_rules& rules) {
  page_sync_steps first(reading_of(page_in("Ready for Dev")), rules, {});
  driver d{first};
  d.run();
  auto link = link_to(42);
  link.state.synced_hash = d.first<mark_in_sync_step>().record.synced_hash;
  link.synced_hash = link.state.synced_hash;
  auto page = page_in("Ready for Dev");
  page.properties["Issue"].is_empty = false;
  page.properties["Issue"].number = 42;
  page.properties["Issue URL"] =
      text_property(notion::property_type::url, "https://github.com/acme/roadmap/issues/42");
  page.properties["Sync Status"] = text_property(notion::property_type::select, "Success");
  return reading_of(page, link);
}

}  // namespace

TEST_CASE("page sync steps: a first create records its intent before the POST, once") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {});
  driver d{job};
  CHECK(d.run().end == page_job_end::synced);
  CHECK(d.names == names{"plan_made", "scan_lost_links", "record_intent", "open_issue",
                         "write_back", "mark_in_sync", "job_done"});
  CHECK(d.first<record_intent_step>().repo == "acme/roadmap");
  CHECK(d.first<record_intent_step>().at == now);
  CHECK(d.first<open_issue_step>().create.title == "Fix login");
  // The number goes to Notion and, with the in-sync state, to the link (one row rewrite).
  const auto& props = d.first<write_back_step>().properties;
  CHECK(props.at("Issue").at("number").as_int64() == 42);
  const auto& in_sync = d.first<mark_in_sync_step>();
  REQUIRE(in_sync.created);
  CHECK(in_sync.created->number == 42);
  CHECK(in_sync.created->html_url == "https://github.com/acme/roadmap/issues/42");
  CHECK(in_sync.record.notion_last_edited == "2026-11-25T10:00:00.000Z");  // Notion's answer
  CHECK(in_sync.record.synced_at == read_at);  // verified as of the read, never later
  CHECK_FALSE(job.unrecorded());
}

TEST_CASE("page sync steps: until the in-sync record, the created issue waits to be recorded") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {});
  CHECK(step_name(job.next(now)) == std::string("plan_made"));
  job.carried_out();
  CHECK(step_name(job.next(now)) == std::string("scan_lost_links"));
  job.links_scanned(std::nullopt);
  CHECK(step_name(job.next(now)) == std::string("record_intent"));
  job.carried_out();
  CHECK(step_name(job.next(now)) == std::string("open_issue"));
  job.issue_opened(issue_numbered(42));
  // The job stops here (the write-back fails): the engine records #42 on its way out.
  REQUIRE(job.unrecorded());
  CHECK(job.unrecorded()->number == 42);
  CHECK(step_name(job.next(now)) == std::string("write_back"));
  job.written_back(std::nullopt);
  CHECK(step_name(job.next(now)) == std::string("mark_in_sync"));
  CHECK(job.unrecorded());  // not yet confirmed
  job.carried_out();
  CHECK_FALSE(job.unrecorded());
}

TEST_CASE(
    "page sync steps: with extras, the number is recorded at once and the extras run "
    "before the write-back") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {true, "ngsync-bot"});
  driver d{job};
  CHECK(d.run().end == page_job_end::synced);
  CHECK(d.names == names{"plan_made", "scan_lost_links", "record_intent", "open_issue",
                         "record_created", "run_extras", "write_back", "mark_in_sync", "job_done"});
  CHECK(d.first<run_extras_step>().issue.number == 42);
  CHECK_FALSE(d.first<mark_in_sync_step>().created);
}

TEST_CASE("page sync steps: an extras error replaces Success, and the link and page say it") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {true, "ngsync-bot"});
  driver d{job};
  d.answer = [&job](const page_step& s) {
    if (!std::holds_alternative<run_extras_step>(s)) return false;
    job.extras_done("milestone 'Q9' does not exist in acme/roadmap");
    return true;
  };
  CHECK(d.run().end == page_job_end::extras_error);
  const auto& props = d.first<write_back_step>().properties;
  CHECK(props.at("Issue").at("number").as_int64() == 42);  // the number is still written
  CHECK(props.at("Sync Status").at("select").at("name").as_string() == "Error");
  const auto& reported = d.first<report_extras_error_step>();
  CHECK(reported.error == "milestone 'Q9' does not exist in acme/roadmap");
  CHECK_FALSE(reported.show_on_page);  // shown with the write-back already
}

TEST_CASE("page sync steps: the recovery scan re-links the page instead of creating") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {false, "ngsync-bot"});
  driver d{job};
  d.answer = [&job](const page_step& s) {
    if (!std::holds_alternative<scan_lost_links_step>(s)) return false;
    auto relinked = link_to(7, link_status::pending);
    job.links_scanned(relinked);
    return true;
  };
  d.run();
  CHECK(std::count(d.names.begin(), d.names.end(), "open_issue") == 0);
  CHECK(std::count(d.names.begin(), d.names.end(), "record_intent") == 0);
  // Planned again against the re-linked issue: the plan asks to read it, then compares.
  CHECK(d.first<read_issue_step>().number == 7);
  CHECK(std::count(d.names.begin(), d.names.end(), "plan_made") == 3);
}

TEST_CASE("page sync steps: an unknown outcome is looked for by its marker before creating") {
  const auto rules = rules_of();
  SUBCASE("found: adopted, recorded, planned with it") {
    page_sync_steps job(reading_of(page_in("Ready for Dev"), intent_only()), rules,
                        {false, "ngsync-bot"});
    driver d{job};
    d.answer = [&job](const page_step& s) {
      if (!std::holds_alternative<find_own_issue_step>(s)) return false;
      job.marker_search_ended(issue_numbered(9), std::nullopt);
      return true;
    };
    d.run();
    CHECK(d.first<find_own_issue_step>().since == "2026-11-25T09:53:00.000Z");  // 5 min before
    CHECK(d.names[0] == "plan_made");
    CHECK(d.names[1] == "find_own_issue");
    CHECK(d.names[2] == "record_created");
    CHECK(d.first<record_created_step>().issue.number == 9);
    CHECK(std::count(d.names.begin(), d.names.end(), "open_issue") == 0);
    CHECK(d.first<write_back_step>().properties.at("Issue").at("number").as_int64() == 9);
  }
  SUBCASE("not found: the intent is forgotten and a fresh create planned") {
    page_sync_steps job(reading_of(page_in("Ready for Dev"), intent_only()), rules,
                        {false, "ngsync-bot"});
    driver d{job};
    d.run();
    CHECK(d.names == names{"plan_made", "find_own_issue", "plan_made", "scan_lost_links",
                           "record_intent", "open_issue", "write_back", "mark_in_sync",
                           "job_done"});
  }
  SUBCASE("only a copy, and the daemon's identity unknown: neither adopted nor created") {
    page_sync_steps job(reading_of(page_in("Ready for Dev"), intent_only()), rules, {});
    driver d{job};
    d.answer = [&job](const page_step& s) {
      if (!std::holds_alternative<find_own_issue_step>(s)) return false;
      job.marker_search_ended(std::nullopt, 11);
      return true;
    };
    d.run();
    CHECK(d.names.back() == "give_up");
    CHECK(d.first<give_up_step>().why.find("acme/roadmap#11 carries this page's marker") == 0);
    CHECK(std::count(d.names.begin(), d.names.end(), "open_issue") == 0);
  }
}

TEST_CASE("page sync steps: an unchanged page costs no write and settles its link") {
  const auto rules = rules_of();
  const auto reading = after_first_create(rules);
  page_sync_steps again(reading, rules, {});
  driver d2{again};
  CHECK(d2.run().end == page_job_end::unchanged);
  CHECK(d2.names == names{"plan_made", "mark_verified", "job_done"});
  CHECK(d2.first<mark_verified_step>().record.synced_hash == reading.link->synced_hash);
}

TEST_CASE("page sync steps: a page error is recorded on the link, never a job failure") {
  const auto rules = rules_of();
  page_sync_steps job(reading_of(page_in("Ready for Dev", "")), rules, {});
  driver d{job};
  CHECK(d.run().end == page_job_end::page_error);
  const auto& marked = d.first<mark_error_step>();
  CHECK_FALSE(marked.link_exists);  // the row is made with the error
  CHECK(std::count(d.names.begin(), d.names.end(), "open_issue") == 0);
  CHECK(std::count(d.names.begin(), d.names.end(), "mark_in_sync") == 0);
}

TEST_CASE("page sync steps: a page trashed during the write-back is read again and replanned") {
  const auto rules = [] {
    auto r = rules_of();
    r.close_on_trash = true;
    return r;
  }();
  auto trashed = page_in("Ready for Dev");
  trashed.in_trash = true;
  SUBCASE("the created issue is recorded before the second read, then closed") {
    page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {});
    driver d{job};
    int refusals = 0;
    d.answer = [&](const page_step& s) {
      if (std::holds_alternative<write_back_step>(s) && refusals++ == 0) {
        job.page_trashed();
        return true;
      }
      if (std::holds_alternative<read_page_again_step>(s)) {
        CHECK_FALSE(job.unrecorded());  // recorded first: the second read must see it
        job.page_read_again(reading_of(trashed, link_to(42, link_status::pending)));
        return true;
      }
      return false;
    };
    d.run();
    CHECK(d.names[4] == "write_back");
    CHECK(d.names[5] == "record_created");
    CHECK(d.names[6] == "read_page_again");
    CHECK(d.names[7] == "plan_made");
    const auto& closing = d.first<update_issue_step>().update;
    REQUIRE(closing.state);
    CHECK(closing.state->state == github::issue_state::closed);
  }
  SUBCASE("refused, yet not in the trash: the refusal fails the job") {
    page_sync_steps job(reading_of(page_in("Ready for Dev")), rules, {});
    driver d{job};
    d.answer = [&](const page_step& s) {
      if (std::holds_alternative<write_back_step>(s)) {
        job.page_trashed();
        return true;
      }
      if (std::holds_alternative<read_page_again_step>(s)) {
        job.page_read_again(reading_of(page_in("Ready for Dev"), link_to(42)));
        return true;
      }
      return false;
    };
    d.run();
    CHECK(d.names.back() == "give_up");
    CHECK(d.first<give_up_step>().write_refusal);
  }
}

TEST_CASE("page sync steps: a changed linked page reads its issue first, updates, records") {
  const auto rules = rules_of();
  auto link = link_to(42);
  link.state.synced_hash = "an older hash";
  link.synced_hash = "an older hash";
  auto page = page_in("Ready for Dev", "Fix the login page");
  page.properties["Issue"].is_empty = false;
  page.properties["Issue"].number = 42;
  page_sync_steps job(reading_of(page, link), rules, {});
  driver d{job};
  CHECK(d.run().end == page_job_end::synced);
  CHECK(d.names == names{"read_issue", "plan_made", "update_issue", "record_github_write",
                         "write_back", "mark_in_sync", "job_done"});
  CHECK(d.first<update_issue_step>().update.title ==
        std::optional<std::string>("Fix the login page"));
  CHECK(d.first<record_github_write_step>().written.contains("title"));
  CHECK_FALSE(d.first<mark_in_sync_step>().created);
}

TEST_CASE("page sync steps: a page first seen closed gets its issue closed right after the POST") {
  auto rules = rules_of();
  rules.create_when_first_seen_closed = true;
  page_sync_steps job(reading_of(page_in("Complete")), rules, {});
  driver d{job};
  CHECK(d.run().end == page_job_end::synced);
  CHECK(d.names == names{"plan_made", "scan_lost_links", "record_intent", "open_issue",
                         "close_created", "write_back", "mark_in_sync", "job_done"});
  const auto& close = d.first<close_created_step>();
  CHECK(close.number == 42);
  CHECK(close.reason == close_reason::completed);
}

TEST_CASE(
    "page sync steps: what GitHub applied of a create's names is recorded, a draft PR's not") {
  auto rules = rules_of();
  rules.labels_property = "Tags";
  auto page = page_in("Ready for Dev");
  notion::property_value tags;
  tags.type = notion::property_type::multi_select;
  tags.names = {"bug", "ui"};
  page.properties["Tags"] = tags;
  auto dropped = issue_numbered(42);
  dropped.labels = {"bug"};  // GitHub dropped "ui" without an error (no push access)
  SUBCASE("an issue: the page says what was dropped instead of Success") {
    page_sync_steps job(reading_of(page), rules, {});
    driver d{job};
    d.answer = [&](const page_step& s) {
      if (!std::holds_alternative<open_issue_step>(s)) return false;
      job.issue_opened(dropped);
      return true;
    };
    CHECK(d.run().end == page_job_end::extras_error);
    const auto& props = d.first<write_back_step>().properties;
    CHECK(props.at("Sync Status").at("select").at("name").as_string() == "Error");
    CHECK(d.first<report_extras_error_step>().error.find("ui") != std::string::npos);
  }
  SUBCASE("a draft PR: labels are set after it opens, nothing is compared here") {
    rules.create_kind = issue_kind::draft_pr;
    page_sync_steps job(reading_of(page), rules, {});
    driver d{job};
    d.answer = [&](const page_step& s) {
      if (!std::holds_alternative<open_issue_step>(s)) return false;
      CHECK(std::get<open_issue_step>(s).create.kind == issue_kind::draft_pr);
      job.issue_opened(dropped);
      return true;
    };
    CHECK(d.run().end == page_job_end::synced);
  }
}

TEST_CASE("page sync steps: an unchanged page's extras error goes to the page, nothing else") {
  const auto rules = rules_of();
  page_sync_steps again(after_first_create(rules), rules, {true, "ngsync-bot"});
  driver d2{again};
  d2.answer = [&](const page_step& s) {
    if (!std::holds_alternative<run_extras_step>(s)) return false;
    CHECK(std::get<run_extras_step>(s).issue.number == 42);
    again.extras_done("project 'Roadmap' has no option 'Urgent' in field Priority");
    return true;
  };
  CHECK(d2.run().end == page_job_end::unchanged);
  CHECK(d2.names == names{"plan_made", "run_extras", "report_extras_error", "job_done"});
  CHECK(d2.first<report_extras_error_step>().show_on_page);
}

TEST_CASE("page sync steps: a link found by the page's own claim is planned from, content first") {
  const auto rules = [] {
    auto r = rules_of();
    r.sync_body = true;
    return r;
  }();
  // Before its create status the content is skipped while unlinked; the claim's link needs it.
  auto page = page_in("Backlog");
  page.properties["Issue"].is_empty = false;
  page.properties["Issue"].number = 7;
  page_sync_steps job(reading_of(page), rules, {});
  job.link_found(link_to(7, link_status::pending), issue_numbered(7));
  driver d{job};
  d.run();
  CHECK(d.names.front() == "read_content");
  CHECK(std::count(d.names.begin(), d.names.end(), "read_issue") == 0);  // read by the claim
  CHECK(std::count(d.names.begin(), d.names.end(), "open_issue") == 0);
}
