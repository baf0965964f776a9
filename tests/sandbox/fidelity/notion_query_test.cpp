// The Notion emulator's data source queries as the daemon relies on them: pages in order over
// several requests without duplicates, the 10,000-result cap, filters and sorts.
#include <doctest/doctest.h>

#include <set>

#include "tests/sandbox/fidelity/notion_fidelity_world.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace {

using namespace ngsync::sandbox;
using namespace ngsync::sandbox::fidelity;
using verb = http::verb;

}  // namespace

TEST_CASE("query: 250 pages over three requests, in order, no duplicates") {
  notion_harness h;
  h.notion->load(simple_scenario(
      {{"generate_pages", json::array{json::object{{"data_source_id", ds_id}, {"count", 250}}}}}));
  std::set<std::string> ids;
  std::vector<std::string> titles;
  json::value cursor = nullptr;
  int requests = 0;
  for (;;) {
    json::object q{{"page_size", 100}};
    if (!cursor.is_null()) q["start_cursor"] = cursor;
    const auto body =
        h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query", json::serialize(q));
    ++requests;
    for (const auto& p : body.at("results").as_array()) {
      ids.insert(std::string(p.at("id").as_string()));
      titles.push_back(std::string(
          p.at("properties").at("Name").at("title").at(0).at("plain_text").as_string()));
    }
    if (!body.at("has_more").as_bool()) {
      CHECK(body.at("next_cursor").is_null());
      CHECK_FALSE(body.as_object().contains("request_status"));
      break;
    }
    cursor = body.at("next_cursor");
    REQUIRE(requests < 10);
  }
  CHECK(requests == 3);
  CHECK(ids.size() == 250);
  CHECK(titles.front() == "Page 1");
  CHECK(titles.back() == "Page 250");

  auto res = h.call(verb::post, "/v1/data_sources/" + ds_id + "/query", R"({"page_size": 101})");
  CHECK(res.result_int() == 400);
  CHECK(json::parse(res.body()).at("code") == "validation_error");
  res = h.call(verb::post, "/v1/data_sources/" + ds_id + "/query",
               R"({"start_cursor": "not-a-cursor"})");
  CHECK(res.result_int() == 400);
}

TEST_CASE("query: the 10,000-result cap ends with request_status incomplete") {
  notion_harness h;
  h.notion->load(
      simple_scenario({{"generate_pages",
                        json::array{json::object{{"data_source_id", ds_id}, {"count", 10050}}}}}));
  std::size_t total = 0;
  json::value cursor = nullptr;
  json::value last;
  for (int i = 0; i < 200; ++i) {
    json::object q{{"page_size", 100}};
    if (!cursor.is_null()) q["start_cursor"] = cursor;
    // Trimming properties keeps the 100 requests quick.
    last = h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query?filter_properties=title",
                       json::serialize(q));
    total += last.at("results").as_array().size();
    if (!last.at("has_more").as_bool()) break;
    cursor = last.at("next_cursor");
  }
  CHECK(total == 10000);
  CHECK(last.at("has_more") == false);
  REQUIRE(last.as_object().contains("request_status"));
  CHECK(last.at("request_status").at("type") == "incomplete");
  CHECK(last.at("request_status").at("incomplete_reason") == "query_result_limit_reached");
}

TEST_CASE("filters: status and select equals, and/or compounds; sorts by property") {
  notion_harness h;
  json::array pages;
  const char* statuses[] = {"Not started", "In progress", "Done", "Done"};
  const char* kinds[] = {"Bug", "Feature", "Bug", "Feature"};
  for (int i = 0; i < 4; ++i)
    pages.push_back(json::object{{"data_source_id", ds_id},
                                 {"properties", json::object{{"Name", "T" + std::to_string(i)},
                                                             {"Status", statuses[i]},
                                                             {"Kind", kinds[i]}}}});
  h.notion->load(simple_scenario({{"pages", pages}}));
  auto count = [&](json::value filter) {
    return h
        .call_json(verb::post, "/v1/data_sources/" + ds_id + "/query",
                   json::serialize(json::object{{"filter", filter}}))
        .at("results")
        .as_array()
        .size();
  };
  CHECK(count(json::parse(R"({"property":"Status","status":{"equals":"Done"}})")) == 2);
  CHECK(count(json::parse(R"({"property":"Kind","select":{"equals":"Bug"}})")) == 2);
  CHECK(
      count(json::parse(
          R"({"and":[{"property":"Status","status":{"equals":"Done"}},{"property":"Kind","select":{"equals":"Bug"}}]})")) ==
      1);
  CHECK(
      count(json::parse(
          R"({"or":[{"property":"Status","status":{"equals":"Not started"}},{"property":"Kind","select":{"equals":"Feature"}}]})")) ==
      3);
  auto res = h.call(verb::post, "/v1/data_sources/" + ds_id + "/query",
                    R"({"filter":{"property":"Missing","status":{"equals":"Done"}}})");
  CHECK(res.result_int() == 400);
  CHECK(json::parse(res.body()).at("code") == "validation_error");

  auto sorted = h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query",
                            R"({"sorts":[{"property":"Name","direction":"descending"}]})");
  CHECK(sorted.at("results").at(0).at("properties").at("Name").at("title").at(0).at("plain_text") ==
        "T3");
}
