// Every GitHub operation the daemon uses answers with the status and the response schema of
// GitHub's own OpenAPI description.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_schema_check.hpp"
#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += e + "\n";
  return out;
}

void check_schema(const api_response& res, unsigned status, const std::string& path,
                  const std::string& method) {
  INFO(method << " " << path << " -> " << res.result_int() << " " << res.body().substr(0, 400));
  REQUIRE(res.result_int() == status);
  const auto& schema =
      openapi_document::github().response_schema(path, method, std::to_string(status));
  const auto errors = openapi_document::github().check(body_of(res), schema);
  CHECK_MESSAGE(errors.empty(), joined(errors));
}

}  // namespace

TEST_CASE("github: issue, comment and pull request operations match GitHub's OpenAPI schemas") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  const std::string tok = "tok-octo";

  auto created = gh.request(http::verb::post, "/repos/octo/tracker/issues", tok,
                            json::object{{"title", "First"},
                                         {"body", "<!-- Notion-Page-ID: p1 -->"},
                                         {"labels", json::array{"bug", "new-label"}},
                                         {"assignees", json::array{"helper"}},
                                         {"milestone", 1}});
  check_schema(created, 201, "/repos/{owner}/{repo}/issues", "post");
  const auto issue = body_of(created).as_object();
  CHECK(issue.at("number").as_int64() == 1);
  CHECK(issue.at("html_url").as_string() == "https://github.example/octo/tracker/issues/1");
  CHECK(issue.at("labels").as_array().size() == 2);
  CHECK(issue.at("assignee").as_object().at("login").as_string() == "helper");
  CHECK(issue.at("user").as_object().at("login").as_string() == "octo");
  CHECK(issue.at("author_association").as_string() == "OWNER");

  check_schema(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", tok), 200,
               "/repos/{owner}/{repo}/issues/{issue_number}", "get");
  auto closed = gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", tok,
                           json::object{{"state", "closed"}, {"state_reason", "not_planned"}});
  check_schema(closed, 200, "/repos/{owner}/{repo}/issues/{issue_number}", "patch");
  CHECK(body_of(closed).at("state_reason").as_string() == "not_planned");
  CHECK(body_of(closed).at("closed_by").at("login").as_string() == "octo");
  CHECK(body_of(closed).at("closed_at").is_string());

  auto comment = gh.request(http::verb::post, "/repos/octo/tracker/issues/1/comments", tok,
                            json::object{{"body", "hello"}});
  check_schema(comment, 201, "/repos/{owner}/{repo}/issues/{issue_number}/comments", "post");
  const auto comment_id = body_of(comment).at("id").as_int64();
  check_schema(gh.request(http::verb::get, "/repos/octo/tracker/issues/1/comments", tok), 200,
               "/repos/{owner}/{repo}/issues/{issue_number}/comments", "get");
  auto edited_comment = gh.request(
      http::verb::patch, "/repos/octo/tracker/issues/comments/" + std::to_string(comment_id), tok,
      json::object{{"body", "edited"}});
  check_schema(edited_comment, 200, "/repos/{owner}/{repo}/issues/comments/{comment_id}", "patch");
  CHECK(body_of(edited_comment).at("body").as_string() == "edited");

  // GitHub opens a pull request only from an existing branch with a commit its base lacks.
  const auto main_sha = body_of(gh.request(http::verb::get,
                                           "/repos/octo/tracker/git/ref/heads/main", tok))
                            .at("object")
                            .at("sha");
  const auto root = body_of(gh.request(http::verb::get,
                                       "/repos/octo/tracker/git/commits/" +
                                           std::string(main_sha.as_string()),
                                       tok));
  const auto work = body_of(gh.request(
      http::verb::post, "/repos/octo/tracker/git/commits", tok,
      json::object{
          {"message", "wip"}, {"tree", root.at("tree").at("sha")}, {"parents", json::array{main_sha}}}));
  REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/git/refs", tok,
                     json::object{{"ref", "refs/heads/feature-x"}, {"sha", work.at("sha")}})
              .result_int() == 201);
  auto pull = gh.request(http::verb::post, "/repos/octo/tracker/pulls", tok,
                         json::object{{"title", "Draft"},
                                      {"head", "feature-x"},
                                      {"base", "main"},
                                      {"body", "wip"},
                                      {"draft", true}});
  check_schema(pull, 201, "/repos/{owner}/{repo}/pulls", "post");
  CHECK(body_of(pull).at("draft").as_bool());
  CHECK(body_of(pull).at("number").as_int64() == 2);  // issues and pulls share numbers
  auto closed_pull = gh.request(http::verb::patch, "/repos/octo/tracker/pulls/2", tok,
                                json::object{{"state", "closed"}});
  check_schema(closed_pull, 200, "/repos/{owner}/{repo}/pulls/{pull_number}", "patch");
  CHECK(body_of(closed_pull).at("state").as_string() == "closed");
  check_schema(gh.request(http::verb::get, "/repos/octo/tracker/pulls/2", tok), 200,
               "/repos/{owner}/{repo}/pulls/{pull_number}", "get");

  auto list = gh.request(http::verb::get, "/repos/octo/tracker/issues?state=all", tok);
  check_schema(list, 200, "/repos/{owner}/{repo}/issues", "get");
  const json::array items = body_of(list).as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].as_object().contains("pull_request"));  // newest first: the pull request
  CHECK_FALSE(items[1].as_object().contains("pull_request"));

  auto search =
      gh.request(http::verb::get,
                 "/search/issues?q=%22Notion-Page-ID:%20p1%22%20in:body%20repo:octo/tracker", tok);
  check_schema(search, 200, "/search/issues", "get");
  CHECK(body_of(search).at("total_count").as_int64() == 1);
}

