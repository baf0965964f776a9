// Parsing real recorded Notion pages (tests/reference/notion-fixtures) and hostile variations.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "core/notion/page_model.hpp"

using namespace ngsync::notion;
namespace json = boost::json;

namespace {

json::value fixture(const char* name) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/notion-fixtures/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

}  // namespace

TEST_CASE("the recorded page parses with every property type the sync reads") {
  auto r = parse_page(fixture("retrieve_page_db_first.json"));
  REQUIRE(r.has_value());
  const auto& p = *r;
  CHECK(p.id == "dcdc805c-85fa-4155-a55c-20fc28771af7");
  CHECK(p.last_edited_time == "2022-09-01T04:35:00.000Z");
  CHECK(p.created_time == "2022-02-07T21:29:00.000Z");
  CHECK(p.url == "https://www.notion.so/ABC-dcdc805c85fa4155a55c20fc28771af7");
  CHECK(p.parent_data_source_id == "4f93db51-4e1d-4015-b07f-876e34c3b0b1");
  CHECK_FALSE(p.in_trash);

  REQUIRE(p.find("Title"));
  CHECK(p.find("Title")->type == property_type::title);
  CHECK(p.find("Title")->text == "ABC");
  CHECK(p.find("TextTitle")->text == "def");
  CHECK(p.find("StatusTitle")->type == property_type::status);
  CHECK(p.find("StatusTitle")->text == "In progress");
  CHECK(p.find("SelectTitle")->text == "Select 3");
  CHECK(p.find("MultiSelectTitle")->names ==
        std::vector<std::string>{"Multi Select 2", "Multi Select 1"});
  CHECK(p.find("NumberTitle")->number == doctest::Approx(1.41421356));
  CHECK(p.find("UrlTitle")->text == "https://hkob.hatenablog.com/");
  CHECK(p.find("CheckboxTitle")->checkbox);
  REQUIRE(p.find("DateTitle")->date);
  CHECK(p.find("DateTitle")->date->start == "2022-02-25T01:23:00.000+09:00");
  CHECK_FALSE(p.find("DateTitle")->date->end);

  const auto* people = p.find("UserTitle");
  REQUIRE(people != nullptr);
  REQUIRE(people->people.size() == 1);
  CHECK(people->people[0].id == "2200a911-6a96-44bb-bd38-6bfb1e01b9f6");
  CHECK(people->people[0].name == "Hiroyuki KOBAYASHI");
  CHECK(people->people[0].email == "hkob@metro-cit.ac.jp");
  CHECK_FALSE(people->truncated);

  const auto* rel = p.find("RelationTitle");
  CHECK(rel->relation_ids == std::vector<std::string>{"860753bb-6d1f-48de-9621-1fa6e0e31f82"});
  CHECK_FALSE(rel->truncated);
  CHECK(p.find("Related to New database title (Relation)")->is_empty);

  // Types the sync does not read are kept by name as `other`.
  CHECK(p.find("RollupTitle")->type == property_type::other);
  CHECK(p.find("RollupTitle")->type_name == "rollup");
  CHECK(p.find("ID")->type == property_type::other);
  CHECK(p.find("Nope") == nullptr);
}

TEST_CASE("a data-source query result parses page by page") {
  auto r = parse_page_list(fixture("query_data_source_limit_2.json"));
  REQUIRE(r.has_value());
  CHECK(r->pages.size() == 2);
  CHECK(r->errors.empty());
  CHECK(r->has_more);
  CHECK(r->next_cursor == std::string("6601e719-a39a-460c-908e-8909467fcccf"));
  CHECK(r->pages[0].id == "11f2b80c-db82-4282-bb14-a1536c592708");
  CHECK(r->pages[0].find("StatusTitle")->text == "Not started");
  CHECK(r->pages[0].find("DateTitle")->is_empty);
  CHECK(r->pages[0].parent_database_id == "c37a2c66-e3aa-4a0d-a447-73de3b80c253");
  CHECK(r->pages[1].find("Title")->text == "MNO");
}

TEST_CASE("trash is read from in_trash or from archived (older versions)") {
  auto base = fixture("retrieve_page_db_first.json").as_object();
  base.erase("in_trash");
  base["archived"] = true;
  CHECK(parse_page(base)->in_trash);
  base.erase("archived");
  CHECK_FALSE(parse_page(base)->in_trash);
  base["in_trash"] = true;
  CHECK(parse_page(base)->in_trash);
}

