#pragma once
// The Notion REST calls the sync makes (core/notion/notion_port.hpp), each through the Notion
// api_caller (rate limit, retries, audit). Answers come back parsed; failures throw
// api::api_exception, classified.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/notion/notion_port.hpp"
#include "core/ratelimit/api_caller.hpp"

namespace ngsync::notion {

class notion_client final : public notion_port {
 public:
  // `sync_run_id` tags every call's audit row; a client is cheap, so make one per job.
  explicit notion_client(ratelimit::api_caller& caller, std::string sync_run_id = {})
      : caller_(caller), sync_run_id_(std::move(sync_run_id)) {}

  boost::asio::awaitable<std::vector<std::string>> data_sources_of(
      std::string database_id) override;
  boost::asio::awaitable<query_page> query_edited_since(std::string data_source_id,
                                                        std::optional<std::string> since_iso,
                                                        std::optional<std::string> cursor,
                                                        int page_size = 100,
                                                        bool in_trash = false) override;
  boost::asio::awaitable<boost::json::value> get_page(std::string page_id) override;
  boost::asio::awaitable<page_markdown_part> get_page_markdown_part(std::string id) override;
  boost::asio::awaitable<person_names> get_person(std::string user_id) override;
  boost::asio::awaitable<std::vector<boost::json::value>> get_property_items(
      std::string page_id, std::string property_id) override;
  boost::asio::awaitable<boost::json::value> update_page_properties(
      std::string page_id, boost::json::object properties) override;
  boost::asio::awaitable<std::vector<page_comment>> list_comments(std::string page_id) override;
  boost::asio::awaitable<boost::json::value> get_data_source(std::string data_source_id) override;
  boost::asio::awaitable<boost::json::value> update_data_source(
      std::string data_source_id, boost::json::object properties) override;

 private:
  boost::asio::awaitable<boost::json::value> call_json(ratelimit::api_request req,
                                                       std::string operation);
  ratelimit::api_caller& caller_;
  std::string sync_run_id_;
};

}  // namespace ngsync::notion
