// Two-way sync end to end (issue 7): the real `ngsync run` against the real sandbox process and
// the private Postgres. People act through the sandbox's control API; the sandbox delivers real
// signed webhooks to the daemon (or the test delivers them, where it must control the order).
// Each case checks both sides, the link table and the number of API calls.
// Reconcile and transfers are in e2e_twoway_reconcile_test.cpp.
#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "tests/daemon/support/twoway_bed.hpp"

using namespace ngsync::test;
using namespace ngsync::test::twoway;
namespace json = boost::json;
using namespace std::chrono_literals;

TEST_CASE(
    "two-way: GitHub close/reopen by a person reaches Notion; one edit on either side costs a "
    "bounded number of calls, then silence; the daemon's own echoes do nothing") {
  twoway_bed bed(true);
  const auto n = bed.wait_for_issue_of(login_page);
  auto before = bed.settle();
  // Not under systemd (no NOTIFY_SOCKET): libsystemd stays unloaded (ops_test checks the other
  // way).
  CHECK(read_file("/proc/" + std::to_string(bed.daemon->pid()) + "/maps").find("libsystemd") ==
        std::string::npos);

  // Closed as not planned on GitHub -> Won't do.
  bed.github_act("close_issue", {{"number", n}, {"reason", "not_planned"}});
  CHECK_MESSAGE(bed.wait_until([&] { return bed.status_of(login_page); }, "Won't do"),
                bed.daemon->log());
  auto after = bed.settle();
  MESSAGE("GitHub close -> Notion: " << after - before << " API calls");
  // GET issue, GET page, PATCH page; the Notion webhook of our own edit is dropped.
  CHECK(after - before >= 2);
  CHECK(after - before <= 6);
  std::this_thread::sleep_for(2s);
  CHECK(bed.calls() == after);  // silence: no ping-pong
  CHECK(text(bed.issue(n).at("state")) == "closed");
  CHECK(text(bed.issue(n).at("state_reason")) == "not_planned");

  // Reopened -> the configured reopen status; closed as completed -> Complete.
  bed.github_act("reopen_issue", {{"number", n}});
  CHECK(bed.wait_until([&] { return bed.status_of(login_page); }, "In Progress"));
  bed.github_act("close_issue", {{"number", n}, {"reason", "completed"}});
  CHECK(bed.wait_until([&] { return bed.status_of(login_page); }, "Complete"));
  before = bed.settle();
  CHECK(text(bed.issue(n).at("state")) == "closed");
  const auto github_jobs = bed.count("SELECT count(*) FROM jobs WHERE kind = 'github_issue_event'");

  // A person edit in Notion reaches GitHub by webhook; GitHub's event for the daemon's own
  // reopen (sender ngsync-bot) comes back and must do nothing.
  bed.notion_edit(login_page, {{"Status", "In Progress"}});
  CHECK_MESSAGE(bed.wait_until([&] { return text(bed.issue(n).at("state")); }, "open"),
                bed.daemon->log());
  after = bed.settle();
  MESSAGE("Notion edit -> GitHub: " << after - before << " API calls");
  CHECK(after - before >= 2);
  CHECK(after - before <= 10);
  std::this_thread::sleep_for(2s);
  CHECK(bed.calls() == after);
  CHECK(bed.status_of(login_page) == "In Progress");
  bool echo_seen = false;
  const auto deliveries = bed.env->control_get("/control/webhooks");
  for (const auto& d : deliveries.at("deliveries").as_array()) {
    const auto* raw = d.as_object().if_contains("body");
    if (!raw) continue;
    json::value body = raw->is_string() ? json::parse(raw->as_string()) : *raw;
    if (!body.is_object()) continue;
    const auto* action = body.as_object().if_contains("action");
    const auto* sender = body.as_object().if_contains("sender");
    if (!action || !sender || !sender->is_object() || text(*action) != "reopened") continue;
    const auto* login = sender->as_object().if_contains("login");
    if (!login || text(*login) != "ngsync-bot") continue;
    echo_seen = true;
    const auto* status = d.as_object().if_contains("status");
    CHECK((status && status->to_number<int>() == 202));  // accepted and dropped
  }
  CHECK(echo_seen);
  CHECK(bed.count("SELECT count(*) FROM jobs WHERE kind = 'github_issue_event'") == github_jobs);
}

