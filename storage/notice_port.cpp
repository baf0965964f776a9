#include "storage/notice_port.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

net::awaitable<std::set<std::string>> notice_port::noticed_pages() {
  auto read = [](transaction t) { return page_notices::noticed_pages(t); };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> notice_port::clear(std::string page_id) {
  auto write = [page_id](transaction t) { page_notices::clear(t, page_id); };
  co_await db_.write(std::move(write));
}

net::awaitable<notice_state> notice_port::state(std::int64_t job_id, std::string page_id) {
  auto read = [job_id, page_id](transaction t) {
    return notice_state{page_notices::timing(t, job_id), page_notices::shown_cause(t, page_id)};
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> notice_port::record(std::string page_id, page_notice_row row) {
  auto write = [page_id, row](transaction t) { page_notices::record(t, page_id, row); };
  co_await db_.write(std::move(write));
}

}  // namespace ngsync::storage
