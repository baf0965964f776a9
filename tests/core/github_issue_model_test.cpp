// GitHub issues from REST and webhook JSON, under both API versions.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <type_traits>

#include <boost/json.hpp>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/webhooks/github_event.hpp"
#include "core/webhooks/notion_event.hpp"

using namespace ngsync::github;
namespace json = boost::json;

namespace {

json::value webhook(const char* name) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/github-webhooks/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

}  // namespace

TEST_CASE("the issue inside a recorded webhook parses") {
  auto payload = webhook("issues.labeled.payload.json");
  const auto& issue_json = payload.as_object().at("issue");
  auto r = parse_issue(issue_json);
  REQUIRE(r.has_value());
  CHECK(r->number == issue_json.at("number").to_number<std::int64_t>());
  CHECK(r->html_url == issue_json.at("html_url").as_string());
  CHECK(r->node_id == issue_json.at("node_id").as_string());
  CHECK(r->title == issue_json.at("title").as_string());
  CHECK(r->user_login == issue_json.at("user").at("login").as_string());
  CHECK(r->labels.size() == issue_json.at("labels").as_array().size());
  CHECK_FALSE(r->labels.empty());
  CHECK(r->labels[0] == issue_json.at("labels").at(0).at("name").as_string());
  CHECK_FALSE(r->is_pull_request);

  auto assigned = webhook("issues.assigned.payload.json");
  auto a = parse_issue(assigned.as_object().at("issue"));
  REQUIRE(a.has_value());
  CHECK(a->assignees.size() == assigned.at("issue").at("assignees").as_array().size());
}

TEST_CASE("both API versions: with and without the singular assignee") {
  const char* v2022 = R"({"number":5,"node_id":"I_x","html_url":"https://github.com/o/r/issues/5",
    "state":"closed","state_reason":"not_planned","title":"T","body":null,
    "labels":[{"id":1,"name":"bug"},"plain"],"assignee":{"login":"a"},
    "assignees":[{"login":"a"},{"login":"b"}],"user":{"login":"me"},"updated_at":"2026-01-01T00:00:00Z",
    "unknown_future_key":{"x":1}})";
  const char* v2026 = R"({"number":5,"state":"open","state_reason":null,"title":"T","body":"text",
    "labels":[],"assignees":[{"login":"a"}],"pull_request":{"url":"u"}})";
  auto old_r = parse_issue(json::parse(v2022));
  REQUIRE(old_r.has_value());
  CHECK(old_r->state == issue_state::closed);
  CHECK(old_r->state_reason == std::string("not_planned"));
  CHECK(old_r->body.empty());
  CHECK(old_r->labels == std::vector<std::string>{"bug", "plain"});
  CHECK(old_r->assignees == std::vector<std::string>{"a", "b"});
  auto new_r = parse_issue(json::parse(v2026));
  REQUIRE(new_r.has_value());
  CHECK(new_r->state == issue_state::open);
  CHECK_FALSE(new_r->state_reason);
  CHECK(new_r->assignees == std::vector<std::string>{"a"});
  CHECK(new_r->is_pull_request);
}

TEST_CASE("malformed issues fail with a message") {
  CHECK_FALSE(parse_issue(json::parse("[]")).has_value());
  CHECK(parse_issue(json::parse(R"({"state":"open"})")).error().message.find("number") !=
        std::string::npos);
  CHECK(parse_issue(json::parse(R"({"number":-1,"state":"open"})"))
            .error()
            .message.find("positive") != std::string::npos);
  CHECK(
      parse_issue(json::parse(R"({"number":1,"state":"merged"})")).error().message.find("state") !=
      std::string::npos);
  CHECK(parse_issue(json::parse(R"({"number":1.5,"state":"open"})")).has_error());
  CHECK_THROWS_AS(parse_issue(json::parse("1")).value(), std::runtime_error);

  auto list = parse_issue_list(json::parse(R"([{"number":1,"state":"open"},{"number":"x"}])"));
  REQUIRE(list.has_value());
  CHECK(list->issues.size() == 1);
  CHECK(list->errors.size() == 1);
}

// One parse-error type for every hand-written JSON parser: a caller handles a Notion page, a
// GitHub issue and either webhook's failure the same way.
static_assert(
    std::is_same_v<decltype(parse_issue(json::value()))::error_type, ngsync::api::parse_error>);
static_assert(std::is_same_v<decltype(ngsync::notion::parse_page(json::value()))::error_type,
                             ngsync::api::parse_error>);
static_assert(std::is_same_v<decltype(ngsync::webhooks::parse_github_issue_event(""))::error_type,
                             ngsync::api::parse_error>);
static_assert(std::is_same_v<decltype(ngsync::webhooks::parse_notion_event(""))::error_type,
                             ngsync::api::parse_error>);

TEST_CASE("a malformed issue fails with the parse error, and value() throws its message") {
  const auto bad = parse_issue(json::parse(R"({"number":3,"state":"merged"})"));
  REQUIRE(bad.has_error());
  CHECK(bad.error().message == R"(issue #3: bad "state" "merged")");
  CHECK_THROWS_WITH_AS(parse_issue(json::value(1)).value(),
                       "malformed JSON: issue: not a JSON object", std::runtime_error);
}
