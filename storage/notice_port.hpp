#pragma once
// What pages were told while their syncs were in trouble (storage/page_notices) as the engine
// uses it: awaitable operations, one transaction each.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"
#include "storage/page_notices.hpp"

namespace ngsync::storage {

// A rescheduled job's times and what its page was last told, read together.
struct notice_state {
  std::optional<job_timing> timing;        // none: the job is gone or no longer waiting
  std::optional<std::string> shown_cause;  // none: nothing written since the last success
};

class notice_port {
 public:
  explicit notice_port(database& db) : db_(db) {}

  boost::asio::awaitable<std::set<std::string>> noticed_pages();
  boost::asio::awaitable<void> clear(std::string page_id);
  boost::asio::awaitable<notice_state> state(std::int64_t job_id, std::string page_id);
  boost::asio::awaitable<void> record(std::string page_id, page_notice_row row);

 private:
  database& db_;
};

}  // namespace ngsync::storage
