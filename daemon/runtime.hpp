#pragma once
// What every mode of daemon_runtime.hpp builds first (the composition root): the database and
// queue, the API stack, the page and GitHub-event syncers, and the pollers for each mapping's
// data sources. The modes only differ in what they start on top of it: daemon_runtime.cpp runs
// the long-lived daemon, one_shot_modes.cpp sync-once, plan and reconcile.
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config/config.hpp"
#include "core/sync/mapping_binding.hpp"
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/engine/poller.hpp"
#include "daemon/services/api_stack.hpp"
#include "daemon/services/caller_ports.hpp"
#include "daemon/services/audit_recorder.hpp"
#include "daemon/services/job_runner.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

storage::database_settings database_settings_of(const config::config& c, const char* name);

// Everything one process needs, built once.
struct runtime {
  runtime(const config::config& cfg, const char* app_name);

  void migrate_if_configured();
  // Ties this process's claims to a session of its own, so that once the process is gone any
  // other process frees its jobs within seconds instead of at lease expiry (after migrations:
  // the owners' table must exist).
  void own_claims();
  // Resolves databases to data sources and reads each schema for the write-back types; learns
  // who the daemon is on GitHub (adoption trusts only its own issues) and, for webhooks, on
  // Notion. Makes one poller per data source.
  boost::asio::awaitable<void> resolve_mappings(bool with_notion_identity = false);

  // What a worker does with a claimed job: a page sync or a GitHub issue event.
  job_handler handler();
  // The worker pool's settings; `idle_wait` is the longest a worker sleeps without being told
  // of a new job.
  job_runner_settings runner_settings(std::chrono::milliseconds idle_wait) const;
  // A dead job's page shows the error; a job that will be retried shows the trouble meanwhile.
  void report_outcomes_on_pages(job_runner& runner);

  // The syncer's counters in one line, for the log and sync-once's output.
  std::string summary() const;

  const config::config& c;
  boost::asio::io_context io{1};
  storage::database db;
  std::unique_ptr<storage::queue_owner> owner;  // set by own_claims(); outlives the queue's use
  storage::job_queue queue;
  audit_recorder audit;
  api_stack apis;
  std::map<std::string, sync::mapping_binding> mappings;
  caller_ports ports;
  issue_extras_syncer extras;
  page_syncer syncer;
  github_event_syncer github_events;
  webhooks::own_identity me;  // learned at start-up (the Notion bot only for webhooks)
  std::vector<std::unique_ptr<poller>> pollers;
};

// Runs `f` on the runtime's io_context to completion, rethrowing its exception.
template <class F>
void run_to_completion(runtime& rt, F f) {
  std::exception_ptr failure;
  boost::asio::co_spawn(rt.io, std::move(f), [&failure](std::exception_ptr e) { failure = e; });
  rt.io.run();
  rt.io.restart();
  if (failure) std::rethrow_exception(failure);
}

// Replicas on one database: the leases that decide which one polls a data source, reconciles
// and prunes.
inline std::string poll_lease_name(const std::string& data_source_id) {
  return "poll:" + data_source_id;
}
constexpr const char* reconcile_lease_name = "reconcile";
constexpr const char* prune_lease_name = "prune";

}  // namespace ngsync::engine
