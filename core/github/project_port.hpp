#pragma once
// The GitHub Project (v2) calls the issue extras make, as a port: project_client carries them
// out as GraphQL through the GitHub api_caller and the points budget (project_client.hpp); the
// engine's tests run them against the sandbox's GitHub. Failures throw api::api_exception,
// classified.
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/github/project_board.hpp"

namespace ngsync::github {

class project_port {
 public:
  project_port() = default;
  virtual ~project_port() = default;
  // An interface: used through references, never copied or moved.
  project_port(const project_port&) = delete;
  project_port& operator=(const project_port&) = delete;
  project_port(project_port&&) = delete;
  project_port& operator=(project_port&&) = delete;

  // The board: its node id, title and fields with their options and iterations.
  virtual boost::asio::awaitable<project_board> load_board(project_ref ref) = 0;
  // Returns the item id; adding content already on the board returns its existing item.
  virtual boost::asio::awaitable<std::string> add_item(std::string project_id,
                                                       std::string content_id) = 0;
  virtual boost::asio::awaitable<void> set_field(std::string project_id, std::string item_id,
                                                 std::string field_id,
                                                 boost::json::object value) = 0;
  virtual boost::asio::awaitable<void> clear_field(std::string project_id, std::string item_id,
                                                   std::string field_id) = 0;
  virtual boost::asio::awaitable<void> delete_item(std::string project_id, std::string item_id) = 0;
};

}  // namespace ngsync::github
