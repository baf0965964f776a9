#pragma once
// A GitHub Project (v2) as the sync uses it: the project's node id and its fields, options and
// iterations by name, parsed from GraphQL; turning a Notion value into a field value input; and
// the GraphQL documents that add an item and set, clear or delete its fields.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/github/graphql_client.hpp"
#include "core/notion/page_model.hpp"

namespace ngsync::github {

struct project_field {
  std::string id;
  std::string name;
  std::string data_type;  // TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION, TITLE, ...
  std::map<std::string, std::string> options;     // single-select option name -> id
  std::map<std::string, std::string> iterations;  // iteration title -> id
};

struct project_board {
  std::string id;  // node id (PVT_...)
  std::string title;
  std::vector<project_field> fields;

  // By name, compared case-insensitively (Project field names are unique that way).
  const project_field* field(const std::string& name) const;
};

// Parses `data` of the project query (organization or user root). Empty optional plus `why` when
// the project does not exist or the answer is not understood.
std::optional<project_board> parse_project_board(const boost::json::object& data, std::string& why);

// The value a Notion property gives a project field, as text: select/status name, number, date
// start, plain text, url. nullopt: the property is empty (clear the field).
std::optional<std::string> project_value_of(const notion::property_value& p);

// The `value` input of updateProjectV2ItemFieldValue for `text` in `field`, or an error message
// for the page (unknown option or iteration, not a number, unsupported field type).
struct field_value_input {
  boost::json::object value;
  std::string error;
};
field_value_input field_input(const project_field& field, const std::string& text);

// The GraphQL calls. Each throws api::api_exception (classified) on failure.
struct project_ref {
  std::string owner;
  bool owner_is_user = false;
  int number = 0;
};
boost::asio::awaitable<project_board> load_project_board(graphql_client& gql, project_ref ref);
// Returns the item id; adding content already on the board returns its existing item.
boost::asio::awaitable<std::string> add_project_item(graphql_client& gql, std::string project_id,
                                                     std::string content_id);
boost::asio::awaitable<void> set_project_field(graphql_client& gql, std::string project_id,
                                               std::string item_id, std::string field_id,
                                               boost::json::object value);
boost::asio::awaitable<void> clear_project_field(graphql_client& gql, std::string project_id,
                                                 std::string item_id, std::string field_id);
boost::asio::awaitable<void> delete_project_item(graphql_client& gql, std::string project_id,
                                                 std::string item_id);

}  // namespace ngsync::github
