// What a page says while its sync is in trouble, and when that costs a Notion write.
#include <doctest/doctest.h>

#include "core/sync/page_notice.hpp"

using namespace ngsync::sync;
using namespace std::chrono_literals;

namespace {
// 2026-12-06T13:58:00Z
const system_time t0{std::chrono::seconds(1'796'565'480)};
}  // namespace

TEST_CASE("a failure reads as a person would say it, with when it is tried again") {
  sync_trouble t;
  t.api = "github";
  t.status = 503;
  t.waiting_since = t0;
  t.next_try = t0 + 4min;
  CHECK(trouble_cause(t) == "GitHub answered 503");
  CHECK(trouble_notice(t, t0) == "GitHub answered 503; retrying at 14:02 UTC");
  t.status = 0;
  t.api = "notion";
  t.detail = "timed out";
  CHECK(trouble_notice(t, t0) == "Notion did not answer (timed out); retrying at 14:02 UTC");
  t.status = 409;
  t.detail = "conflict_error";
  CHECK(trouble_cause(t) == "Notion answered 409 (conflict_error)");
  // Another day is named.
  t.next_try = t0 + 24h;
  CHECK(trouble_notice(t, t0).ends_with("retrying at Dec 07 13:58 UTC"));
  CHECK(notice_due(t, t0));  // failures are told at once
}

TEST_CASE("a rate-limit pause is told only after a minute, and flagged past the horizon") {
  sync_trouble t;
  t.api = "github";
  t.rate_limited = true;
  t.waiting_since = t0;
  t.next_try = t0 + 4min;
  CHECK_FALSE(notice_due(t, t0 + 59s));
  CHECK(notice_due(t, t0 + 60s));
  CHECK(trouble_notice(t, t0 + 61s) ==
        "waiting for GitHub's rate limit since 13:58 UTC; resumes at 14:02 UTC");
  CHECK_FALSE(stuck_throttled(t, t0 + 59min));
  CHECK(stuck_throttled(t, t0 + 60min));
  t.next_try = t0 + 3h;
  CHECK(trouble_notice(t, t0 + 150min) ==
        "waiting for GitHub's rate limit since 13:58 UTC (2 h); resumes at 16:58 UTC");
  notice_settings quick;
  quick.quiet_pause = 5s;
  CHECK(notice_due(t, t0 + 5s, quick));
}

TEST_CASE("one Notion write per change of cause, never one per retry") {
  sync_trouble t;
  t.api = "github";
  t.status = 503;
  const auto cause = trouble_cause(t);
  CHECK(notice_changes(std::nullopt, cause));  // nothing shown yet
  CHECK_FALSE(notice_changes(cause, cause));   // the next retry, a new time: no write
  t.status = 502;
  CHECK(notice_changes(cause, trouble_cause(t)));  // another cause: one write
}

TEST_CASE("an API failure becomes the trouble a page is told about") {
  ngsync::api::api_failure f;
  f.api = "github";
  f.kind = ngsync::api::failure_kind::transient;
  f.status = 503;
  f.code = "custom";  // GitHub's codes are validation details, not for the page
  f.message = "Service Unavailable";
  auto t = trouble_of(f, t0, t0 + 4min);
  CHECK(trouble_notice(t, t0) == "GitHub answered 503; retrying at 14:02 UTC");
  CHECK(t.waiting_since == t0);

  f.api = "notion";
  f.status = 502;
  f.code = "bad_gateway";
  CHECK(trouble_cause(trouble_of(f, t0, t0)) == "Notion answered 502 (bad_gateway)");

  f.status = 0;
  f.code.clear();
  f.message = "Operation timed out";
  CHECK(trouble_cause(trouble_of(f, t0, t0)) == "Notion did not answer (Operation timed out)");

  f.api = "github";
  f.kind = ngsync::api::failure_kind::throttled;
  f.status = 403;
  f.retry_at = t0 + 4min;
  t = trouble_of(f, t0, t0 + 4min);
  CHECK(t.rate_limited);
  CHECK(trouble_cause(t) == "waiting for GitHub's rate limit");
  CHECK_FALSE(notice_due(t, t0 + 30s));
  CHECK(notice_due(t, t0 + 61s));
  // The same cause on the next retry, with a later time: no second write.
  CHECK_FALSE(notice_changes(trouble_cause(trouble_of(f, t0, t0 + 9min)), trouble_cause(t)));
}
