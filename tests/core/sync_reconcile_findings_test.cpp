// Reconcile's verdicts as values: for each answer a pass reads, the finding, the report's line
// (read word for word by `ngsync reconcile` users and the engine tests) and the action the engine
// carries out. And what a pass reads: the marker scan's start, the slice, each repository's share.
#include <doctest/doctest.h>

#include <chrono>

#include "core/sync/issue_body.hpp"
#include "core/sync/reconcile_findings.hpp"
#include "core/sync/reconcile_scope.hpp"
#include "core/time/iso8601.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using namespace std::chrono_literals;

namespace {

std::string page_id() {
  return "1c2d3e4f-0000-4000-8000-000000000001";
}
std::string source_id() {
  return "ds-roadmap";
}

last_written_values written() {
  last_written_values w;
  w.title = "Ship the importer";
  w.body_revision = "0123456789abcdef";
  w.labels = {"bug"};
  w.assignees = {"octocat"};
  w.written_at = "2026-12-01T10:00:00Z";
  return w;
}

reconciled_link link() {
  return {page_id(), source_id(), "acme/roadmap", 7, written(), false};
}

// The linked issue as GitHub shows it right after the daemon's write.
github::github_issue echo() {
  managed_section s;
  s.page_id = page_id();
  s.page_url = "https://www.notion.so/p";
  s.content_markdown = "What to build.";
  s.revision = written().body_revision;
  github::github_issue i;
  i.number = 7;
  i.html_url = "https://github.com/acme/roadmap/issues/7";
  i.node_id = "I_7";
  i.title = written().title;
  i.body = merge_body("", s);
  i.labels = {"bug"};
  i.assignees = {"octocat"};
  i.user_login = "ngsync-bot";
  return i;
}

reconcile_context act() {
  return {"ngsync-bot", false};
}
reconcile_context dry() {
  return {"ngsync-bot", true};
}
std::optional<page_mapping> roadmap() {
  return page_mapping{"roadmap", true};
}

}  // namespace

TEST_CASE("reconcile: a linked issue showing the daemon's last write is in order, said nowhere") {
  const auto f = drift_finding("acme/roadmap", echo(), link(), act());
  CHECK(f.kind == finding_kind::in_order);
  CHECK(f.sentence.empty());
  CHECK(f.action == reconcile_action{no_action{}});
  // Read for its link, the same issue says the same.
  CHECK(linked_issue_finding(link(), echo(), roadmap(), act()).kind == finding_kind::in_order);
}

TEST_CASE("reconcile: a drifted issue becomes the job a lost webhook would have queued") {
  auto issue = echo();
  issue.labels = {"wontfix"};
  const auto f = drift_finding("acme/roadmap", issue, link(), act());
  CHECK(f.kind == finding_kind::drifted);
  CHECK(f.sentence ==
        "acme/roadmap#7: differs from what the daemon last wrote; handle it as a "
        "GitHub change to page " +
            page_id());
  CHECK(f.action == reconcile_action{enqueue_github_event{"acme/roadmap", 7, page_id()}});
  // A trashed page's reopened issue: the state is a known difference, the rest still counts.
  auto reopened = link();
  reopened.trash_reopened = true;
  auto closed_elsewhere = echo();
  closed_elsewhere.state = github::issue_state::closed;
  CHECK(drift_finding("acme/roadmap", closed_elsewhere, reopened, act()).kind ==
        finding_kind::in_order);
}

TEST_CASE("reconcile: a linked issue that lost its marker gets its page synced, hash forgotten") {
  auto issue = echo();
  issue.body = "Someone rewrote the whole description.";
  const auto f = linked_issue_finding(link(), issue, roadmap(), act());
  CHECK(f.kind == finding_kind::marker_lost);
  CHECK(f.sentence == "acme/roadmap#7 carries no marker for page " + page_id() + "; sync the page");
  CHECK(f.action == reconcile_action{enqueue_page_sync{page_id(), source_id(), "roadmap", true}});
  // Its data source in no mapping any more: said the same, nothing to run the sync.
  const auto unmapped = linked_issue_finding(link(), issue, std::nullopt, act());
  CHECK(unmapped.sentence == f.sentence);
  CHECK(unmapped.action == reconcile_action{no_action{}});
}