TEST_CASE("people and relation lists at the page-object cap are flagged as truncated") {
  auto page = fixture("retrieve_page_db_first.json").as_object();
  auto& props = page["properties"].as_object();
  json::array people;
  for (int i = 0; i < 25; ++i)
    people.push_back({{"object", "user"}, {"id", "u" + std::to_string(i)}});
  props["UserTitle"].as_object()["people"] = people;
  props["RelationTitle"].as_object()["has_more"] = true;
  auto r = parse_page(page);
  REQUIRE(r.has_value());
  CHECK(r->find("UserTitle")->people.size() == 25);
  CHECK(r->find("UserTitle")->truncated);
  CHECK(r->find("RelationTitle")->truncated);
}

TEST_CASE("malformed pages fail with a message, never a crash") {
  CHECK(parse_page(json::value(42)).error().message == "page: not a JSON object");
  CHECK(parse_page(json::parse(R"({"object":"database","id":"x"})"))
            .error()
            .message.find("expected \"page\"") != std::string::npos);
  CHECK(parse_page(json::parse(R"({"object":"page"})")).error().message.find("\"id\"") !=
        std::string::npos);
  CHECK(parse_page(json::parse(R"({"id":"p","last_edited_time":"t"})"))
            .error()
            .message.find("properties") != std::string::npos);
  CHECK_THROWS_WITH_AS(parse_page(json::value(1)).value(),
                       "malformed JSON: page: not a JSON object", std::runtime_error);

  // Wrong shapes inside properties read as empty values.
  auto r = parse_page(json::parse(R"({"id":"p","last_edited_time":"t","properties":{
    "a":{"type":"title","title":"not an array"},
    "b":{"type":"select","select":[1,2]},
    "c":{"type":"number","number":"7"},
    "d":{"type":"people","people":[1,null,{"id":5}]},
    "e":{"type":"date","date":{"start":null}},
    "f":{"type":"checkbox"},
    "g":"not an object",
    "h":{"type":"multi_select","multi_select":[{"name":3},"x"]},
    "i":{"id":"x"}}})"));
  REQUIRE(r.has_value());
  CHECK(r->find("a")->is_empty);
  CHECK(r->find("b")->is_empty);
  CHECK(r->find("c")->is_empty);
  CHECK(r->find("d")->people.size() == 1);
  CHECK(r->find("e")->is_empty);
  CHECK_FALSE(r->find("f")->checkbox);
  CHECK(r->find("g") == nullptr);
  CHECK(r->find("h")->names == std::vector<std::string>{""});
  CHECK(r->find("i")->type == property_type::other);

  // One bad page in a list does not hide the others.
  auto list = parse_page_list(json::parse(
      R"({"results":[{"object":"page","id":"ok","last_edited_time":"t","properties":{}}, {"object":"page"}, 7],"has_more":false,"next_cursor":null})"));
  REQUIRE(list.has_value());
  CHECK(list->pages.size() == 1);
  CHECK(list->errors.size() == 2);
  CHECK_FALSE(list->next_cursor);
  CHECK_FALSE(parse_page_list(json::parse("[]")).has_value());
}

TEST_CASE("the people of a truncated people property are read from its property items") {
  // GET /v1/pages/{id}/properties/{property id} answers a list of property_item objects, one
  // person each (Notion's "Retrieve a page property item" reference).
  const auto items = boost::json::parse(R"([
    {"object": "property_item", "id": "p%3Aa", "type": "people",
     "people": {"object": "user", "id": "2200a911-6a96-44bb-bd38-6bfb1e01b9f6", "name": "Ada",
                "avatar_url": null, "type": "person", "person": {"email": "ada@example.com"}}},
    {"object": "property_item", "id": "p%3Aa", "type": "people",
     "people": {"object": "user", "id": "40673a87-d8ed-41e0-aa55-7f0e8ace24cd", "name": "ngsync",
                "type": "bot", "bot": {}}},
    {"object": "property_item", "id": "p%3Ab", "type": "relation",
     "relation": {"id": "a1000000-0000-4000-8000-000000000001"}}
  ])").as_array();
  const auto people = ngsync::notion::people_of_property_items({items.begin(), items.end()});
  REQUIRE(people.size() == 2);
  CHECK(people[0].id == "2200a911-6a96-44bb-bd38-6bfb1e01b9f6");
  CHECK(people[0].name == "Ada");
  CHECK(people[0].email == "ada@example.com");
  CHECK(people[1].name == "ngsync");
  CHECK(people[1].email.empty());
}
