// The Notion emulator against recorded real responses (same keys, same value types) and against
// the behaviours the daemon depends on: errors, PATCH validation and webhooks. Queries are in
// notion_query_test.cpp; timestamps, the rate limit, versions and trash, truncation and content in
// notion_behaviour_test.cpp.
#include <doctest/doctest.h>

#include <set>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/sandbox/fidelity/json_shape.hpp"
#include "tests/sandbox/fidelity/notion_fidelity_world.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace {

using namespace ngsync::sandbox;
using namespace ngsync::sandbox::fidelity;
using verb = http::verb;

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
