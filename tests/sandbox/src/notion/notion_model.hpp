#pragma once
// The Notion emulator's state: users, databases, data sources (schemas), pages (property values,
// blocks, comments), and the rules that turn scenario or API input into stored property values.
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/sandbox/src/notion/notion_time.hpp"

namespace ngsync::sandbox::notion {

namespace json = boost::json;

// An input Notion rejects with 400 validation_error; the message is Notion-like.
struct validation_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct notion_user {
  std::string id;
  std::string name;
  std::string email;
  std::string avatar_url;
  bool bot = false;
};

struct notion_data_source {
  std::string id;
  std::string database_id;
  std::string name;
  // Property name -> schema object ({id, name, description, type, <type>: config}), in order.
  json::object properties;
  time_point created_time{};
  time_point last_edited_time{};
  json::value icon = nullptr;
  json::value public_url = nullptr;
};

struct notion_database {
  std::string id;
  std::string title;
  std::string parent_page_id;
  std::vector<std::string> data_source_ids;
  time_point created_time{};
  time_point last_edited_time{};
  bool is_inline = false;
  bool in_trash = false;
  json::value icon = nullptr;
  json::value public_url = nullptr;
};

struct notion_comment {
  std::string id;
  std::string discussion_id;
  std::string author_id;
  std::string text;
  time_point created_time{};
};

struct notion_page {
  std::string id;
  std::string data_source_id;
  std::uint64_t seq = 0;  // creation order: the stable tie-breaker of queries
  time_point created_time{};
  time_point last_edited_time{};
  std::string created_by;
  std::string last_edited_by;
  bool in_trash = false;
  // Property id -> the value under the type key (e.g. for select {id,name,color}).
  std::map<std::string, json::value> values;
  // Top-level blocks; children of blocks are in notion_store::block_children.
  std::vector<json::object> blocks;
  std::vector<notion_comment> comments;
  json::value public_url = nullptr;
};

// Generates ids (UUIDs and short property ids) from the sandbox's seeded random source.
struct id_source {
  std::function<std::uint64_t()> random;
  std::string uuid();
  std::string short_id();
};

// "0123abcd..." (32 hex, with or without dashes) -> dashed lowercase; empty when not an id.
std::string normalize_id(std::string_view text);
// The id without dashes, as in Notion URLs.
std::string compact_id(const std::string& id);

// Text as a full rich-text item (annotations default, no link).
json::object rich_text_item(const std::string& content, json::value link = nullptr);
std::string plain_text(const json::value& rich_text_array);

// Completes a data source's schema from a scenario: each property either a full Notion schema
// object or a shorthand ("status" or {"type":"status","options":["A","B"]}).
json::object normalize_schema(const json::object& input, id_source& ids);

// Types that cannot be written (computed by Notion).
bool is_read_only_type(const std::string& type);

// The stored value of a property from an API or scenario input. `input` is the object keyed by
// the type ({"status":{"name":"Done"}}); with `lenient` (scenarios, control actions) shorthand
// values are accepted too ("Done", ["a","b"], "text"). Select and multi-select names that do not
// exist become new options (as in Notion); unknown status names are a validation_error.
json::value build_value(json::object& schema_prop, const std::string& prop_name,
                        const json::value& input, bool lenient, id_source& ids);

// The value of a property that has never been set.
json::value empty_value(const json::object& schema_prop);

}  // namespace ngsync::sandbox::notion
