#pragma once
// The Notion calls the sync makes, as a port: notion_client carries them out through the
// rate-limited caller; the engine's tests give an in-memory Notion (tests/engine/fake_notion.hpp).
// Answers come back parsed; failures throw api::api_exception, classified as the real client
// classifies them.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/notion/page_comments.hpp"
#include "core/notion/page_markdown.hpp"
#include "core/notion/page_model.hpp"

namespace ngsync::notion {

struct query_page {
  std::vector<notion_page> pages;
  std::vector<std::string> unparsable;  // ids (or "?") of results that failed to parse
  std::optional<std::string> next_cursor;
  bool has_more = false;
  bool hit_result_cap = false;          // request_status incomplete: query_result_limit_reached
  std::vector<boost::json::value> raw;  // the page objects as received, in order
};

// A user's name and (for a person, with the capability) email; empty strings for what the
// answer does not give.
struct person_names {
  std::string name;
  std::string email;
};

class notion_port {
 public:
  notion_port() = default;
  virtual ~notion_port() = default;
  // An interface: used through references, never copied or moved.
  notion_port(const notion_port&) = delete;
  notion_port& operator=(const notion_port&) = delete;
  notion_port(notion_port&&) = delete;
  notion_port& operator=(notion_port&&) = delete;

  // The data sources of a database (2025-09-03+: `data_sources: [{id, name}]`).
  virtual boost::asio::awaitable<std::vector<std::string>> data_sources_of(
      std::string database_id) = 0;
  // One page of a query: pages edited on or after `since` (minute granularity), ascending by
  // last_edited_time, 100 at a time. A query lists live pages only; `in_trash` lists the
  // trashed ones instead (trashing a page bumps its last_edited_time).
  virtual boost::asio::awaitable<query_page> query_edited_since(
      std::string data_source_id, std::optional<std::string> since_iso,
      std::optional<std::string> cursor, int page_size = 100, bool in_trash = false) = 0;
  virtual boost::asio::awaitable<boost::json::value> get_page(std::string page_id) = 0;
  // The page, or a block id from a previous answer's unknown_block_ids, as Notion-flavored
  // Markdown in the pinned markdown_version (gfm_converter.hpp), with truncated and the ids
  // left out.
  virtual boost::asio::awaitable<page_markdown_part> get_page_markdown_part(std::string id) = 0;
  // GET /v1/users/{id}.
  virtual boost::asio::awaitable<person_names> get_person(std::string user_id) = 0;
  // Every item of a (truncated) people/relation property, following the property endpoint's
  // pagination; returns the item objects.
  virtual boost::asio::awaitable<std::vector<boost::json::value>> get_property_items(
      std::string page_id, std::string property_id) = 0;
  // PATCH /v1/pages/{id} {"properties": ...}; returns the updated page.
  virtual boost::asio::awaitable<boost::json::value> update_page_properties(
      std::string page_id, boost::json::object properties) = 0;
  // Every comment on the page, oldest first (GET /v1/comments?block_id=, page_comments.hpp).
  virtual boost::asio::awaitable<std::vector<page_comment>> list_comments(std::string page_id) = 0;
  virtual boost::asio::awaitable<boost::json::value> get_data_source(
      std::string data_source_id) = 0;
  // PATCH /v1/data_sources/{id} {"properties": ...}: adds, changes or (with null) removes
  // properties. A select's option list is REPLACED by the one sent: send the union to keep
  // existing options. Returns the updated data source.
  virtual boost::asio::awaitable<boost::json::value> update_data_source(
      std::string data_source_id, boost::json::object properties) = 0;
};

}  // namespace ngsync::notion
