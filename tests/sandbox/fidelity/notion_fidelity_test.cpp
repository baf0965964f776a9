// The Notion emulator against recorded real responses (same keys, same value types) and against
// the behaviours the daemon depends on: errors, pagination, the 10,000 cap, minute rounding,
// the rate limit, trash, truncation, Markdown and webhooks.
#include <doctest/doctest.h>

#include <set>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/sandbox/fidelity/json_shape.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace {

using namespace ngsync::sandbox;
using namespace ngsync::sandbox::fidelity;
using verb = http::verb;

const std::string ds_id = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
const std::string db_id = "c37a2c66-e3aa-4a0d-a447-73de3b80c253";
const std::string person_id = "2200a911-6a96-44bb-bd38-6bfb1e01b9f6";
const std::string bot_id = "40673a87-d8ed-41e0-aa55-7f0e8ace24cd";

void check_shape(const json::value& expected, const json::value& actual,
                 const shape_options& o = {}) {
  const auto diffs = shape_differences(expected, actual, o);
  for (const auto& d : diffs) INFO(d);
  std::string all;
  for (const auto& d : diffs) all += d + "\n";
  CHECK_MESSAGE(diffs.empty(), all);
}

// A page of the scenario made from a recorded page object: same id, times, people, values.
json::object page_spec(const json::object& page) {
  json::object spec{{"id", page.at("id")},
                    {"data_source_id", ds_id},
                    {"created_time", page.at("created_time")},
                    {"last_edited_time", page.at("last_edited_time")},
                    {"created_by", page.at("created_by").at("id")},
                    {"last_edited_by", page.at("last_edited_by").at("id")},
                    {"public_url", page.at("public_url")}};
  json::object props;
  for (const auto& [name, value] : page.at("properties").as_object()) props[name] = value;
  spec["properties"] = props;
  return spec;
}

// A scenario built to match the recorded fixtures' ids and schema.
json::object fixture_scenario() {
  const auto ds = read_fixture("retrieve_data_source_data_source.json").as_object();
  const auto db = read_fixture("retrieve_database_database.json").as_object();
  const auto page = read_fixture("retrieve_page_db_first.json").as_object();
  const auto query = read_fixture("query_data_source_limit_2.json").as_object();
  const auto updated = read_fixture("update_page_all.json").as_object();
  const auto blocks = read_fixture("retrieve_block_children_block_test_page.json").as_object();

  json::array pages;
  std::set<std::string> seen;
  auto add = [&](const json::object& p) {
    if (seen.insert(std::string(p.at("id").as_string())).second) pages.push_back(page_spec(p));
  };
  for (const auto& r : query.at("results").as_array()) add(r.as_object());
  add(page);
  add(updated);
  // The block fixture's page, holding the recorded blocks as its content.
  json::array content;
  for (const auto& b : blocks.at("results").as_array()) content.push_back(b);
  pages.push_back(json::object{{"id", "67cf059c-e746-46a0-b72d-481c9ff5d386"},
                               {"data_source_id", ds_id},
                               {"properties", json::object{{"Title", "Block test page"}}},
                               {"content", content}});

  // The recording has a page property its data source lacks (the relation's schema changed
  // between the two recordings): give the schema that property so the page can hold it.
  json::object schema = ds.at("properties").as_object();
  for (const auto& p : {page, query.at("results").at(0).as_object(), updated})
    for (const auto& [name, value] : p.at("properties").as_object())
      if (!schema.contains(name)) {
        const std::string type(value.at("type").as_string());
        schema[name] = json::object{{"id", value.at("id")},
                                    {"name", name},
                                    {"description", nullptr},
                                    {"type", type},
                                    {type, json::object{}}};
      }

  const auto& user = page.at("properties").at("UserTitle").at("people").at(0).as_object();
  return json::object{
      {"tokens", json::array{notion_harness::token}},
      {"bot", json::object{{"id", bot_id},
                           {"name", "ngsync"},
                           {"avatar_url", updated.at("properties")
                                              .at("LastEditedByTitle")
                                              .at("last_edited_by")
                                              .at("avatar_url")}}},
      {"users", json::array{json::object{{"id", person_id},
                                         {"name", user.at("name")},
                                         {"email", user.at("person").at("email")},
                                         {"avatar_url", user.at("avatar_url")}}}},
      {"rate_limit", json::object{{"enabled", false}}},
      {"databases",
       json::array{json::object{
           {"id", db_id},
           {"title", "Sample table"},
           {"parent_page_id", db.at("parent").at("page_id")},
           {"is_inline", true},
           {"public_url", db.at("public_url")},
           {"data_sources", json::array{json::object{{"id", ds_id},
                                                     {"name", "Sample table"},
                                                     {"icon", ds.at("icon")},
                                                     {"public_url", ds.at("public_url")},
                                                     {"properties", schema}}}}}}},
      {"pages", pages}};
}