TEST_CASE(
    "two-way: a person reopens the issue of a trashed page: the reopen stands and the link says "
    "why; closing it again settles the link") {
  // Chaos bug 10. The trash closed the issue; a person reopened it. Nothing can be written to a
  // trashed page, and closing the issue again would fight the person, so the link carries it.
  twoway_bed bed(true);
  const auto n = bed.wait_for_issue_of(login_page);
  bed.settle();
  bed.env->act("notion", "trash_page", {{"page_id", login_page}});
  REQUIRE_MESSAGE(bed.wait_until([&] { return text(bed.issue(n).at("state")); }, "closed"),
                  bed.daemon->log());
  bed.settle();
  auto link_status = [&] {
    pqxx::connection c(bed.env->database_url());
    pqxx::read_transaction t(c);
    auto r = t.exec_params1(
        "SELECT sync_status || ' ' || CASE WHEN trash_reopened THEN '[trash_reopened] ' ELSE '' "
        "END || coalesce(last_error, '') FROM page_links "
        "WHERE notion_page_id = $1",
        login_page);
    return std::string(r[0].c_str());
  };
  CHECK(link_status() == "in_sync ");

  bed.github_act("reopen_issue", {{"number", n}});
  const std::string shown =
      "error [trash_reopened] page in the trash, issue open: acme/roadmap#" + std::to_string(n) +
      " was reopened on GitHub after its page went to the Notion trash; restore the page or "
      "close the issue";
  CHECK_MESSAGE(bed.wait_until(link_status, shown), link_status() << "\n" << bed.daemon->log());
  const auto writes = bed.env->writes("github");
  bed.settle();
  CHECK(text(bed.issue(n).at("state")) == "open");  // the person's reopen stands
  CHECK(bed.env->writes("github") == writes);
  CHECK(bed.count("SELECT count(*) FROM page_links WHERE sync_status = 'error'") == 1);
  // The open issue is a difference the link already shows: reconcile does not chase it as drift
  // (chaos --long --seed 42 reported drift=4 for four such pages on every pass).
  auto open_pass =
      bed.env->run_ngsync("reconcile --dry-run", "GITHUB_WEBHOOK_SECRET=" + hook_secret);
  CHECK_MESSAGE(open_pass.output.find("drift=0") != std::string::npos, open_pass.output);

  bed.github_act("close_issue", {{"number", n}, {"reason", "not_planned"}});
  CHECK_MESSAGE(bed.wait_until(link_status, "in_sync "), link_status());

  // A person's later edit of the closed issue is accepted as it is: reconcile finds no drift
  // to chase, then or on any later pass.
  bed.github_act("edit_issue", {{"number", n}, {"labels", json::array{"docs"}}});
  bed.settle();
  auto r = bed.env->run_ngsync("reconcile --dry-run", "GITHUB_WEBHOOK_SECRET=" + hook_secret);
  CHECK_MESSAGE(r.output.find("drift=0") != std::string::npos,
                "exit " << r.exit_code << ": " << r.output);
  CHECK(link_status() == "in_sync ");
}

