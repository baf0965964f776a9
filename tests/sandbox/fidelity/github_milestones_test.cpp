// Milestones in the GitHub emulator: listing with state and pages, creating (duplicate titles
// are 422 already_exists), and the issue's `milestone` set, rendered and cleared.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_schema_check.hpp"
#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {

TEST_CASE("github: milestones are listed, created once per title, and set on issues") {
  github_harness gh;
  json::object scenario = basic_scenario();
  scenario["repos"].at(0).as_object()["milestones"] = json::parse(
      R"([{"number": 1, "title": "v1", "due_on": "2026-12-01T08:00:00Z"},
          {"number": 2, "title": "old", "state": "closed"}])");
  gh.emu->load(scenario);
  const std::string tok = "tok-octo";
  const auto& milestone_schema = openapi_document::github().component("nullable-milestone");

  auto open = gh.request(http::verb::get, "/repos/octo/tracker/milestones", tok);
  REQUIRE(open.result_int() == 200);
  REQUIRE(body_of(open).as_array().size() == 1);
  CHECK(body_of(open).at(0).at("title") == "v1");
  CHECK(body_of(open).at(0).at("due_on") == "2026-12-01T08:00:00Z");
  CHECK(openapi_document::github().check(body_of(open).at(0), milestone_schema).empty());
  auto all = gh.request(http::verb::get, "/repos/octo/tracker/milestones?state=all", tok);
  CHECK(body_of(all).as_array().size() == 2);
  CHECK(
      gh.request(http::verb::get, "/repos/octo/tracker/milestones?state=bogus", tok).result_int() ==
      422);

  auto created = gh.request(http::verb::post, "/repos/octo/tracker/milestones", tok,
                            json::object{{"title", "Sprint 7"}, {"description", "from Notion"}});
  REQUIRE(created.result_int() == 201);
  const auto milestone = body_of(created).as_object();
  CHECK(milestone.at("number") == 3);
  CHECK(milestone.at("title") == "Sprint 7");
  CHECK(milestone.at("description") == "from Notion");
  CHECK(milestone.at("state") == "open");
  CHECK(openapi_document::github().check(milestone, milestone_schema).empty());
  CHECK(created[http::field::location] ==
        "https://sandbox.test:8443/repos/octo/tracker/milestones/3");

  auto duplicate = gh.request(http::verb::post, "/repos/octo/tracker/milestones", tok,
                              json::object{{"title", "Sprint 7"}});
  CHECK(duplicate.result_int() == 422);
  CHECK(body_of(duplicate).at("message") == "Validation Failed");
  CHECK(body_of(duplicate).at("errors").at(0) ==
        json::object{{"resource", "Milestone"}, {"code", "already_exists"}, {"field", "title"}});
  auto untitled = gh.request(http::verb::post, "/repos/octo/tracker/milestones", tok,
                             json::object{{"description", "x"}});
  CHECK(body_of(untitled).at("errors").at(0).at("code") == "missing_field");
  // Without push access a milestone cannot be created.
  CHECK(gh.request(http::verb::post, "/repos/octo/tracker/milestones", "tok-outsider",
                   json::object{{"title", "nope"}})
            .result_int() == 404);

  // Pages of one, with GitHub's Link header.
  auto page = gh.request(http::verb::get, "/repos/octo/tracker/milestones?per_page=1", tok);
  CHECK(body_of(page).as_array().size() == 1);
  CHECK(std::string(page[http::field::link]).find("rel=\"next\"") != std::string::npos);

  // The issue's milestone: set by number, rendered as the milestone object, cleared with null.
  auto issue = gh.request(http::verb::post, "/repos/octo/tracker/issues", tok,
                          json::object{{"title", "Planned"}, {"milestone", 3}});
  REQUIRE(issue.result_int() == 201);
  CHECK(body_of(issue).at("milestone").at("title") == "Sprint 7");
  CHECK(body_of(issue).at("milestone").at("open_issues") == 1);
  auto moved = gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", tok,
                          json::object{{"milestone", 1}});
  CHECK(body_of(moved).at("milestone").at("title") == "v1");
  auto unknown = gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", tok,
                            json::object{{"milestone", 42}});
  CHECK(unknown.result_int() == 422);
  auto cleared = gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", tok,
                            json::object{{"milestone", nullptr}});
  CHECK(body_of(cleared).at("milestone").is_null());
}

}  // namespace ngsync::sandbox::fidelity