// The JSON body of a recorded curl call (--data '...').
std::string request_body_of(const std::string& request_sh) {
  const auto text = read_text(std::string(NGSYNC_REFERENCE_DIR) + "/notion-fixtures/" + request_sh);
  const auto start = text.find("--data '");
  REQUIRE(start != std::string::npos);
  const auto end = text.rfind('\'');
  return text.substr(start + 8, end - start - 8);
}

json::object simple_scenario(json::object extra = {}) {
  json::object s{
      {"tokens", json::array{notion_harness::token}},
      {"bot", json::object{{"id", bot_id}, {"name", "ngsync"}}},
      {"users",
       json::array{json::object{{"id", person_id}, {"name", "Ada"}, {"email", "ada@example.com"}}}},
      {"rate_limit", json::object{{"enabled", false}}},
      {"databases",
       json::array{json::object{
           {"id", db_id},
           {"title", "Tasks"},
           {"data_sources",
            json::array{json::object{
                {"id", ds_id},
                {"name", "Tasks"},
                {"properties",
                 json::object{
                     {"Name", "title"},
                     {"Status",
                      json::object{{"type", "status"},
                                   {"options", json::array{"Not started", "In progress", "Done"}}}},
                     {"Kind",
                      json::object{{"type", "select"}, {"options", json::array{"Bug", "Feature"}}}},
                     {"Owners", "people"},
                     {"Notes", "rich_text"},
                     {"Issue", "url"}}}}}}}}}};
  for (auto& [k, v] : extra) s[k] = v;
  return s;
}

const std::string page_a = "aaaaaaaa-0000-4000-8000-000000000001";

json::object one_page(json::object props = {}) {
  if (!props.contains("Name")) props["Name"] = "First task";
  return json::object{{"id", page_a}, {"data_source_id", ds_id}, {"properties", props}};
}

}  // namespace

