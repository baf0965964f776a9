#pragma once
// The poll watermark of each Notion data source (table poll_cursors). The poller advances it
// in the same transaction that enqueues the jobs it found (sync-model.md §2).
#include <cstdint>
#include <optional>
#include <string>

#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

struct poll_cursor {
  std::string data_source_id;
  std::optional<sys_time> watermark;
  std::optional<sys_time> last_poll_at;
  std::optional<sys_time> last_success_at;
  std::optional<std::string> last_error;
  std::int64_t pages_seen = 0;
};

class cursor_store {
 public:
  static std::optional<poll_cursor> get(transaction t,
                                        const std::string& data_source_id);
  // A successful poll: the watermark moves to `watermark` (never backwards), the error clears
  // and pages_seen grows by `pages`.
  static void advance(transaction t, const std::string& data_source_id,
                      sys_time watermark, std::int64_t pages, sys_time now);
  // A failed poll: the watermark stays.
  static void record_error(transaction t, const std::string& data_source_id,
                           const std::string& error, sys_time now);
};

}  // namespace ngsync::storage