TEST_CASE(
    "a GitHub pause is in Postgres the moment it begins: a process killed right after keeps it") {
  // Chaos --long --seed 7: a process got a secondary-limit 403 (Retry-After 2 s) and was killed
  // 0.3 s later, before the once-a-second exchange wrote the pause down; its successor called
  // GitHub within the 2 s. Now the pause is shared before the throttled request returns.
  twoway_bed bed(true);
  const auto n = bed.wait_for_issue_of(login_page);
  bed.settle();
  bed.env->control_post(
      "/control/faults",
      json::object{{"rules", json::array{json::object{
                                 {"api", "github"}, {"burst_429", 1}, {"retry_after_s", 30}}}}});
  bed.github_act("close_issue", {{"number", n}, {"reason", "completed"}});  // -> GET issue -> 403
  bool paused = false;
  for (int i = 0; i < 400 && !paused; ++i) {
    paused = bed.daemon->log().find("msg=\"api paused\" api=github") != std::string::npos;
    if (!paused) std::this_thread::sleep_for(5ms);
  }
  REQUIRE_MESSAGE(paused, bed.daemon->log());
  bed.daemon->signal(SIGKILL);
  bed.daemon->wait_for_exit(5s);
  bed.env->control_post("/control/faults", json::object{{"rules", json::array{}}});
  const auto left = bed.count(
      "SELECT floor(tokens - extract(epoch FROM now()))::bigint FROM rate_budget "
      "WHERE api = 'github/paused_until'");
  CHECK(left >= 20);  // most of the 30 s still ahead, for whoever calls GitHub next
}

TEST_CASE(
    "two-way: both sides changed the status -> newer wins and the decision is on the link; "
    "Notion wins the title; a redelivered webhook does nothing twice") {
  twoway_bed bed(false);  // the test delivers GitHub's webhooks, so it controls their order
  const auto n = bed.wait_for_issue_of(login_page);
  bed.settle();

  // Last sync: closed as completed on both sides.
  bed.github_act("close_issue", {{"number", n}, {"reason", "completed"}});
  CHECK(bed.deliver("closed", n, "d-1") == 202);
  REQUIRE(bed.wait_until([&] { return bed.status_of(login_page); }, "Complete"));
  bed.settle();
  CHECK(bed.conflicts_of(login_page).empty());

  // GitHub reopens first, Notion moves to Won't do two minutes later: Notion is newer and wins.
  bed.github_act("reopen_issue", {{"number", n}});
  bed.advance_clock(120);
  bed.notion_edit(login_page, {{"Status", "Won't do"}});
  CHECK(bed.deliver("reopened", n, "d-2") == 202);
  CHECK_MESSAGE(bed.wait_until([&] { return text(bed.issue(n).at("state")); }, "closed"),
                bed.daemon->log());
  auto settled = bed.settle();
  CHECK(text(bed.issue(n).at("state_reason")) == "not_planned");
  CHECK(bed.status_of(login_page) == "Won't do");
  auto log = bed.conflicts_of(login_page);
  REQUIRE(log.size() == 1);
  CHECK(text(log[0].at("field")) == "status");
  CHECK(text(log[0].at("winner")) == "notion");
  CHECK(text(log[0].at("rule")) == "newer_wins");

  // The same delivery again (GitHub's redelivery): acknowledged, nothing done.
  CHECK(bed.deliver("reopened", n, "d-2") == 200);
  std::this_thread::sleep_for(1s);
  CHECK(bed.calls() == settled);
  CHECK(bed.conflicts_of(login_page).size() == 1);

  // Notion moves to Complete first, GitHub reopens two minutes later: GitHub is newer and wins.
  bed.notion_edit(login_page, {{"Status", "Complete"}});
  bed.advance_clock(120);
  bed.github_act("reopen_issue", {{"number", n}});
  CHECK(bed.deliver("reopened", n, "d-3") == 202);
  CHECK(bed.wait_until([&] { return bed.status_of(login_page); }, "In Progress"));
  bed.settle();
  CHECK(text(bed.issue(n).at("state")) == "open");
  log = bed.conflicts_of(login_page);
  REQUIRE(log.size() == 2);
  CHECK(text(log[1].at("field")) == "status");
  CHECK(text(log[1].at("winner")) == "github");

  // The title changed on both sides: Notion owns it (the default), its title is restored.
  bed.github_act("edit_issue", {{"number", n}, {"title", "Renamed on GitHub"}});
  bed.notion_edit(login_page, {{"Name", "Renamed in Notion"}});
  CHECK(bed.deliver("edited", n, "d-4") == 202);
  CHECK_MESSAGE(bed.wait_until([&] { return text(bed.issue(n).at("title")); }, "Renamed in Notion"),
                bed.daemon->log());
  bed.settle();
  log = bed.conflicts_of(login_page);
  REQUIRE(log.size() == 3);
  CHECK(text(log[2].at("field")) == "title");
  CHECK(text(log[2].at("winner")) == "notion");
  CHECK(text(log[2].at("rule")) == "notion_owns");
}

