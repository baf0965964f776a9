// Notion page comments in the emulator: GET /v1/comments?block_id= in the reference's shape,
// paged with start_cursor/page_size, and the control action that adds a comment as a person.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/json_shape.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

using verb = http::verb;

const std::string comment_page = "cccccccc-0000-4000-8000-000000000001";
const std::string commenter = "2200a911-6a96-44bb-bd38-6bfb1e01b9f6";

json::object comments_scenario() {
  return json::object{
      {"tokens", json::array{notion_harness::token}},
      {"bot", json::object{{"id", "40673a87-d8ed-41e0-aa55-7f0e8ace24cd"}, {"name", "ngsync"}}},
      {"users", json::array{json::object{{"id", commenter}, {"name", "Ada"}}}},
      {"rate_limit", json::object{{"enabled", false}}},
      {"databases", json::array{json::object{
                        {"id", "c37a2c66-e3aa-4a0d-a447-73de3b80c253"},
                        {"title", "Tasks"},
                        {"data_sources", json::array{json::object{
                                             {"id", "4f93db51-4e1d-4015-b07f-876e34c3b0b1"},
                                             {"name", "Tasks"},
                                             {"properties", json::object{{"Name", "title"}}}}}}}}},
      {"pages",
       json::array{json::object{
           {"id", comment_page},
           {"data_source_id", "4f93db51-4e1d-4015-b07f-876e34c3b0b1"},
           {"properties", json::object{{"Name", "Commented"}}},
           {"comments", json::array{json::object{{"text", "first"}, {"by", commenter}},
                                    json::object{{"text", "second"}, {"by", commenter}}}}}}}};
}

// The example answer of GET /v1/comments in Notion's OpenAPI description.
json::value reference_comments() {
  const auto doc =
      json::parse(read_text(std::string(NGSYNC_REFERENCE_DIR) + "/openapi/notion-openapi.json"));
  return doc.at("paths")
      .at("/v1/comments")
      .at("get")
      .at("responses")
      .at("200")
      .at("content")
      .at("application/json")
      .at("examples")
      .at("OK")
      .at("value");
}

}  // namespace

TEST_CASE("notion: page comments come in pages of the reference shape; people add more") {
  notion_harness h;
  h.notion->load(comments_scenario());
  auto added = h.notion->act(
      "add_comment", json::object{{"page_id", comment_page}, {"text", "third"}, {"by", commenter}});
  const std::string third_id(added.at("id").as_string());

  auto all = h.call_json(verb::get, "/v1/comments?block_id=" + comment_page);
  std::string differences;
  shape_options extra;
  extra.allow_extra = {"$.request_id"};  // every live answer carries one; the example does not
  for (const auto& d : shape_differences(reference_comments(), all, extra)) differences += d + "\n";
  CHECK_MESSAGE(differences.empty(), differences);
  const auto& results = all.at("results").as_array();
  REQUIRE(results.size() == 3);
  CHECK(results[2].at("id") == json::value(third_id));
  CHECK(results[2].at("rich_text").at(0).at("plain_text") == "third");
  CHECK(results[2].at("created_by").at("id") == json::value(commenter));
  CHECK(results[0].at("parent").at("page_id") == json::value(comment_page));
  CHECK(all.at("has_more") == false);

  auto first = h.call_json(verb::get, "/v1/comments?block_id=" + comment_page + "&page_size=2");
  REQUIRE(first.at("results").as_array().size() == 2);
  CHECK(first.at("has_more") == true);
  CHECK(first.at("next_cursor") == json::value(third_id));
  auto rest = h.call_json(verb::get, "/v1/comments?block_id=" + comment_page +
                                         "&page_size=2&start_cursor=" +
                                         std::string(first.at("next_cursor").as_string()));
  REQUIRE(rest.at("results").as_array().size() == 1);
  CHECK(rest.at("results").at(0).at("rich_text").at(0).at("plain_text") == "third");
  CHECK(rest.at("has_more") == false);
  CHECK(rest.at("next_cursor").is_null());

  auto too_big = h.call(verb::get, "/v1/comments?block_id=" + comment_page + "&page_size=101");
  CHECK(too_big.result_int() == 400);
  CHECK(json::parse(too_big.body()).at("code") == "validation_error");
  auto bad_cursor = h.call(verb::get, "/v1/comments?block_id=" + comment_page +
                                          "&start_cursor=00000000-0000-4000-8000-000000000000");
  CHECK(bad_cursor.result_int() == 400);
  auto missing = h.call(verb::get, "/v1/comments");
  CHECK(missing.result_int() == 400);
}

}  // namespace ngsync::sandbox::fidelity
