#include <doctest/doctest.h>

#include <algorithm>
#include <tuple>

#include "storage/audit_log.hpp"
#include "storage/cursor_store.hpp"
#include "storage/database.hpp"
#include "storage/link_store.hpp"
#include "storage/webhook_deliveries.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

TEST_CASE("link_store: creation intent, created issue, in sync, error") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto t0 = from_epoch_us(to_epoch_us(std::chrono::system_clock::now()));
  {
    pqxx::work t(*c);
    link_store::record_create_intent(t, "page-1", "ds-1", "Org/Repo", "attempt-1", t0);
    t.commit();
  }
  {
    pqxx::work t(*c);
    auto l = link_store::get(t, "page-1");
    REQUIRE(l);
    CHECK(l->github_repo == "org/repo");
    CHECK(l->create_attempt_id == "attempt-1");
    CHECK(l->create_intent_at == t0);
    CHECK_FALSE(l->issue_number);
    CHECK(l->sync_status == ngsync::sync::link_status::pending);
    link_store::record_created(t, "page-1", 42, "I_node", "https://github.com/org/repo/issues/42");
    sync_outcome o;
    o.notion_last_edited = t0;
    o.synced_fields_hash = "h1";
    o.sync_run_id = "run-1";
    o.synced_at = t0 + 1s;
    o.written_to_github = {{"title", "Hello"}};
    link_store::mark_in_sync(t, "page-1", o);
    t.commit();
  }
  {
    pqxx::work t(*c);
    auto l = link_store::find_by_issue(t, "ORG/repo", 42);
    REQUIRE(l);
    CHECK(l->notion_page_id == "page-1");
    CHECK(l->sync_status == ngsync::sync::link_status::in_sync);
    CHECK(l->synced_fields_hash == "h1");
    CHECK(l->last_synced_at == t0 + 1s);
    CHECK(l->written_to_github.at("title").as_string() == "Hello");
    link_store::mark_error(t, "page-1", "boom with Bearer abcdefghijklmnop", "run-2");
    t.commit();
  }
  pqxx::read_transaction t(*c);
  auto r = t.exec("SELECT notion_page_id, last_error FROM ops_pages_in_error");
  REQUIRE(r.size() == 1);
  CHECK(r[0][1].as<std::string>().find("abcdefghijklmnop") == std::string::npos);
  CHECK(t.exec("SELECT count(*) FROM ops_links_not_synced_since('1 hour')")[0][0].as<int>() == 0);
}

// A first sync starts with page_links empty and fills it within seconds, before anything
// analyzes it. The batched statements' plans are made on a connection's first calls, on the
// empty table; they must still find rows by key once the table is large, not read it whole.
TEST_CASE("link_store: batched statements probe the key after the table grew from empty") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto t0 = from_epoch_us(to_epoch_us(std::chrono::system_clock::now()));
  auto batch_of = [&](int first) {
    std::vector<std::string> ids;
    std::vector<created_issue> created;
    std::vector<synced_page> synced;
    for (int i = first; i < first + 3; ++i) {
      const auto page = "page-" + std::to_string(i);
      ids.push_back(page);
      created.push_back({page, 10000 + i, "I_" + page, "https://github.com/o/r/issues/1",
                         ngsync::sync::issue_kind::issue});
      sync_outcome o;
      o.notion_last_edited = t0;
      o.synced_fields_hash = "h";
      o.sync_run_id = "run";
      o.synced_at = t0;
      synced.push_back({page, o});
    }
    pqxx::work t(*c);
    auto links = link_store::get_many(t, ids);
    auto found = link_store::record_created_many(t, created);
    link_store::mark_in_sync_many(t, synced);
    const auto scans = t.exec1(
        "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'page_links'")[0];
    const auto n = scans.is_null() ? 0 : scans.as<long>();
    const auto linked = std::count_if(links.begin(), links.end(), [](auto& l) { return bool(l); });
    t.commit();
    return std::tuple{n, linked, std::count(found.begin(), found.end(), true)};
  };
  // Enough calls on the empty table for every statement to settle on its cached plan.
  for (int round = 0; round < 8; ++round) CHECK(std::get<1>(batch_of(5000 + 3 * round)) == 0);
  {
    pqxx::work t(*c);
    t.exec("INSERT INTO page_links (notion_page_id, data_source_id) "
           "SELECT 'page-' || g, 'ds-1' FROM generate_series(1, 3000) g");
    t.commit();
  }
  const auto [seq_scans, linked, recorded] = batch_of(100);
  CHECK(linked == 3);
  CHECK(recorded == 3);
  CHECK(seq_scans == 0);
}

TEST_CASE("cursor_store: the watermark only moves forward") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto t0 = from_epoch_us(to_epoch_us(std::chrono::system_clock::now()));
  pqxx::work t(*c);
  CHECK_FALSE(cursor_store::get(t, "ds"));
  cursor_store::advance(t, "ds", t0, 3, t0);
  cursor_store::advance(t, "ds", t0 - 1h, 2, t0 + 1s);
  cursor_store::record_error(t, "ds", "429", t0 + 2s);
  auto cur = cursor_store::get(t, "ds");
  REQUIRE(cur);
  CHECK(cur->watermark == t0);
  CHECK(cur->pages_seen == 5);
  CHECK(cur->last_success_at == t0 + 1s);
  CHECK(cur->last_poll_at == t0 + 2s);
  CHECK(cur->last_error == "429");
}

TEST_CASE("audit_log: batched append, masked query secrets, capped excerpts") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  CHECK(audit_log::safe_path("/repos/o/r/issues?since=x&access_token=abc&page=2") ==
        "/repos/o/r/issues?since=x&access_token=[redacted]&page=2");
  std::vector<api_call> calls;
  for (int i = 0; i < 50; ++i) {
    api_call a;
    a.sync_run_id = "run-9";
    a.api = i % 2 ? "notion" : "github";
    a.method = "GET";
    a.path = "/x?token=secret" + std::to_string(i);
    a.status = i < 10 ? 500 : 200;
    a.latency_ms = i;
    a.rate_limit = {{"x-ratelimit-remaining", "10"}};
    a.response_excerpt = std::string(10'000, 'e');
    calls.push_back(a);
  }
  {
    pqxx::work t(*c);
    audit_log::append_batch(t, calls);
    t.commit();
  }
  pqxx::read_transaction t(*c);
  auto r = t.exec(
      "SELECT count(*), max(length(response_excerpt)), bool_or(path LIKE '%secret%')"
      " FROM api_audit WHERE sync_run_id = 'run-9'");
  CHECK(r[0][0].as<int>() == 50);
  CHECK(r[0][1].as<int>() == 4096);
  CHECK_FALSE(r[0][2].as<bool>());
  auto rate = t.exec("SELECT api, calls, failures FROM ops_api_error_rate_last_hour ORDER BY api");
  REQUIRE(rate.size() == 2);
  CHECK(rate[0][1].as<int>() + rate[1][1].as<int>() == 50);
  CHECK(rate[0][2].as<int>() + rate[1][2].as<int>() == 10);
}

TEST_CASE("webhook_deliveries: a redelivery is recognised") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  pqxx::work t(*c);
  CHECK(webhook_deliveries::first_delivery(t, "github", "hook1", "d1", "issues", "edited"));
  CHECK_FALSE(webhook_deliveries::first_delivery(t, "github", "hook1", "d1", "issues", "edited"));
  CHECK(webhook_deliveries::first_delivery(t, "notion", "hook1", "d1"));
}
