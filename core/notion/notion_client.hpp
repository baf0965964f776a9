#pragma once
// The Notion REST calls the sync makes, each through the Notion api_caller (rate limit, retries,
// audit). Answers come back parsed; failures throw api::api_exception, classified.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/notion/page_markdown.hpp"
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/notion/page_model.hpp"
#include "core/ratelimit/api_caller.hpp"

namespace ngsync::notion {

struct query_page {
  std::vector<notion_page> pages;
  std::vector<std::string> unparsable;  // ids (or "?") of results that failed to parse
  std::optional<std::string> next_cursor;
  bool has_more = false;
  bool hit_result_cap = false;          // request_status incomplete: query_result_limit_reached
  std::vector<boost::json::value> raw;  // the page objects as received, in order
};

class notion_client {
 public:
  // `sync_run_id` tags every call's audit row; a client is cheap, so make one per job.
  explicit notion_client(ratelimit::api_caller& caller, std::string sync_run_id = {})
      : caller_(caller), sync_run_id_(std::move(sync_run_id)) {}

  // The data sources of a database (2025-09-03+: `data_sources: [{id, name}]`).
  boost::asio::awaitable<std::vector<std::string>> data_sources_of(std::string database_id);
  // One page of a query: pages edited on or after `since` (minute granularity), ascending by
  // last_edited_time, 100 at a time. A query lists live pages only; `in_trash` lists the
  // trashed ones instead (trashing a page bumps its last_edited_time).
  boost::asio::awaitable<query_page> query_edited_since(std::string data_source_id,
                                                        std::optional<std::string> since_iso,
                                                        std::optional<std::string> cursor,
                                                        int page_size = 100,
                                                        bool in_trash = false);
  boost::asio::awaitable<boost::json::value> get_page(std::string page_id);
  // The page content rendered by Notion as Markdown.
  boost::asio::awaitable<std::string> get_page_markdown(std::string page_id);
  // The page, or a block id from a previous answer's unknown_block_ids, as Notion-flavored
  // Markdown in the pinned markdown_version (gfm_converter.hpp), with truncated and the ids left out.
  boost::asio::awaitable<page_markdown_part> get_page_markdown_part(std::string id);
  // A user's name and (for a person, with the capability) email: GET /v1/users/{id}; empty
  // strings for what the answer does not give.
  struct person_names {
    std::string name;
    std::string email;
  };
  boost::asio::awaitable<person_names> get_person(std::string user_id);
  // Every item of a (truncated) people/relation property, following the property endpoint's
  // pagination; returns the item objects.
  boost::asio::awaitable<std::vector<boost::json::value>> get_property_items(
      std::string page_id, std::string property_id);
  // PATCH /v1/pages/{id} {"properties": ...}; returns the updated page.
  boost::asio::awaitable<boost::json::value> update_page_properties(std::string page_id,
                                                                    boost::json::object properties);
  boost::asio::awaitable<boost::json::value> get_data_source(std::string data_source_id);
  // PATCH /v1/data_sources/{id} {"properties": ...}: adds, changes or (with null) removes
  // properties. A select's option list is REPLACED by the one sent: send the union to keep
  // existing options. Returns the updated data source.
  boost::asio::awaitable<boost::json::value> update_data_source(std::string data_source_id,
                                                                boost::json::object properties);

 private:
  boost::asio::awaitable<boost::json::value> call_json(ratelimit::api_request req,
                                                       std::string operation);
  ratelimit::api_caller& caller_;
  std::string sync_run_id_;
};

}  // namespace ngsync::notion
