#pragma once
// GitHub Projects (v2) in the emulator: projects owned by an organization or a user, their fields
// (single select with options, iteration with iterations, number, date, text), and items that
// put an issue on the board with field values. Scenario parsing, value rules, state rendering.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/sandbox/src/github/github_model.hpp"

namespace ngsync::sandbox::github {

struct gh_project_option {
  std::string id;  // 8 hex digits, as GitHub's option ids
  std::string name;
  std::string color = "GRAY";
  std::string description;
};

struct gh_project_iteration {
  std::string id;
  std::string title;
  std::string start_date;  // YYYY-MM-DD
  int duration = 14;       // days
};

struct gh_project_field {
  std::int64_t id = 0;
  std::string node_id;  // PVTF_… / PVTSSF_… / PVTIF_…
  std::string name;
  std::string data_type;  // TITLE, TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION
  std::vector<gh_project_option> options;
  std::vector<gh_project_iteration> iterations;

  std::string type_name() const;  // the GraphQL object type
};

// One field's value on an item; exactly one member is set.
struct gh_project_value {
  std::optional<std::string> text;
  std::optional<double> number;
  std::optional<std::string> date;  // YYYY-MM-DD
  std::optional<std::string> option_id;
  std::optional<std::string> iteration_id;
};

struct gh_project_item {
  std::int64_t id = 0;
  std::string node_id;                             // PVTI_…
  std::string content_node_id;                     // the node id
  std::map<std::string, gh_project_value> values;  // by field node id
  time_point created_at;
  time_point updated_at;
};

struct gh_project {
  std::int64_t id = 0;
  std::string node_id;  // PVT_…
  std::string owner;    // login
  bool owner_is_org = true;
  int number = 0;
  std::string title;
  bool closed = false;
  std::vector<gh_project_field> fields;
  std::vector<gh_project_item> items;

  gh_project_field* field_by_node_id(const std::string& id);
  gh_project_field* field_by_name(const std::string& name);
  gh_project_item* item_by_node_id(const std::string& id);
  gh_project_item* item_by_content(const std::string& content_node_id);
};

// Makes the next id (the emulator's counter).
using id_source = std::function<std::int64_t()>;

// One entry of the scenario's `projects`; throws std::invalid_argument on a bad shape.
gh_project parse_project(const boost::json::object& spec, const id_source& ids);

// Checks `value` (updateProjectV2ItemFieldValue's `value` input) against the field and stores
// it; returns GitHub's error message instead when the value does not fit.
std::optional<std::string> set_project_value(gh_project_item& item, const gh_project_field& field,
                                             const boost::json::object& value);

// The value as the control API shows it: {"option_id","name"}, a number, a string, ...
boost::json::value describe_value(const gh_project_field& field, const gh_project_value& value);

// A short option or iteration id from a number id.
std::string short_hex_id(std::int64_t id);

}  // namespace ngsync::sandbox::github
