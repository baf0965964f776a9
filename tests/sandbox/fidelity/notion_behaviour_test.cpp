// The Notion emulator's behaviours around pages that the daemon depends on: timestamps rounded to
// the minute, the rate limit, API versions and trash, truncated people lists, and page content.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/notion_fidelity_world.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace {

using namespace ngsync::sandbox;
using namespace ngsync::sandbox::fidelity;
using verb = http::verb;

}  // namespace

TEST_CASE(
    "timestamps: rounded down to the minute, bumped by API writes, `after` misses same-minute "
    "edits") {
  notion_harness h;
  h.notion->load(simple_scenario({{"pages", json::array{one_page()}}}));
  // Move the clock to 20 s into a minute so two edits 10 s apart share it.
  const auto now = h.clock.now();
  const auto into = now - std::chrono::floor<std::chrono::minutes>(now);
  h.clock.advance(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(80) - into));

  auto first =
      h.call_json(verb::patch, "/v1/pages/" + page_a,
                  R"({"properties":{"Notes":{"rich_text":[{"text":{"content":"one"}}]}}})");
  const std::string t1(first.at("last_edited_time").as_string());
  CHECK(t1.substr(16) == ":00.000Z");
  CHECK(first.at("last_edited_by").at("id") == json::value(bot_id));
  h.clock.advance(std::chrono::seconds(10));
  auto second =
      h.call_json(verb::patch, "/v1/pages/" + page_a,
                  R"({"properties":{"Notes":{"rich_text":[{"text":{"content":"two"}}]}}})");
  CHECK(second.at("last_edited_time") == json::value(t1));

  auto query = [&](const char* op) {
    const auto body = json::serialize(
        json::object{{"filter", json::object{{"timestamp", "last_edited_time"},
                                             {"last_edited_time", json::object{{op, t1}}}}},
                     {"sorts", json::array{json::object{{"timestamp", "last_edited_time"},
                                                        {"direction", "ascending"}}}}});
    return h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query", body)
        .at("results")
        .as_array()
        .size();
  };
  CHECK(query("after") == 0);  // the pitfall: the second edit is invisible to `after`
  CHECK(query("on_or_after") == 1);
  CHECK(query("before") == 0);
  CHECK(query("on_or_before") == 1);

  // A person's edit through the control API bumps the time and names the person.
  h.clock.advance(std::chrono::minutes(2));
  auto edited = h.notion->act(
      "edit_page",
      json::object{{"page_id", page_a}, {"properties", json::object{{"Status", "Done"}}}});
  CHECK(edited.at("last_edited_by").at("id") == json::value(person_id));
  CHECK(edited.at("last_edited_time") != json::value(t1));
  CHECK(query("after") == 1);
}

TEST_CASE(
    "rate limit: 429 rate_limited with Retry-After past the burst; early retries are violations") {
  notion_harness h;
  auto s = simple_scenario({{"pages", json::array{one_page()}}});
  s["rate_limit"] = json::object{{"enabled", true}, {"requests_per_second", 3}, {"burst", 6}};
  h.notion->load(s);
  int ok = 0;
  api_response limited;
  for (int i = 0; i < 20; ++i) {
    auto res = h.call(verb::get, "/v1/pages/" + page_a);
    if (res.result_int() == 200) {
      ++ok;
      continue;
    }
    limited = res;
    break;
  }
  CHECK(ok >= 6);
  CHECK(ok <= 8);  // the burst plus what refilled while the loop ran
  REQUIRE(limited.result_int() == 429);
  CHECK(json::parse(limited.body()).at("code") == "rate_limited");
  const int retry_after = std::stoi(std::string(limited[http::field::retry_after]));
  CHECK(retry_after >= 1);
  CHECK(h.violations.empty());

  auto early = h.call(verb::get, "/v1/pages/" + page_a);
  CHECK(early.result_int() == 429);
  CHECK(h.violations.size() == 1);

  h.clock.advance(std::chrono::seconds(retry_after));
  CHECK(h.call(verb::get, "/v1/pages/" + page_a).result_int() == 200);
  CHECK(h.violations.size() == 1);

  // A faster limit (speed factor) lets a longer burst through.
  h.speed = 10;
  h.clock.advance(std::chrono::seconds(30));
  int fast_ok = 0;
  for (int i = 0; i < 40 && h.call(verb::get, "/v1/pages/" + page_a).result_int() == 200; ++i)
    ++fast_ok;
  CHECK(fast_ok >= 40);
}

