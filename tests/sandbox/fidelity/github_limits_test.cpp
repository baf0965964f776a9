// GitHub's rate limits on the sandbox clock: secondary content-creation limits, the primary
// hourly budget, conditional requests, and search's own limit and indexing lag.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

api_response create(github_harness& gh, int i) {
  return gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                    json::object{{"title", "issue " + std::to_string(i)}});
}

bool is_secondary_refusal(const api_response& res) {
  return res.result_int() == 403 &&
         body_of(res).at("message").as_string().subview().find("secondary rate limit") !=
             std::string_view::npos &&
         res.find(http::field::retry_after) != res.end();
}

}  // namespace

TEST_CASE("github: 81 creations inside one minute meet exactly one secondary-limit refusal") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  int refused = 0;
  for (int i = 0; i < 81; ++i) {
    auto res = create(gh, i);
    if (is_secondary_refusal(res)) ++refused;
    gh.clock.advance(std::chrono::milliseconds(500));  // 81 requests in 40.5 s
  }
  CHECK(refused == 1);
  REQUIRE(gh.violations.size() == 1);
  CHECK(gh.violations[0].endpoint == "POST /repos/{o}/{r}/issues");

  // Coming back before retry-after has passed is itself a violation, even for a read.
  auto early = gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  CHECK(is_secondary_refusal(early));
  CHECK(gh.violations.size() == 2);

  // After the minute the budget is back.
  gh.clock.advance(std::chrono::seconds(61));
  CHECK(create(gh, 100).result_int() == 201);
  CHECK(gh.violations.size() == 2);
}

TEST_CASE("github: 501 creations within an hour meet exactly one secondary-limit refusal") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  int refused = 0, created = 0;
  std::int64_t retry_after = 0;
  for (int i = 0; i < 501; ++i) {
    auto res = create(gh, i);
    if (is_secondary_refusal(res)) {
      ++refused;
      retry_after = std::stoll(std::string(res[http::field::retry_after]));
    }
    if (res.result_int() == 201) ++created;
    gh.clock.advance(std::chrono::seconds(7));  // ~8.6 a minute, 501 in 58.5 minutes
  }
  CHECK(created == 500);
  CHECK(refused == 1);
  CHECK(gh.violations.size() == 1);
  // The first creation of the hour ages out 3,600 s after it; retry-after says when. The
  // sandbox clock is the wall clock plus the advances, so the wall time the loop took (seconds
  // under ASan) comes off it.
  CHECK(retry_after <= 3600 - 500 * 7);
  CHECK(retry_after >= 3600 - 500 * 7 - 10);
  auto comment = gh.request(http::verb::post, "/repos/octo/tracker/issues/1/comments", "tok-octo",
                            json::object{{"body", "x"}});
  CHECK(is_secondary_refusal(comment));
  CHECK(gh.violations.size() == 2);
  gh.clock.advance(std::chrono::seconds(retry_after));
  CHECK(gh.request(http::verb::post, "/repos/octo/tracker/issues/1/comments", "tok-octo",
                   json::object{{"body", "x"}})
            .result_int() == 201);
  CHECK(gh.violations.size() == 2);
}

TEST_CASE("github: limit_speed scales the budgets") {
  github_harness gh(0.1);  // 8 creations a minute
  gh.emu->load(basic_scenario());
  int created = 0;
  for (int i = 0; i < 9; ++i) created += create(gh, i).result_int() == 201;
  CHECK(created == 8);
}

TEST_CASE("github: the primary budget runs out at 5,000 an hour; 304s do not count") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  REQUIRE(create(gh, 0).result_int() == 201);
  auto first = gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  REQUIRE(first.result_int() == 200);
  CHECK(first["x-ratelimit-limit"] == "5000");
  CHECK(first["x-ratelimit-used"] == "2");
  CHECK(first["x-ratelimit-remaining"] == "4998");
  CHECK(first["x-ratelimit-resource"] == "core");
  const std::string etag(first[http::field::etag]);
  REQUIRE_FALSE(etag.empty());

  auto conditional =
      github_harness::make(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  conditional.set(http::field::if_none_match, etag);
  auto not_modified = gh.send(conditional);
  CHECK(not_modified.result_int() == 304);
  CHECK(not_modified["x-ratelimit-used"] == "2");
  CHECK(not_modified.body().empty());

  for (int i = 2; i < 5000; ++i)
    REQUIRE(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo").result_int() ==
            200);
  auto refused = gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  CHECK(refused.result_int() == 403);
  CHECK(refused["x-ratelimit-remaining"] == "0");
  CHECK(body_of(refused).at("message").as_string().subview().rfind("API rate limit exceeded", 0) ==
        0);
  CHECK(gh.violations.size() == 1);
  // An edit does not change the ETag's fate: the 304 is still free while the budget is empty.
  CHECK(gh.send(conditional).result_int() == 304);
  // Another identity has its own budget.
  CHECK(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-outsider").result_int() ==
        200);
  // The window resets an hour after its first request.
  const auto reset = std::stoll(std::string(refused["x-ratelimit-reset"]));
  gh.clock.advance(std::chrono::seconds(reset - epoch_seconds(gh.clock) + 1));
  CHECK(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo").result_int() ==
        200);
}

TEST_CASE("github: search sees new issues only after the indexing lag, and has its own limit") {
  github_harness gh;
  json::object scenario = basic_scenario();
  scenario["search_lag_seconds"] = 30;
  gh.emu->load(scenario);
  REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                     json::object{{"title", "Synced"},
                                  {"body", "text\n<!-- Notion-Page-ID: abc-123 -->"}})
              .result_int() == 201);
  REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                     json::object{{"title", "Other"}, {"body", "<!-- Notion-Page-ID: zzz -->"}})
              .result_int() == 201);
  const std::string q =
      "/search/issues?q=%22Notion-Page-ID%3A%20abc-123%22%20in%3Abody%20repo%3Aocto%2Ftracker";
  auto before = gh.request(http::verb::get, q, "tok-octo");
  REQUIRE(before.result_int() == 200);
  CHECK(body_of(before).at("total_count").as_int64() == 0);
  CHECK(body_of(before).at("incomplete_results").as_bool() == false);
  gh.clock.advance(std::chrono::seconds(31));
  auto after = gh.request(http::verb::get, q, "tok-octo");
  REQUIRE(after.result_int() == 200);
  CHECK(after["x-ratelimit-resource"] == "search");
  CHECK(after["x-ratelimit-limit"] == "30");
  const json::value found = body_of(after);
  REQUIRE(found.at("total_count").as_int64() == 1);
  CHECK(found.at("items").at(0).at("title").as_string() == "Synced");
  // The repo qualifier filters.
  auto elsewhere = gh.request(
      http::verb::get, "/search/issues?q=%22Notion-Page-ID%3A%20abc-123%22%20repo%3Aocto%2Fother",
      "tok-octo");
  CHECK(body_of(elsewhere).at("total_count").as_int64() == 0);

  for (int i = 3; i < 30; ++i)
    REQUIRE(gh.request(http::verb::get, q, "tok-octo").result_int() == 200);
  auto limited = gh.request(http::verb::get, q, "tok-octo");
  CHECK(limited.result_int() == 403);
  CHECK(gh.violations.size() == 1);
  // The core budget is untouched by search.
  auto core = gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  CHECK(core.result_int() == 200);
  CHECK(core["x-ratelimit-used"] == "3");
  gh.clock.advance(std::chrono::seconds(61));
  CHECK(gh.request(http::verb::get, q, "tok-octo").result_int() == 200);
}

}  // namespace ngsync::sandbox::fidelity
