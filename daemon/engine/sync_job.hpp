#pragma once
// The job kinds of the queue and their payloads. Every trigger (a poll result, a webhook, a
// reconcile pass) is only a hint that a page may need work: a `sync_page` job. Hints for the
// same page merge while waiting (unique key) and never run at once (page key).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "storage/job_queue.hpp"

namespace ngsync::engine {

inline constexpr const char* sync_page_kind = "sync_page";
// A change GitHub reported for a linked issue (webhook or reconcile): mirrored into the page by
// github_event_syncer.
inline constexpr const char* github_issue_event_kind = "github_issue_event";

struct sync_page_hint {
  std::string page_id;
  std::string data_source_id;
  std::string mapping;  // the mapping's name
  // The page object as the poll's query returned it: saves a GET. Absent for webhook hints,
  // whose worker reads the page itself.
  std::optional<boost::json::value> page;
  std::string sync_run_id;
  std::string source = "poll";  // poll | webhook | reconcile | manual
  // When the change was first seen (the hint's creation); the sync-latency metric starts here.
  // Unset in a new hint: to_job_spec stamps the current time.
  std::optional<std::chrono::system_clock::time_point> seen_at;
};

storage::job_spec to_job_spec(const sync_page_hint& hint, int max_attempts);

// A change GitHub reported for a linked issue, as a job: the webhook receiver's and reconcile's
// (which makes the same job for an event a lost webhook never brought). Events for one issue
// merge while waiting; the page key serialises them with the page's sync_page jobs.
struct github_event_job {
  std::string repo;
  std::int64_t number = 0;
  std::string page_id;   // the linked page
  std::string action;    // "closed", "reopened", ... or "reconcile"
  std::string delivery;  // the webhook's delivery id ("" from reconcile)
  std::string sender;    // who acted on GitHub ("" from reconcile)
};
storage::job_spec to_job_spec(const github_event_job& event, int max_attempts);
// Throws std::invalid_argument for a payload that is not a sync_page hint.
sync_page_hint hint_from_payload(const boost::json::value& payload);

}  // namespace ngsync::engine
