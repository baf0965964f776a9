#pragma once
// What mirroring a GitHub event into its page (daemon/engine/github_event_sync) records: the
// link's provenance and conflict log, and the job that restores what Notion owns, committed
// together so a crash leaves neither or both.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::storage {

struct mirror_record {
  std::string page_id;
  boost::json::object to_github;  // GitHub's values the page now reflects
  boost::json::object to_notion;  // what was written to the page, with when and why
  boost::json::array conflicts;   // entries for the link's conflict log
  // The page was written: its synced hash is forgotten.
  bool notion_written = false;
  // A sync of the page that restores the fields Notion owns; the hash is forgotten with it.
  std::optional<job_spec> restore_job;
};

class mirror_port {
 public:
  mirror_port(database& db, job_queue& queue) : db_(db), queue_(queue) {}

  // One transaction.
  boost::asio::awaitable<void> record(mirror_record r);

 private:
  database& db_;
  job_queue& queue_;
};

}  // namespace ngsync::storage
