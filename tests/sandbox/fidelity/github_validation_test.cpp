// The GitHub emulator is no more lenient than GitHub on the endpoints the daemon calls and on
// the label endpoints: each case cites the documented (or recorded) behaviour it reproduces.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {
const std::string tok = "tok-octo";
const std::string repo = "/repos/octo/tracker";

std::vector<std::string> label_names(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& l : list.as_array()) out.emplace_back(l.at("name").as_string());
  return out;
}

// The 422 form: message "Validation Failed", an errors array and a documentation_url.
json::object only_error(const api_response& res) {
  INFO(res.body());
  REQUIRE(res.result_int() == 422);
  const auto o = body_of(res).as_object();
  CHECK(o.at("message").as_string() == "Validation Failed");
  CHECK(o.at("documentation_url").is_string());
  REQUIRE(o.at("errors").as_array().size() == 1);
  return o.at("errors").as_array()[0].as_object();
}

int create_issue(github_harness& gh, const json::object& body) {
  auto res = gh.request(http::verb::post, repo + "/issues", tok, body);
  REQUIRE(res.result_int() == 201);
  return static_cast<int>(body_of(res).at("number").as_int64());
}
}  // namespace

// docs.github.com/rest/issues/labels#add-labels-to-an-issue: the answer is 200 with the list of
// the issue's labels (label objects), every one now on it, not only those added. Label names are
// unique regardless of case on GitHub, so "BUG" is the existing label "bug".
TEST_CASE("github labels: adding answers every label on the issue, matched without case") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  const int n = create_issue(gh, json::object{{"title", "t"}, {"labels", json::array{"sync"}}});
  const auto path = repo + "/issues/" + std::to_string(n) + "/labels";

  auto added = gh.request(http::verb::post, path, tok,
                          json::object{{"labels", json::array{"BUG", "Triage"}}});
  REQUIRE(added.result_int() == 200);
  const auto list = body_of(added);
  CHECK(label_names(list) == std::vector<std::string>{"sync", "bug", "Triage"});
  for (const auto& l : list.as_array()) {
    for (const char* key : {"id", "node_id", "url", "name", "color", "default"})
      CHECK_MESSAGE(l.as_object().contains(key), key);
  }
  CHECK(list.as_array()[0].at("color").as_string() == "00ff00");
  // No second "bug" label was made for "BUG".
  auto again = gh.request(http::verb::post, path, tok, json::array{"bug", "triage"});
  CHECK(label_names(body_of(again)) == std::vector<std::string>{"sync", "bug", "Triage"});

  // PUT replaces, and answers the new set.
  auto set = gh.request(http::verb::put, path, tok, json::object{{"labels", json::array{"SYNC"}}});
  REQUIRE(set.result_int() == 200);
  CHECK(label_names(body_of(set)) == std::vector<std::string>{"sync"});
  // DELETE /labels/{name} matches without case too.
  auto removed = gh.request(http::verb::delete_, path + "/Sync", tok);
  REQUIRE(removed.result_int() == 200);
  CHECK(body_of(removed).as_array().empty());
}

// docs.github.com/rest/issues/labels#create-a-label: `color` is "the hexadecimal color code for
// the label, without the leading #"; anything else is 422 Validation Failed with
// {resource: Label, code: invalid, field: color}. A name that exists (in any case) is
// {code: already_exists}.
TEST_CASE("github labels: an invalid color or a taken name is 422, not 201") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  for (const char* color : {"red", "#00ff00", "00ff0", "gggggg"}) {
    CAPTURE(color);
    auto bad = gh.request(http::verb::post, repo + "/labels", tok,
                          json::object{{"name", "new"}, {"color", color}});
    auto e = only_error(bad);
    CHECK(e.at("resource").as_string() == "Label");
    CHECK(e.at("code").as_string() == "invalid");
    CHECK(e.at("field").as_string() == "color");
    CHECK(body_of(bad).at("documentation_url").as_string() ==
          "https://docs.github.com/rest/issues/labels#create-a-label");
  }
  auto taken = gh.request(http::verb::post, repo + "/labels", tok, json::object{{"name", "BUG"}});
  CHECK(only_error(taken).at("code").as_string() == "already_exists");
  auto made = gh.request(http::verb::post, repo + "/labels", tok,
                         json::object{{"name", "new"}, {"color", "A1B2C3"}});
  REQUIRE(made.result_int() == 201);
  CHECK(body_of(made).at("color").as_string() == "a1b2c3");
}

