// What a page was told while its sync is in trouble (issue 19): one row per page, replaced when
// the cause changes, gone on success; and the jobs held by rate limits past the horizon.
#include <doctest/doctest.h>

#include "storage/page_notices.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::scratch_database;
using namespace std::chrono_literals;

namespace {

std::int64_t insert_job(pqxx::connection& c, const std::string& state, const std::string& created,
                        const std::string& run_at) {
  pqxx::work t(c);
  auto r = t.exec_params(
      "INSERT INTO jobs (kind, state, created_at, run_at) VALUES ('sync_page', $1, $2::timestamptz,"
      " $3::timestamptz) RETURNING id",
      state, created, run_at);
  t.commit();
  return r[0][0].as<std::int64_t>();
}

}  // namespace

TEST_CASE("page notices: the cause shown per page, the job's times, and the stuck count") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto waiting =
      insert_job(*c, "retryable", "2026-12-06T13:58:00Z", "2026-12-06T14:02:00Z");
  const auto done = insert_job(*c, "completed", "2026-12-06T13:58:00Z", "2026-12-06T14:02:00Z");
  const sys_time t0{std::chrono::seconds(1'796'565'480)};  // 2026-12-06T13:58:00Z
  {
    pqxx::read_transaction t(*c);
    auto timing = page_notices::timing(t, waiting);
    REQUIRE(timing);
    CHECK(timing->created_at == t0);
    CHECK(timing->run_at == t0 + 4min);
    CHECK_FALSE(page_notices::timing(t, done));  // not waiting: nothing true to say
    CHECK_FALSE(page_notices::shown_cause(t, "page-a"));
  }
  {
    pqxx::work t(*c);
    page_notices::record(t, "page-a", {"GitHub answered 503", false, t0, waiting});
    page_notices::record(t, "page-a", {"waiting for GitHub's rate limit", true, t0, waiting});
    page_notices::record(t, "page-b", {"waiting for GitHub's rate limit", true, t0, done});
    t.commit();
  }
  {
    pqxx::read_transaction t(*c);
    CHECK(page_notices::shown_cause(t, "page-a") == "waiting for GitHub's rate limit");
    // page-b's job is settled: it is not stuck. page-a waits since t0.
    CHECK(page_notices::throttled_past(t, 3600s, t0 + 2h) == 1);
    CHECK(page_notices::throttled_past(t, 3600s, t0 + 30min) == 0);
  }
  {
    pqxx::work t(*c);
    CHECK(page_notices::clear(t, "page-a"));
    CHECK_FALSE(page_notices::clear(t, "page-a"));
    t.commit();
  }
  pqxx::read_transaction t(*c);
  CHECK_FALSE(page_notices::shown_cause(t, "page-a"));
  CHECK(page_notices::throttled_past(t, 3600s, t0 + 2h) == 0);
}