TEST_CASE("reconcile: a transferred issue moves its link to the new place") {
  auto issue = echo();
  issue.number = 31;
  issue.html_url = "https://github.com/Acme/Archive/issues/31";
  const auto f = linked_issue_finding(link(), issue, roadmap(), act());
  CHECK(f.kind == finding_kind::transferred);
  CHECK(f.sentence ==
        "acme/roadmap#7 was transferred to acme/archive#31; move the link of page " + page_id());
  CHECK(f.action == reconcile_action{move_link{page_id(), "acme/archive", 31, issue.html_url}});
}

TEST_CASE("reconcile: a gone issue puts its link in error, with the one gone message") {
  const auto deleted = issue_gone_finding(link(), issue_gone_reason::deleted, 410, act());
  CHECK(deleted.kind == finding_kind::issue_gone);
  CHECK(deleted.sentence == "issue acme/roadmap#7 was deleted on GitHub; mark the link of page " +
                                page_id() + " in error");
  CHECK(deleted.action ==
        reconcile_action{mark_link_error{page_id(), "issue acme/roadmap#7 was deleted on GitHub"}});
  const auto missing = issue_gone_finding(link(), issue_gone_reason::missing, 404, act());
  CHECK(missing.action ==
        reconcile_action{mark_link_error{page_id(), "issue acme/roadmap#7 is gone from GitHub"}});
}

TEST_CASE("reconcile: a marker in an issue someone else opened is reported, never linked") {
  auto issue = echo();
  issue.user_login = "ada-l";
  auto f = foreign_marker_finding("acme/roadmap", issue, act());
  REQUIRE(f);
  CHECK(f->kind == finding_kind::foreign_marker);
  CHECK(f->sentence == "acme/roadmap#7: carries the marker of page " + page_id() +
                           " but was opened by @ada-l, not by @ngsync-bot; never linked");
  CHECK(f->action == reconcile_action{no_action{}});
  // Without the daemon's own identity nobody is trusted, and the line says why.
  issue.user_login = "";
  f = foreign_marker_finding("acme/roadmap", issue, reconcile_context{"", false});
  REQUIRE(f);
  CHECK(f->sentence == "acme/roadmap#7: carries the marker of page " + page_id() +
                           " but was opened by an unknown author (the daemon's own GitHub "
                           "identity is unknown); never linked");
  // The daemon's own issue (logins compare without case) goes on to the page read.
  issue.user_login = "NGSync-Bot";
  CHECK_FALSE(foreign_marker_finding("acme/roadmap", issue, act()));
}

TEST_CASE("reconcile: the daemon's marked issue without a link is adopted for a mapped page") {
  const page_answer read{page_presence::present, page_id(), source_id()};
  const auto f = adoption_finding("acme/roadmap", echo(), read, roadmap(), act());
  CHECK(f.kind == finding_kind::adopted);
  CHECK(f.sentence == "acme/roadmap#7: marker for page " + page_id() +
                          " but no link; adopt it and sync the page");
  CHECK(f.action == reconcile_action{adopt_issue{
                        page_id(), source_id(), "roadmap", "acme/roadmap", 7, "I_7",
                        "https://github.com/acme/roadmap/issues/7", issue_kind::issue}});
  auto pr = echo();
  pr.is_pull_request = true;
  const auto adopted_pr = adoption_finding("acme/roadmap", pr, read, roadmap(), act());
  REQUIRE(std::holds_alternative<adopt_issue>(adopted_pr.action));
  CHECK(std::get<adopt_issue>(adopted_pr.action).kind == issue_kind::draft_pr);
}

