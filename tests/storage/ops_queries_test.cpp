// The read-only queries the daemon asks of storage: the operator's status report, the poll's
// look at a batch of links, the reconciler's repositories and the pages with a notice.
#include <doctest/doctest.h>

#include "storage/audit_log.hpp"
#include "storage/cursor_store.hpp"
#include "storage/link_store.hpp"
#include "storage/ops_report.hpp"
#include "storage/page_notices.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

namespace {

const sys_time t0{std::chrono::seconds(1'796'565'480)};  // 2026-12-06T13:58:00Z

void insert_dead_job(pqxx::connection& c, const std::string& kind, const std::string& error) {
  pqxx::work t(c);
  t.exec_params("INSERT INTO jobs (kind, state, last_error) VALUES ($1, 'dead', $2)", kind, error);
  t.commit();
}

api_call call(const std::string& api, int status, boost::json::object rate_limit) {
  api_call a;
  a.api = api;
  a.method = "GET";
  a.path = "/x";
  a.status = status;
  a.rate_limit = std::move(rate_limit);
  return a;
}

}  // namespace

TEST_CASE("ops report: pages in error, polls, dead jobs and the last hour's rate limits") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  {
    pqxx::work t(*c);
    auto empty = read_ops_report(t);
    CHECK(empty.errors.empty());
    CHECK(empty.polls.empty());
    CHECK(empty.dead.empty());
    CHECK(empty.limits.empty());
  }
  {
    pqxx::work t(*c);
    link_store::record_create_intent(t, "page-bad", "ds-1", "Org/Repo", "a-1", t0);
    link_store::mark_error(t, "page-bad", "GitHub answered 422", "run-7");
    link_store::record_create_intent(t, "page-ok", "ds-1", "Org/Repo", "a-2", t0);
    cursor_store::advance(t, "ds-b", t0, 3, t0 + 1min);
    cursor_store::record_error(t, "ds-a", "Notion answered 502", t0);
    audit_log::append(t, call("github", 200, {{"x-ratelimit-remaining", "4999"}}));
    audit_log::append(t, call("github", 403, {{"x-ratelimit-remaining", "0"}}));
    audit_log::append(t, call("github", 403, {}));  // a permission error, not a throttle
    audit_log::append(t, call("notion", 429, {{"retry-after", "2"}}));
    t.commit();
  }
  insert_dead_job(*c, "sync_page", "gave up: 500");
  insert_dead_job(*c, "github_event", "gave up: 502");
  insert_dead_job(*c, "sync_page", "gave up: 503");

  pqxx::read_transaction t(*c);
  const auto r = read_ops_report(t, 2);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].page == "page-bad");
  CHECK(r.errors[0].repo == "org/repo");
  CHECK(r.errors[0].error == "GitHub answered 422");
  CHECK(r.errors[0].run == "run-7");

  REQUIRE(r.polls.size() == 2);  // ordered by data source
  CHECK(r.polls[0].source == "ds-a");
  CHECK(r.polls[0].watermark.empty());  // never succeeded
  CHECK(r.polls[0].last_error == "Notion answered 502");
  CHECK(r.polls[1].source == "ds-b");
  CHECK(r.polls[1].watermark == "2026-12-06 13:58:00+00");
  CHECK(r.polls[1].last_success == "2026-12-06 13:59:00+00");
  CHECK(r.polls[1].last_error.empty());

  REQUIRE(r.dead.size() == 2);  // the limit holds, newest first
  CHECK(r.dead[0].error == "gave up: 503");
  CHECK(r.dead[1].kind == "github_event");
  CHECK(r.dead[0].id > r.dead[1].id);

  REQUIRE(r.limits.size() == 2);
  CHECK(r.limits[0].api == "github");
  CHECK(r.limits[0].calls == 3);
  CHECK(r.limits[0].throttled == 1);
  // The newest headers GitHub sent (the permission error sent none).
  CHECK(r.limits[0].headers == R"({"x-ratelimit-remaining": "0"})");
  CHECK_FALSE(r.limits[0].last_call.empty());
  CHECK(r.limits[1].api == "notion");
  CHECK(r.limits[1].calls == 1);
  CHECK(r.limits[1].throttled == 1);
}

TEST_CASE("link_store: the sync states of a batch of pages and the linked repositories") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  {
    pqxx::work t(*c);
    link_store::record_create_intent(t, "page-1", "ds-1", "Org/One", "a-1", t0);
    link_store::record_created(t, "page-1", 1, "I_1", "https://github.com/org/one/issues/1");
    sync_outcome o;
    o.notion_last_edited = t0;
    o.synced_fields_hash = "h";
    o.sync_run_id = "run-1";
    o.synced_at = t0 + 2min;
    link_store::mark_in_sync(t, "page-1", o);
    link_store::record_create_intent(t, "page-2", "ds-1", "Org/Two", "a-2", t0);  // no issue yet
    link_store::record_create_intent(t, "page-3", "ds-1", "org/one", "a-3", t0);
    link_store::record_created(t, "page-3", 3, "I_3", "https://github.com/org/one/issues/3");
    t.commit();
  }
  pqxx::read_transaction t(*c);
  const auto states = link_store::sync_states(t, {"page-1", "page-2", "page-none"});
  REQUIRE(states.size() == 2);  // no link, no entry
  CHECK(states.at("page-1").sync_status == "in_sync");
  CHECK(states.at("page-1").notion_last_edited == t0);
  CHECK(states.at("page-1").last_synced_at == t0 + 2min);
  CHECK(states.at("page-2").sync_status == "pending");
  CHECK_FALSE(states.at("page-2").notion_last_edited);
  CHECK(link_store::sync_states(t, {}).empty());

  // Only repositories with an issue, each once.
  CHECK(link_store::linked_repositories(t) == std::vector<std::string>{"org/one"});
}

TEST_CASE("page_notices: the pages with a notice on record") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  {
    pqxx::work t(*c);
    CHECK(page_notices::noticed_pages(t).empty());
    page_notices::record(t, "page-a", {"GitHub answered 503", false, t0, 1});
    page_notices::record(t, "page-b", {"waiting for GitHub's rate limit", true, t0, 2});
    page_notices::clear(t, "page-a");
    t.commit();
  }
  pqxx::read_transaction t(*c);
  CHECK(page_notices::noticed_pages(t) == std::set<std::string>{"page-b"});
}
