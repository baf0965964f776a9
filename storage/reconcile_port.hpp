#pragma once
// A reconcile pass as it touches Postgres (sync-model.md §1): the links it verifies, the record of
// its passes, and each finding's action carried out in one write. Awaitable operations on those
// values, one transaction each, so the reconciler opens none.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/sync/reconcile_findings.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/link_store.hpp"
#include "storage/sql_time.hpp"

namespace ngsync::storage {

// What a pass reads before it starts.
struct reconcile_start {
  std::vector<page_link> slice;       // the links verified longest ago
  std::optional<sys_time> last_pass;  // when the last pass started (none: no pass yet)
};

class reconcile_port {
 public:
  reconcile_port(database& db, job_queue& queue) : db_(db), queue_(queue) {}

  // One read: the slice, `slice_size(links that can be verified)` long, and the last pass.
  boost::asio::awaitable<reconcile_start> start(std::function<int(std::int64_t)> slice_size);
  // Every link that has an issue in `repo`.
  boost::asio::awaitable<std::vector<page_link>> links_in(std::string repo);
  boost::asio::awaitable<std::vector<std::string>> linked_repositories();
  boost::asio::awaitable<void> record_pass(sys_time started);
  boost::asio::awaitable<void> mark_verified(std::vector<std::string> page_ids, sys_time at);
  // Carries out one finding's action in one write: the link row and `job` (the job the action
  // queues, if any) commit together, so a crash leaves neither or both. A retried write carries
  // it out again. `link`: the link the finding is about as the pass read it (a moved link keeps
  // its other columns); needed for move_link only.
  boost::asio::awaitable<void> carry_out(sync::reconcile_action action,
                                         std::optional<page_link> link,
                                         std::optional<job_spec> job);

 private:
  database& db_;
  job_queue& queue_;
};

}  // namespace ngsync::storage