TEST_CASE(
    "fidelity: every recorded Notion response has an emulator counterpart of the same shape") {
  notion_harness h;
  h.notion->load(fixture_scenario());

  SUBCASE("GET /v1/databases/{id}") {
    check_shape(read_fixture("retrieve_database_database.json"),
                h.call_json(verb::get, "/v1/databases/c37a2c66e3aa4a0da44773de3b80c253"));
  }
  SUBCASE("GET /v1/data_sources/{id}") {
    shape_options o;
    o.allow_extra = {"$.properties.Related to New database title (Relation) 1"};  // see above
    check_shape(read_fixture("retrieve_data_source_data_source.json"),
                h.call_json(verb::get, "/v1/data_sources/4f93db514e1d4015b07f876e34c3b0b1"), o);
  }
  SUBCASE("GET /v1/data_sources/{id} not shared: 404 object_not_found") {
    auto res = h.call(verb::get, "/v1/data_sources/00da364baaca4b3b94f521db691d804a");
    CHECK(res.result_int() == 404);
    const auto expected = read_fixture("retrieve_data_source_unpermitted_data_source.json");
    const auto actual = json::parse(res.body());
    check_shape(expected, actual);
    CHECK(actual.at("message") == expected.at("message"));
  }
  SUBCASE("GET /v1/pages/{id}") {
    const auto expected = read_fixture("retrieve_page_db_first.json");
    const auto actual = h.call_json(verb::get, "/v1/pages/dcdc805c85fa4155a55c20fc28771af7");
    check_shape(expected, actual);
    // Values survive the round trip, not only the shape.
    CHECK(actual.at("properties").at("StatusTitle") == expected.at("properties").at("StatusTitle"));
    CHECK(actual.at("properties").at("UserTitle") == expected.at("properties").at("UserTitle"));
    CHECK(actual.at("last_edited_time") == expected.at("last_edited_time"));
  }
  SUBCASE("POST /v1/data_sources/{id}/query page_size 2") {
    const auto expected = read_fixture("query_data_source_limit_2.json");
    const auto actual =
        h.call_json(verb::post, "/v1/data_sources/4f93db514e1d4015b07f876e34c3b0b1/query",
                    R"({"page_size": 2})");
    check_shape(expected, actual);
    CHECK(actual.at("has_more") == true);
    CHECK(actual.at("results").as_array().size() == 2);
  }
  SUBCASE("PATCH /v1/pages/{id} with every property type") {
    const auto expected = read_fixture("update_page_all.json");
    const auto actual = h.call_json(verb::patch, "/v1/pages/206ffaa277744a99baf593e28730240c",
                                    request_body_of("update_page_all.request.sh"));
    shape_options o;
    check_shape(expected, actual, o);
    CHECK(actual.at("properties").at("StatusTitle").at("status").at("name") == "Design");
    CHECK(actual.at("properties").at("NumberTitle").at("number").as_double() ==
          doctest::Approx(3.1415926535));
    CHECK(actual.at("last_edited_by").at("id") == json::value(bot_id));
  }
  SUBCASE("GET /v1/blocks/{id}/children") {
    shape_options o;
    o.allow_extra = {"$.request_id"};  // the recording predates request ids on block lists
    check_shape(read_fixture("retrieve_block_children_block_test_page.json"),
                h.call_json(verb::get,
                            "/v1/blocks/67cf059ce74646a0b72d481c9ff5d386/children?page_size=100"),
                o);
  }
}

TEST_CASE("errors: missing_version, unauthorized, object_not_found, invalid_request_url") {
  notion_harness h;
  h.notion->load(simple_scenario({{"pages", json::array{one_page()}}}));
  const std::set<std::string> error_keys{"object", "status", "code", "message", "request_id"};
  auto keys = [](const json::value& v) {
    std::set<std::string> out;
    for (const auto& [k, x] : v.as_object()) out.insert(std::string(k));
    return out;
  };

  auto res = h.call(verb::get, "/v1/pages/" + page_a, "", "");
  CHECK(res.result_int() == 400);
  auto body = json::parse(res.body());
  CHECK(body.at("code") == "missing_version");
  CHECK(keys(body) == error_keys);

  res = h.call(verb::get, "/v1/pages/" + page_a, "", "2025-09-03", "Bearer secret_wrong");
  CHECK(res.result_int() == 401);
  CHECK(json::parse(res.body()).at("code") == "unauthorized");
  res = h.call(verb::get, "/v1/pages/" + page_a, "", "2025-09-03", "");
  CHECK(res.result_int() == 401);

  res = h.call(verb::get, "/v1/pages/bbbbbbbb-0000-4000-8000-000000000009");
  CHECK(res.result_int() == 404);
  body = json::parse(res.body());
  CHECK(body.at("code") == "object_not_found");
  CHECK(keys(body) == error_keys);

  res = h.call(verb::get, "/v1/nothing/here");
  CHECK(res.result_int() == 400);
  CHECK(json::parse(res.body()).at("code") == "invalid_request_url");

  res = h.call(verb::get, "/v1/users/me");
  CHECK(res.result_int() == 200);
  body = json::parse(res.body());
  CHECK(body.at("id") == json::value(bot_id));
  CHECK(body.at("type") == "bot");
}