TEST_CASE("reconcile: a marker naming no page, an unreadable one or one outside every mapping") {
  const auto missing = adoption_finding(
      "acme/roadmap", echo(), page_answer{page_presence::missing, "", ""}, std::nullopt, act());
  CHECK(missing.kind == finding_kind::marker_page_missing);
  CHECK(missing.sentence ==
        "acme/roadmap#7: names page " + page_id() + " which does not exist; left alone");
  CHECK(missing.action == reconcile_action{no_action{}});
  const auto unreadable = adoption_finding(
      "acme/roadmap", echo(), page_answer{page_presence::unreadable, "", ""}, std::nullopt, act());
  CHECK(unreadable.kind == finding_kind::marker_page_unreadable);
  CHECK(unreadable.action == reconcile_action{no_action{}});
  const auto outside =
      adoption_finding("acme/roadmap", echo(),
                       page_answer{page_presence::present, page_id(), "ds-x"}, std::nullopt, act());
  CHECK(outside.kind == finding_kind::outside_mappings);
  CHECK(outside.sentence == "acme/roadmap#7: page " + page_id() + " is outside every mapping");
  CHECK(outside.action == reconcile_action{no_action{}});
}

TEST_CASE("reconcile: a link's page gone or trashed: a closing sync, or the link in error") {
  CHECK(page_finding(link(), page_presence::present, roadmap(), act()).kind ==
        finding_kind::page_present);
  CHECK(page_finding(link(), page_presence::unreadable, roadmap(), act()).kind ==
        finding_kind::page_present);  // not known to be gone: left to the page_id()'s own sync
  const auto trashed = page_finding(link(), page_presence::trashed, roadmap(), act());
  CHECK(trashed.kind == finding_kind::page_gone);
  CHECK(trashed.sentence ==
        "page " + page_id() + " of acme/roadmap#7 is in the trash; sync it (closes the issue)");
  CHECK(trashed.action ==
        reconcile_action{enqueue_page_sync{page_id(), source_id(), "roadmap", false}});
  const auto kept =
      page_finding(link(), page_presence::trashed, page_mapping{"roadmap", false}, act());
  CHECK(kept.sentence ==
        "page " + page_id() + " of acme/roadmap#7 is in the trash; mark the link in error");
  CHECK(kept.action ==
        reconcile_action{mark_link_error{page_id(), "the Notion page is in the trash"}});
  const auto gone = page_finding(link(), page_presence::missing, roadmap(), act());
  CHECK(gone.sentence ==
        "page " + page_id() + " of acme/roadmap#7 is gone; mark the link in error");
  CHECK(gone.action ==
        reconcile_action{mark_link_error{page_id(), "the Notion page no longer exists"}});
}

TEST_CASE("reconcile: a dry run says what it would do and asks for nothing") {
  auto drifted = echo();
  drifted.title = "Renamed by a person";
  auto unmarked = echo();
  unmarked.body = "";
  const std::vector<reconcile_finding> findings{
      drift_finding("acme/roadmap", drifted, link(), dry()),
      linked_issue_finding(link(), unmarked, roadmap(), dry()),
      issue_gone_finding(link(), issue_gone_reason::deleted, 410, dry()),
      adoption_finding("acme/roadmap", echo(),
                       page_answer{page_presence::present, page_id(), source_id()}, roadmap(),
                       dry()),
      page_finding(link(), page_presence::trashed, roadmap(), dry()),
      page_finding(link(), page_presence::missing, roadmap(), dry())};
  for (const auto& f : findings) {
    CAPTURE(f.sentence);
    CHECK(f.sentence.find("; would ") != std::string::npos);
    CHECK(f.action == reconcile_action{no_action{}});
  }
  CHECK(findings[4].sentence ==
        "page " + page_id() +
            " of acme/roadmap#7 is in the trash; would sync it (closes the issue)");
  CHECK(verified_to_record({page_id()}, dry()).empty());
  CHECK_FALSE(pass_to_record(std::chrono::system_clock::now(), dry()));
  CHECK(verified_to_record({page_id()}, act()) == std::vector<std::string>{page_id()});
}