TEST_CASE("two-way: labels and assignees owned by GitHub are mirrored into the Notion page") {
  twoway_bed bed(true, "      ownership: {labels: github, assignees: github}\n");
  const auto n = bed.wait_for_issue_of(login_page);
  bed.github_act("add_collaborator", {{"login", "linus-t"}});
  bed.settle();

  bed.github_act("add_label", {{"number", n}, {"label", "docs"}});
  auto tags = [&] {
    std::vector<std::string> out;
    const auto value = bed.env->property(login_page, "Tags");
    for (const auto& o : value.as_array()) out.emplace_back(o.at("name").as_string().c_str());
    std::sort(out.begin(), out.end());
    std::string joined;
    for (const auto& x : out) joined += x + ",";
    return joined;
  };
  CHECK_MESSAGE(bed.wait_until(tags, "bug,docs,"), bed.daemon->log());

  // Grace is mapped by her Notion id, Ada by e-mail (she is on the page), Linus not at all.
  bed.github_act("edit_issue",
                 {{"number", n}, {"assignees", json::array{"ada-l", "grace-h", "linus-t"}}});
  auto people = [&] {
    std::vector<std::string> out;
    const auto value = bed.env->property(login_page, "Assignees");
    for (const auto& u : value.as_array()) out.emplace_back(u.at("id").as_string().c_str());
    std::sort(out.begin(), out.end());
    std::string joined;
    for (const auto& x : out) joined += x + ",";
    return joined;
  };
  CHECK_MESSAGE(bed.wait_until(people,
                               "2200a911-6a96-44bb-bd38-6bfb1e01b9f6,"
                               "3300a911-6a96-44bb-bd38-6bfb1e01b9f7,"),
                bed.daemon->log());
  const auto after = bed.settle();
  std::this_thread::sleep_for(2s);
  CHECK(bed.calls() == after);
  // GitHub's values stand: nothing was pushed back over them.
  std::vector<std::string> labels, assignees;
  const auto issue = bed.issue(n);
  for (const auto& l : issue.at("labels").as_array()) labels.push_back(text(l.at("name")));
  for (const auto& a : issue.at("assignees").as_array()) assignees.push_back(text(a.at("login")));
  std::sort(labels.begin(), labels.end());
  std::sort(assignees.begin(), assignees.end());
  CHECK(labels == std::vector<std::string>{"bug", "docs"});
  CHECK(assignees == std::vector<std::string>{"ada-l", "grace-h", "linus-t"});
  CHECK(bed.daemon->log().find("'linus-t' has no Notion user") != std::string::npos);
}

TEST_CASE(
    "two-way: a draft PR closed and reopened by a person reaches Notion by pull_request events") {
  twoway_bed bed(true, "", true);
  const auto n = bed.wait_for_issue_of(login_page);
  REQUIRE(bed.issue(n).contains("pull_request"));  // the page's item is a draft PR
  bed.settle();
  bed.github_act("close_issue", {{"number", n}, {"reason", "completed"}});
  CHECK_MESSAGE(bed.wait_until([&] { return bed.status_of(login_page); }, "Complete"),
                bed.daemon->log());
  bed.github_act("reopen_issue", {{"number", n}});
  CHECK_MESSAGE(bed.wait_until([&] { return bed.status_of(login_page); }, "In Progress"),
                bed.daemon->log());
  bed.settle();
  CHECK(bed.count("SELECT count(*) FROM webhook_deliveries WHERE event = 'pull_request'") >= 2);
  CHECK(text(bed.issue(n).at("state")) == "open");
}
