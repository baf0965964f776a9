#include "core/github/project_client.hpp"

namespace ngsync::github {
namespace net = boost::asio;

net::awaitable<project_board> project_client::load_board(project_ref ref) {
  auto board = co_await load_project_board(gql_, std::move(ref));
  co_return board;
}

net::awaitable<std::string> project_client::add_item(std::string project_id,
                                                     std::string content_id) {
  auto item = co_await add_project_item(gql_, std::move(project_id), std::move(content_id));
  co_return item;
}

net::awaitable<void> project_client::set_field(std::string project_id, std::string item_id,
                                               std::string field_id, boost::json::object value) {
  co_await set_project_field(gql_, std::move(project_id), std::move(item_id), std::move(field_id),
                             std::move(value));
}

net::awaitable<void> project_client::clear_field(std::string project_id, std::string item_id,
                                                 std::string field_id) {
  co_await clear_project_field(gql_, std::move(project_id), std::move(item_id),
                               std::move(field_id));
}

net::awaitable<void> project_client::delete_item(std::string project_id, std::string item_id) {
  co_await delete_project_item(gql_, std::move(project_id), std::move(item_id));
}

}  // namespace ngsync::github
