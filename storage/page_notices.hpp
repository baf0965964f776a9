#pragma once
// What a page was last told while its sync is in trouble (table page_notices, migration 0015),
// and the queue times a notice is made from. The rules (what to say, when a write is due) are
// core/sync/page_notice; this is only where the answers are kept.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

// When a job was first queued and when it runs next (after queue.fail rescheduled it).
struct job_timing {
  sys_time created_at;
  sys_time run_at;
};

struct page_notice_row {
  std::string cause;
  bool rate_limited = false;
  sys_time waiting_since;
  std::int64_t job_id = 0;
};

class page_notices {
 public:
  // The job's times; none when the job is gone or no longer waiting.
  static std::optional<job_timing> timing(transaction t, std::int64_t job_id);
  // The cause last written on the page; none when nothing was written since its last success.
  static std::optional<std::string> shown_cause(transaction t,
                                                const std::string& page_id);
  static void record(transaction t, const std::string& page_id,
                     const page_notice_row& row);
  // Every page with a notice on record (read once at start-up: a success then forgets only
  // those).
  static std::set<std::string> noticed_pages(transaction t);
  // The page synced: whatever it was told no longer holds. True when a row went.
  static bool clear(transaction t, const std::string& page_id);
  // Jobs still waiting behind a rate limit that began more than `horizon` before `now`.
  static std::int64_t throttled_past(transaction t, std::chrono::seconds horizon,
                                     sys_time now);
};

}  // namespace ngsync::storage
