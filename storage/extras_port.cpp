#include "storage/extras_port.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

net::awaitable<issue_extras> extras_port::get(std::string page_id) {
  auto read = [page_id](transaction t) { return issue_extras_store::get(t, page_id); };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<linked_extras> extras_port::get_with_link(std::string page_id) {
  auto read = [page_id](transaction t) {
    auto link = link_store::get(t, page_id);
    auto extras = issue_extras_store::get(t, page_id);
    return linked_extras{std::move(link), std::move(extras)};
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> extras_port::set_project_item(std::string page_id, std::string item_id) {
  auto write = [page_id, item_id](transaction t) {
    issue_extras_store::set_project_item(t, page_id, item_id);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> extras_port::forget_project_item(std::string page_id) {
  auto write = [page_id](transaction t) { issue_extras_store::set_project_item(t, page_id, ""); };
  co_await db_.write(std::move(write));
}

net::awaitable<void> extras_port::set_project_fields(std::string page_id,
                                                     boost::json::object fields) {
  auto write = [page_id, fields = std::move(fields)](transaction t) {
    issue_extras_store::set_project_fields(t, page_id, fields);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> extras_port::set_milestone(std::string page_id, std::string title) {
  auto write = [page_id, title](transaction t) {
    issue_extras_store::set_milestone(t, page_id, title);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> extras_port::set_snapshot(std::string page_id, std::int64_t comment_id,
                                               std::string hash) {
  auto write = [page_id, comment_id, hash](transaction t) {
    issue_extras_store::set_snapshot(t, page_id, comment_id, hash);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<std::set<std::string>> extras_port::mirrored_comment_ids(std::string page_id) {
  auto read = [page_id](transaction t) {
    return issue_extras_store::mirrored_comment_ids(t, page_id);
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> extras_port::record_mirrored_comment(std::string page_id,
                                                          std::string notion_comment_id,
                                                          std::int64_t github_comment_id) {
  auto write = [page_id, notion_comment_id, github_comment_id](transaction t) {
    issue_extras_store::record_mirrored_comment(t, page_id, notion_comment_id, github_comment_id);
  };
  co_await db_.write(std::move(write));
}

}  // namespace ngsync::storage