TEST_CASE("reconcile: each finding counts once into the report, whose summary reads as before") {
  reconcile_report r;
  count_repository(r, 3);
  auto drifted = echo();
  drifted.title = "Renamed";
  count_finding(r, drift_finding("acme/roadmap", echo(), link(), act()));
  count_finding(r, drift_finding("acme/roadmap", drifted, link(), act()));
  count_finding(r, page_finding(link(), page_presence::present, roadmap(), act()));
  count_finding(r, page_finding(link(), page_presence::missing, roadmap(), act()));
  count_finding(r, adoption_finding("acme/roadmap", echo(),
                                    page_answer{page_presence::missing, "", ""}, roadmap(), act()));
  CHECK(r.summary() ==
        "repositories=1 marked_issues=3 in_order=1 adopted=0 issues_gone=0 transferred=0 "
        "pages_gone=1 drift=1 foreign_marked=0 links_verified=2");
  CHECK(r.findings.size() == 3);  // in order and a present page_id() say nothing
}

TEST_CASE("reconcile: an adoption keeps a page's existing issue, else records or makes the link") {
  CHECK(adoption_write_for(true, true) == adoption_write::sync_only);
  CHECK(adoption_write_for(true, false) == adoption_write::record_number);
  CHECK(adoption_write_for(false, false) == adoption_write::new_link);
}

TEST_CASE("reconcile: a full pass lists every issue; a slice from the last pass less overlap") {
  const auto started = *iso8601::parse("2026-12-07T08:00:00Z");
  const auto last = *iso8601::parse("2026-12-07T07:50:00Z");
  CHECK_FALSE(marker_scan_since(reconcile_mode::full, last, started, 5min, 24h));
  CHECK(marker_scan_since(reconcile_mode::slice, last, started, 5min, 24h) ==
        iso8601::format(last - 5min));
  CHECK(marker_scan_since(reconcile_mode::slice, std::nullopt, started, 5min, 24h) ==
        iso8601::format(started - 24h));
  CHECK(slice_size(reconcile_mode::full, 5'000, 10min, 24h) == 0);
  CHECK(slice_size(reconcile_mode::slice, 5'000, 10min, 24h) == 35);
}

TEST_CASE("reconcile: each repository's share: the scan's issues, then a full pass's reads") {
  slice_issues slice;
  slice.add("Acme/Roadmap", 5);  // read one by one by the slice: the scan leaves it
  const std::vector<std::int64_t> marked{4, 5, 7};
  const std::vector<std::int64_t> links{7, 9};
  const auto full = plan_repository(reconcile_mode::full, "acme/roadmap", marked, links, slice);
  REQUIRE(full.marked.size() == 2);
  CHECK(full.marked[0].issue == 0);
  CHECK_FALSE(full.marked[0].link);  // #4: no link, a candidate to adopt
  CHECK(full.marked[1].issue == 2);
  CHECK(full.marked[1].link == std::optional<std::size_t>{0});  // #7 with its link
  CHECK(full.issue_reads == std::vector<std::size_t>{1});       // #9: the scan did not see it
  CHECK(full.page_reads == std::vector<std::size_t>{0, 1});
  CHECK(repositories_to_scan({"acme/roadmap", std::nullopt}, {"acme/roadmap", "acme/docs"}) ==
        std::set<std::string>{"acme/docs", "acme/roadmap"});
  const auto sliced = plan_repository(reconcile_mode::slice, "acme/roadmap", marked, links, slice);
  CHECK(sliced.marked.size() == 2);
  CHECK(sliced.issue_reads.empty());
  CHECK(sliced.page_reads.empty());
}
