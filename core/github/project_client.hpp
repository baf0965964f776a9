#pragma once
// The project board's GraphQL calls (core/github/project_port.hpp) through the GitHub api_caller
// and the points budget, as the documents of project_board.hpp.
#include <string>

#include "core/github/graphql_client.hpp"
#include "core/github/project_port.hpp"

namespace ngsync::github {

// The product's: GraphQL through the caller, each answer's cost kept in `budget` (shared by
// every client of the process: it is the credential's hourly points).
class project_client final : public project_port {
 public:
  // `sync_run_id` tags every call's audit row; a client is cheap, so make one per job.
  project_client(ratelimit::api_caller& caller, graphql_points_budget& budget,
                 std::string sync_run_id = {})
      : gql_(caller, budget, std::move(sync_run_id)) {}

  boost::asio::awaitable<project_board> load_board(project_ref ref) override;
  boost::asio::awaitable<std::string> add_item(std::string project_id,
                                               std::string content_id) override;
  boost::asio::awaitable<void> set_field(std::string project_id, std::string item_id,
                                         std::string field_id, boost::json::object value) override;
  boost::asio::awaitable<void> clear_field(std::string project_id, std::string item_id,
                                           std::string field_id) override;
  boost::asio::awaitable<void> delete_item(std::string project_id, std::string item_id) override;

 private:
  graphql_client gql_;
};

}  // namespace ngsync::github