TEST_CASE("github: errors are shaped like GitHub's") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  const auto& doc = openapi_document::github();

  auto too_long = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                             json::object{{"title", "t"}, {"body", std::string(65537, 'x')}});
  REQUIRE(too_long.result_int() == 422);
  CHECK(doc.check(body_of(too_long), doc.component("validation-error")).empty());
  const auto err = body_of(too_long).as_object();
  CHECK(err.at("message").as_string() == "Validation Failed");
  CHECK(err.at("status").as_string() == "422");
  CHECK(err.at("errors").at(0).at("message").as_string() ==
        "body is too long (maximum is 65536 characters)");
  CHECK(err.at("errors").at(0).at("field").as_string() == "body");
  // Exactly at the limit is fine, and multi-byte characters count once.
  std::string at_limit;
  for (int i = 0; i < 65536; ++i) at_limit += "\xC3\xA9";
  CHECK(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                   json::object{{"title", std::string(256, 'a')}, {"body", at_limit}})
            .result_int() == 201);
  auto long_title = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                               json::object{{"title", std::string(257, 'a')}});
  CHECK(long_title.result_int() == 422);
  CHECK(body_of(long_title).at("errors").at(0).at("field").as_string() == "title");
  CHECK(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                   json::object{{"body", "no title"}})
            .result_int() == 422);

  auto missing = gh.request(http::verb::get, "/repos/octo/tracker/issues/99", "tok-octo");
  CHECK(missing.result_int() == 404);
  CHECK(doc.check(body_of(missing), doc.component("basic-error")).empty());
  CHECK(body_of(missing).at("status").as_string() == "404");
  CHECK(gh.request(http::verb::get, "/repos/octo/nothing/issues", "tok-octo").result_int() == 404);

  gh.emu->act("set_issues_enabled", json::object{{"repo", "octo/tracker"}, {"enabled", false}});
  auto gone = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                         json::object{{"title", "x"}});
  CHECK(gone.result_int() == 410);
  CHECK(body_of(gone).at("message").as_string() == "Issues are disabled for this repo");

  auto bad_json = gh.send(
      github_harness::make(http::verb::post, "/repos/octo/tracker/pulls", "tok-octo", "{not json"));
  CHECK(bad_json.result_int() == 400);
  CHECK(body_of(bad_json).at("message").as_string() == "Problems parsing JSON");
}