TEST_CASE("PATCH validation: unknown status name, unknown property, wrong type; nothing changes") {
  notion_harness h;
  h.notion->load(simple_scenario({{"pages", json::array{one_page({{"Status", "Not started"}})}}}));
  const auto before = h.call_json(verb::get, "/v1/pages/" + page_a);

  auto res = h.call(
      verb::patch, "/v1/pages/" + page_a,
      R"({"properties":{"Status":{"status":{"name":"Shipped"}},"Issue":{"url":"https://x/1"}}})");
  CHECK(res.result_int() == 400);
  auto body = json::parse(res.body());
  CHECK(body.at("code") == "validation_error");
  CHECK(std::string(body.at("message").as_string()).find("Shipped") != std::string::npos);

  res =
      h.call(verb::patch, "/v1/pages/" + page_a, R"({"properties":{"Nope":{"url":"https://x"}}})");
  CHECK(res.result_int() == 400);
  CHECK(json::parse(res.body()).at("message") == "Nope is not a property that exists.");

  res = h.call(verb::patch, "/v1/pages/" + page_a, R"({"properties":{"Issue":{"number":3}}})");
  CHECK(res.result_int() == 400);
  res = h.call(verb::patch, "/v1/pages/" + page_a, R"({"properties":{"Issue":{"url":42}}})");
  CHECK(res.result_int() == 400);
  res = h.call(verb::patch, "/v1/pages/" + page_a, R"({"properties":)");
  CHECK(json::parse(res.body()).at("code") == "invalid_json");

  const auto after = h.call_json(verb::get, "/v1/pages/" + page_a);
  CHECK(after.at("properties") == before.at("properties"));
  CHECK(after.at("last_edited_time") == before.at("last_edited_time"));

  // Valid: a status by name, a select name that is new (Notion adds the option), by property id.
  const auto issue_id = std::string(before.at("properties").at("Issue").at("id").as_string());
  res = h.call(
      verb::patch, "/v1/pages/" + page_a,
      R"({"properties":{"Status":{"status":{"name":"Done"}},"Kind":{"select":{"name":"Chore"}},")" +
          issue_id + R"(":{"url":"https://github.com/o/r/issues/7"}}})");
  CHECK(res.result_int() == 200);
  body = json::parse(res.body());
  CHECK(body.at("properties").at("Status").at("status").at("name") == "Done");
  CHECK(body.at("properties").at("Kind").at("select").at("name") == "Chore");
  CHECK(body.at("properties").at("Issue").at("url") == "https://github.com/o/r/issues/7");
}

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

TEST_CASE("webhooks: verification first, then signed, batched events that name the author") {
  notion_harness h;
  h.notion->load(
      simple_scenario({{"pages", json::array{one_page()}},
                       {"webhook", json::object{{"url", "http://127.0.0.1:9/hooks/notion"},
                                                {"verification_token", "secret_verify"},
                                                {"batch_ms", 50}}}}));
  REQUIRE(h.webhooks.size() == 1);
  CHECK(json::parse(h.webhooks[0].body).at("verification_token") == "secret_verify");

  h.notion->act("edit_page", json::object{{"page_id", page_a},
                                          {"properties", json::object{{"Status", "Done"}}}});
  h.call(verb::patch, "/v1/pages/" + page_a, R"({"properties":{"Issue":{"url":"https://x/1"}}})");
  h.notion->act("edit_page",
                json::object{{"page_id", page_a}, {"properties", json::object{{"Notes", "n"}}}});
  CHECK(h.webhooks.size() == 1);  // batched: nothing sent before the window closes
  h.run_for(std::chrono::milliseconds(300));
  REQUIRE(h.webhooks.size() == 2);  // one page.properties_updated with the union of properties
  const auto& w = h.webhooks[1];
  const auto event = json::parse(w.body);
  const auto expected =
      json::parse(read_text(std::string(NGSYNC_REFERENCE_DIR) +
                            "/notion-fixtures/webhooks/page.properties_updated.json"));
  check_shape(expected, event);
  CHECK(event.at("type") == "page.properties_updated");
  CHECK(event.at("entity").at("id") == json::value(page_a));
  CHECK(event.at("data").at("updated_properties").as_array().size() == 3);
  CHECK(event.at("authors").at(0).at("id") ==
        json::value(person_id));  // the last author in the batch

  std::string signature;
  for (const auto& [k, v] : w.headers)
    if (k == "X-Notion-Signature") signature = v;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), "secret_verify", 13, reinterpret_cast<const unsigned char*>(w.body.data()),
       w.body.size(), md, &len);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  CHECK(signature == "sha256=" + hex);
}
