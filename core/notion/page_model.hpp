#pragma once
// A Notion page as the sync sees it: identity, timestamps, trash state, parent data source and the
// property values by name, parsed by hand from the API JSON (unknown keys and property types are
// ignored, so new Notion versions do not break parsing).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/api/parse_error.hpp"

namespace ngsync::notion {

enum class property_type {
  title,
  rich_text,
  number,
  select,
  status,
  multi_select,
  people,
  url,
  date,
  checkbox,
  relation,
  other,  // any type the sync does not read (formula, rollup, files, ...): kept by name only
};

struct notion_user {
  std::string id;
  std::string name;   // empty unless the integration may read user information
  std::string email;  // same; only for type "person"
};

struct date_value {
  std::string start;  // ISO 8601 as given (date or date-time)
  std::optional<std::string> end;
  std::optional<std::string> time_zone;
};

// One property value. Only the members matching `type` are meaningful.
struct property_value {
  std::string id;  // property id (stable across renames)
  property_type type = property_type::other;
  std::string type_name;  // the API's type string, also for `other`
  bool is_empty = false;  // null select/status/url/number/date, or an empty list/text

  std::string text;                 // title/rich_text plain text; select/status name; url
  std::optional<double> number;     // number
  std::vector<std::string> names;   // multi_select option names, in Notion's order
  std::vector<notion_user> people;  // people
  std::vector<std::string> relation_ids;
  std::optional<date_value> date;
  bool checkbox = false;
  // People/relation lists are cut at 25 entries in the page object (relation says has_more):
  // the caller must read GET /v1/pages/{id}/properties/{property id} for the full list.
  bool truncated = false;
};

inline constexpr std::size_t page_object_list_cap = 25;

struct notion_page {
  std::string id;                // with dashes, as the API gives it
  std::string created_time;      // ISO 8601, minute precision
  std::string last_edited_time;  // ISO 8601, minute precision
  std::string url;
  std::string parent_data_source_id;  // empty when the parent is not a data source
  std::string parent_database_id;     // given by some versions next to the data source id
  bool in_trash = false;              // `in_trash`, or `archived` on versions before 2026-03-11
  std::map<std::string, property_value, std::less<>> properties;  // by property name

  const property_value* find(std::string_view name) const;
};

// Parses one page object. Fails (never throws) when the value is not a page object or a field the
// sync relies on (id, last_edited_time, properties) is missing or of the wrong JSON type.
api::parse_result<notion_page> parse_page(const boost::json::value& json);

// The people of a people property cut at the page object's cap, from the property items
// endpoint's results ({"object": "property_item", "type": "people", "people": {user}}).
std::vector<notion_user> people_of_property_items(const std::vector<boost::json::value>& items);

// A data-source query answer: each page parsed on its own, so one odd page does not hide the rest.
struct page_list {
  std::vector<notion_page> pages;
  std::vector<api::parse_error> errors;  // one per result that failed to parse
  std::optional<std::string> next_cursor;
  bool has_more = false;
};

api::parse_result<page_list> parse_page_list(const boost::json::value& json);

}  // namespace ngsync::notion
