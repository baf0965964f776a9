// What a page shows while its job is retried or after it died, with the daemon's job runner
// working the queue in-process (support/engine_harness.hpp): Pending and the cause, written
// once per change of cause (Notion's 3 requests/s are shared), Error when the job dies, Success
// and an empty error once the fault clears.
#include <doctest/doctest.h>

#include <string>

#include <boost/json.hpp>

#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;

namespace {

constexpr const char* login_page = "a1000000-0000-4000-8000-000000000001";  // Ready

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

void creates_answer_503(engine_harness& h) {
  h.sandbox().faults().configure(json::parse(
      R"({"rules": [{"api": "github", "method": "POST", "path_prefix": "/repos/acme/roadmap/issues",
                     "error_rate": 1, "error_status": 503}]})"));
}

}  // namespace

TEST_CASE("engine: a job retried on 503s shows Pending once, then Error when it dies") {
  engine_harness h;
  creates_answer_503(h);
  h.enqueue(login_page, 4);
  const auto counters = h.drain();
  CHECK(counters.failed_transient == 4);
  CHECK(counters.dead == 1);
  CHECK(h.sent("POST /repos/acme/roadmap/issues") == 4);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Error");
  CHECK(str(h.property(login_page, "GitHub Sync Error")).find("503") != std::string::npos);
  // Three retries with the same cause: one Pending write, then the Error.
  CHECK(h.sent("PATCH /v1/pages") == 2);
}

TEST_CASE("engine: once the fault clears, the retried job succeeds and the page shows Success") {
  engine_harness h;
  creates_answer_503(h);
  h.enqueue(login_page, 1);  // dies at once: the page shows the error
  h.drain();
  REQUIRE(str(h.property(login_page, "GitHub Sync Status")) == "Error");
  h.sandbox().faults().clear();
  h.enqueue(login_page);
  CHECK(h.drain().completed == 1);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
  CHECK(str(h.property(login_page, "GitHub Sync Error")).empty());
  CHECK(h.issues().size() == 2);
}

TEST_CASE(
    "engine: a job held by a rate limit says nothing for the quiet pause, then Pending once") {
  engine_harness h;  // the shipped notice settings: a 60 s quiet pause
  const auto job = h.enqueue(login_page);
  const ngsync::api::api_failure throttled{
      ngsync::api::failure_kind::throttled, "github", "create issue", 429, "", "rate limited", {}};
  h.report_trouble(job, login_page, throttled);
  CHECK(h.sent("PATCH /v1/pages") == 0);  // a short pause is normal: the page is not told
  h.advance_clock(std::chrono::minutes(2));
  h.report_trouble(job, login_page, throttled);
  CHECK(h.sent("PATCH /v1/pages") == 1);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Pending");
  CHECK(str(h.property(login_page, "GitHub Sync Error")).find("waiting for GitHub's rate limit") ==
        0);
  // Still the same cause later on: nothing new to say, nothing written.
  h.advance_clock(std::chrono::minutes(5));
  h.report_trouble(job, login_page, throttled);
  CHECK(h.sent("PATCH /v1/pages") == 1);
}
