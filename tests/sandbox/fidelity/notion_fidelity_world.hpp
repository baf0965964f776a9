#pragma once
// The Notion fidelity tests' small workspace (notion_fidelity_test.cpp, notion_query_test.cpp,
// notion_behaviour_test.cpp): one database with one data source of every property kind the daemon
// maps, a person, the bot, and one page.
#include <string>

#include <boost/json.hpp>

#include "tests/sandbox/fidelity/notion_test_support.hpp"

namespace ngsync::sandbox::fidelity {

inline const std::string ds_id = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
inline const std::string db_id = "c37a2c66-e3aa-4a0d-a447-73de3b80c253";
inline const std::string person_id = "2200a911-6a96-44bb-bd38-6bfb1e01b9f6";
inline const std::string bot_id = "40673a87-d8ed-41e0-aa55-7f0e8ace24cd";

inline json::object simple_scenario(json::object extra = {}) {
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

inline const std::string page_a = "aaaaaaaa-0000-4000-8000-000000000001";

inline json::object one_page(json::object props = {}) {
  if (!props.contains("Name")) props["Name"] = "First task";
  return json::object{{"id", page_a}, {"data_source_id", ds_id}, {"properties", props}};
}

}  // namespace ngsync::sandbox::fidelity