// A blank title is a missing one (GitHub: 422 {resource: Issue, code: missing_field, field:
// title}); nothing is created.
TEST_CASE("github issues: an empty title is 422 missing_field") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto res = gh.request(http::verb::post, repo + "/issues", tok, json::object{{"title", ""}});
  auto e = only_error(res);
  CHECK(e.at("field").as_string() == "title");
  CHECK(e.at("code").as_string() == "missing_field");
  auto list = gh.request(http::verb::get, repo + "/issues?state=all", tok);
  CHECK(body_of(list).as_array().empty());
}

// Create an issue: "Only users with push access can set assignees for new issues. Assignees are
// silently dropped otherwise." A caller with push access who names a login that cannot be
// assigned gets 422 {value, resource: Issue, field: assignees, code: invalid}, as GitHub answers
// (quoted in octokit users' reports), and no issue.
TEST_CASE("github issues: an unassignable login is 422 for a pusher, dropped for others") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto bad = gh.request(http::verb::post, repo + "/issues", tok,
                        json::object{{"title", "t"}, {"assignees", json::array{"helper", "outsider"}}});
  auto e = only_error(bad);
  CHECK(e.at("value").as_string() == "outsider");
  CHECK(e.at("field").as_string() == "assignees");
  CHECK(e.at("code").as_string() == "invalid");
  CHECK(body_of(gh.request(http::verb::get, repo + "/issues?state=all", tok)).as_array().empty());

  auto dropped = gh.request(http::verb::post, repo + "/issues", "tok-outsider",
                            json::object{{"title", "t"}, {"assignees", json::array{"helper"}}});
  REQUIRE(dropped.result_int() == 201);
  CHECK(body_of(dropped).at("assignees").as_array().empty());
}

// A deleted issue answers 410 "This issue was deleted" on every issue path, not 404.
TEST_CASE("github issues: a deleted issue is 410 Gone") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  const int n = create_issue(gh, json::object{{"title", "t"}});
  gh.emu->act("delete_issue", json::object{{"repo", "octo/tracker"}, {"number", n}});
  const auto path = repo + "/issues/" + std::to_string(n);
  for (auto [method, target] : {std::pair{http::verb::get, path}, {http::verb::patch, path},
                                {http::verb::get, path + "/comments"}}) {
    auto res = gh.request(method, target, tok, json::object{{"title", "x"}});
    CHECK(res.result_int() == 410);
    CHECK(body_of(res).at("message").as_string() == "This issue was deleted");
  }
  CHECK(gh.request(http::verb::get, repo + "/issues/999", tok).result_int() == 404);
}

}  // namespace ngsync::sandbox::fidelity

namespace ngsync::sandbox::fidelity {

// The 65,536-character body limit holds for a pull request's body too, on update as on create
// (a PR is an issue; GitHub answers 422 "body is too long (maximum is 65536 characters)").
TEST_CASE("github pulls: an update with a body over 65,536 characters is 422") {
  github_harness gh;
  auto scenario = basic_scenario();
  scenario["repos"].as_array()[0].as_object()["issues"] = json::array{json::object{
      {"number", 1}, {"title", "PR"}, {"pull_request", json::object{{"head", "feature"}}}}};
  gh.emu->load(scenario);
  auto res = gh.request(http::verb::patch, repo + "/pulls/1", tok,
                        json::object{{"body", std::string(65537, 'x')}});
  auto e = only_error(res);
  CHECK(e.at("resource").as_string() == "PullRequest");
  CHECK(e.at("field").as_string() == "body");
  CHECK(gh.request(http::verb::patch, repo + "/pulls/1", tok,
                   json::object{{"body", std::string(65536, 'x')}})
            .result_int() == 200);
}

}  // namespace ngsync::sandbox::fidelity