TEST_CASE(
    "versions: 2025-09-03 has archived and in_trash, 2026-03-11 only in_trash; trash hides from "
    "queries") {
  notion_harness h;
  h.notion->load(simple_scenario({{"pages", json::array{one_page()}}}));
  auto old_shape = h.call_json(verb::get, "/v1/pages/" + page_a, "", "2025-09-03");
  CHECK(old_shape.as_object().contains("archived"));
  CHECK(old_shape.as_object().contains("in_trash"));
  auto new_shape = h.call_json(verb::get, "/v1/pages/" + page_a, "", "2026-03-11");
  CHECK_FALSE(new_shape.as_object().contains("archived"));
  CHECK(new_shape.at("in_trash") == false);

  auto trashed =
      h.call_json(verb::patch, "/v1/pages/" + page_a, R"({"in_trash": true})", "2026-03-11");
  CHECK(trashed.at("in_trash") == true);
  auto q = h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query", "{}", "2026-03-11");
  CHECK(q.at("results").as_array().empty());
  auto res = h.call(verb::patch, "/v1/pages/" + page_a,
                    R"({"properties":{"Name":{"title":[{"text":{"content":"x"}}]}}})");
  CHECK(res.result_int() == 400);  // editing a trashed page
  h.call(verb::patch, "/v1/pages/" + page_a, R"({"archived": false})", "2025-09-03");
  q = h.call_json(verb::post, "/v1/data_sources/" + ds_id + "/query", "{}");
  CHECK(q.at("results").as_array().size() == 1);
}

TEST_CASE("people past 25 are truncated in the page and paginated by the property item endpoint") {
  notion_harness h;
  json::array users, owners;
  for (int i = 0; i < 30; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "cccccccc-0000-4000-8000-%012d", i);
    users.push_back(
        json::object{{"id", id}, {"name", "U" + std::to_string(i)}, {"email", "u@example.com"}});
    owners.push_back(json::value(id));
  }
  auto s = simple_scenario({{"pages", json::array{one_page({{"Owners", owners}})}}});
  s["users"] = users;
  h.notion->load(s);
  auto page = h.call_json(verb::get, "/v1/pages/" + page_a);
  CHECK(page.at("properties").at("Owners").at("people").as_array().size() == 25);
  const std::string prop_id(page.at("properties").at("Owners").at("id").as_string());
  std::size_t total = 0;
  std::string cursor;
  for (int i = 0; i < 10; ++i) {
    auto body =
        h.call_json(verb::get, "/v1/pages/" + page_a + "/properties/" + prop_id + "?page_size=10" +
                                   (cursor.empty() ? "" : "&start_cursor=" + cursor));
    CHECK(body.at("object") == "list");
    CHECK(body.at("type") == "property_item");
    for (const auto& item : body.at("results").as_array()) {
      CHECK(item.at("object") == "property_item");
      CHECK(item.at("people").at("object") == "user");
      ++total;
    }
    if (!body.at("has_more").as_bool()) break;
    cursor = std::string(body.at("next_cursor").as_string());
  }
  CHECK(total == 30);
}

TEST_CASE(
    "content: set_content markdown round-trips through the markdown endpoint and block children") {
  notion_harness h;
  h.notion->load(simple_scenario({{"pages", json::array{one_page()}}}));
  const std::string md = "# Title\nSome text\n- one\n- [x] done\n```cpp\nint x;\n```";
  h.notion->act("set_content", json::object{{"page_id", page_a}, {"markdown", md}});
  auto body = h.call_json(verb::get, "/v1/pages/" + page_a + "/markdown");
  CHECK(body.at("object") == "page_markdown");
  CHECK(body.at("markdown") == json::value(md));
  CHECK(body.at("truncated") == false);
  CHECK(body.at("unknown_block_ids").as_array().empty());
  auto blocks = h.call_json(verb::get, "/v1/blocks/" + page_a + "/children?page_size=2");
  CHECK(blocks.at("results").as_array().size() == 2);
  CHECK(blocks.at("has_more") == true);
  CHECK(blocks.at("results").at(0).at("type") == "heading_1");
  auto rest =
      h.call_json(verb::get, "/v1/blocks/" + page_a + "/children?page_size=100&start_cursor=" +
                                 std::string(blocks.at("next_cursor").as_string()));
  CHECK(rest.at("results").as_array().size() == 3);
}
