#pragma once
// One data source's poll as it touches Postgres (sync-model.md §2): its cursor (storage/
// cursor_store), the links of the pages it read, and the queue it fills. Awaitable operations on
// those values, one transaction each, so the poller opens none.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/link_store.hpp"
#include "storage/sql_time.hpp"

namespace ngsync::storage {

// Where the last batch of a poll moves the watermark.
struct watermark_move {
  // The newest edit seen less the overlap. None: the poll saw no page, and the cursor keeps the
  // watermark it has (sync::watermark_kept: from now less `overlap` when it had none).
  std::optional<sys_time> to;
  std::int64_t pages = 0;  // the pages of the last batch, added to the cursor's count
  std::chrono::microseconds overlap{0};
};

class poll_port {
 public:
  poll_port(database& db, job_queue& queue, std::string data_source_id)
      : db_(db), queue_(queue), data_source_id_(std::move(data_source_id)) {}

  // The stored watermark; none before the first poll that succeeded.
  boost::asio::awaitable<std::optional<sys_time>> watermark();
  // What the links of these pages say about their last sync (pages without a link are absent).
  boost::asio::awaitable<std::map<std::string, link_sync_state>> link_states(
      std::vector<std::string> page_ids);
  // A failed poll: the watermark stays.
  boost::asio::awaitable<void> record_error(std::string error);
  // One batch's transaction: its jobs, and for the poll's last batch (`last` set) the watermark.
  // Returns the jobs inserted or merged. Retried as idempotent: the jobs merge by their keys and
  // the watermark never moves back.
  boost::asio::awaitable<std::int64_t> enqueue(std::vector<job_spec> specs,
                                               std::optional<watermark_move> last);

 private:
  database& db_;
  job_queue& queue_;
  std::string data_source_id_;
};

}  // namespace ngsync::storage
