#pragma once
// A linked issue's extras (storage/issue_extras_store) as the engine uses them: awaitable
// operations on the extras' values, one transaction each, so the extras syncer opens none.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "storage/database.hpp"
#include "storage/issue_extras_store.hpp"
#include "storage/link_store.hpp"

namespace ngsync::storage {

// A page's link and its extras, read together.
struct linked_extras {
  std::optional<page_link> link;
  issue_extras extras;
};

class extras_port {
 public:
  explicit extras_port(database& db) : db_(db) {}

  boost::asio::awaitable<issue_extras> get(std::string page_id);
  boost::asio::awaitable<linked_extras> get_with_link(std::string page_id);
  boost::asio::awaitable<void> set_project_item(std::string page_id, std::string item_id);
  // The item left the board.
  boost::asio::awaitable<void> forget_project_item(std::string page_id);
  boost::asio::awaitable<void> set_project_fields(std::string page_id, boost::json::object fields);
  boost::asio::awaitable<void> set_milestone(std::string page_id, std::string title);
  boost::asio::awaitable<void> set_snapshot(std::string page_id, std::int64_t comment_id,
                                            std::string hash);
  boost::asio::awaitable<std::set<std::string>> mirrored_comment_ids(std::string page_id);
  boost::asio::awaitable<void> record_mirrored_comment(std::string page_id,
                                                       std::string notion_comment_id,
                                                       std::int64_t github_comment_id);

 private:
  database& db_;
};

}  // namespace ngsync::storage