TEST_CASE("github: labels, assignees and API versions behave as on GitHub") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
             json::object{{"title", "A"}, {"labels", json::array{"bug"}}});
  auto patched =
      gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", "tok-octo",
                 json::object{{"labels", json::array{"sync", "brand-new"}},
                              {"assignees", json::array{"helper", "stranger", "outsider"}}});
  REQUIRE(patched.result_int() == 200);
  const auto issue = body_of(patched).as_object();
  std::vector<std::string> labels, assignees;
  for (const auto& l : issue.at("labels").as_array()) labels.emplace_back(l.at("name").as_string());
  for (const auto& a : issue.at("assignees").as_array())
    assignees.emplace_back(a.at("login").as_string());
  CHECK(labels == std::vector<std::string>{"sync", "brand-new"});  // replaced; unknown created
  CHECK(assignees == std::vector<std::string>{"helper"});  // non-collaborators dropped silently

  // Without push access labels and assignees are dropped, the issue is still created.
  auto outsider = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-outsider",
                             json::object{{"title", "B"}, {"labels", json::array{"bug"}}});
  REQUIRE(outsider.result_int() == 201);
  CHECK(body_of(outsider).at("labels").as_array().empty());
  CHECK(body_of(outsider).at("author_association").as_string() == "NONE");

  auto req = github_harness::make(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  req.set("X-GitHub-Api-Version", "2026-03-10");
  auto v2026 = gh.send(req);
  REQUIRE(v2026.result_int() == 200);
  CHECK_FALSE(body_of(v2026).as_object().contains("assignee"));
  CHECK(body_of(v2026).as_object().contains("assignees"));
  req.set("X-GitHub-Api-Version", "2020-01-01");
  CHECK(gh.send(req).result_int() == 400);

  auto no_agent = github_harness::make(http::verb::get, "/repos/octo/tracker/issues/1", "tok-octo");
  no_agent.erase(http::field::user_agent);
  CHECK(gh.send(no_agent).result_int() == 403);
  CHECK(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "wrong").result_int() == 401);
  CHECK(body_of(gh.request(http::verb::get, "/repos/octo/tracker/issues/1", "wrong"))
            .at("message")
            .as_string() == "Bad credentials");
  auto counts = gh.emu->call_counts().as_object();
  CHECK(counts.at("GET /repos/{o}/{r}/issues/{n}").as_int64() == 5);
  CHECK(counts.at("PATCH /repos/{o}/{r}/issues/{n}").as_int64() == 1);
}

}  // namespace ngsync::sandbox::fidelity

namespace ngsync::sandbox::fidelity {

TEST_CASE("github: the schema check refuses documents GitHub's schema refuses") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto created = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                            json::object{{"title", "x"}});
  const auto& doc = openapi_document::github();
  const auto& schema = doc.response_schema("/repos/{owner}/{repo}/issues", "post", "201");
  json::object issue = body_of(created).as_object();
  REQUIRE(doc.check(issue, schema).empty());
  json::object missing = issue;
  missing.erase("number");
  CHECK(doc.check(missing, schema).size() == 1);
  json::object wrong_type = issue;
  wrong_type["locked"] = "no";
  CHECK(doc.check(wrong_type, schema).size() == 1);
  json::object bad_user = issue;
  bad_user["user"].as_object().erase("login");
  CHECK(doc.check(bad_user, schema).size() == 1);
  json::object not_null = issue;
  not_null["title"] = nullptr;
  CHECK(doc.check(not_null, schema).size() == 1);
  json::object bad_enum = issue;
  bad_enum["author_association"] = "FRIEND";
  CHECK_FALSE(doc.check(bad_enum, schema).empty());
}

}  // namespace ngsync::sandbox::fidelity
