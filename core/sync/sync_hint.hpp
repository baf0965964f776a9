#pragma once
// The sync's jobs and their payloads (sync-model.md §1). Every trigger (a poll result, a webhook,
// a reconcile pass) is only a hint that a page may need work: a `sync_page` job. A change GitHub
// reported for a linked issue is a `github_issue_event` job. Hints for the same page merge while
// waiting (unique key) and never run at once with the page's other jobs (page key).
//
// The payloads are stored in users' queues: a job written by one version must still parse in the
// next, so their JSON only ever gains optional fields. storage/sync_jobs.hpp makes them
// queue jobs (storage::job_spec).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace ngsync::sync {

inline constexpr const char* sync_page_kind = "sync_page";
// Mirrored into the page by the GitHub event mirror (daemon/engine/github_event_sync).
inline constexpr const char* github_issue_event_kind = "github_issue_event";

struct sync_page_hint {
  std::string page_id;
  std::string data_source_id;
  std::string mapping;  // the mapping's name
  // The page object as the poll's query returned it: saves a GET. Absent for webhook hints,
  // whose worker reads the page itself.
  std::optional<boost::json::value> page;
  // The job's sync run id; it travels beside the payload, not in it.
  std::string sync_run_id;
  std::string source = "poll";  // poll | webhook | reconcile | manual
  // When the change was first seen (the hint's creation); the sync-latency metric starts here.
  // Unset in a new hint: to_payload stamps `now`.
  std::optional<std::chrono::system_clock::time_point> seen_at;
};

// {"page_id", "data_source_id", "mapping", "source", ["page",] "seen_at_ms"}, in that order.
boost::json::object to_payload(const sync_page_hint& hint,
                               std::chrono::system_clock::time_point now);
// Throws std::invalid_argument for a payload that is not a sync_page hint. The sync run id is
// not in the payload: the caller takes it from the job.
sync_page_hint hint_from_payload(const boost::json::value& payload);
// "page:<page id>": waiting hints for one page merge into one job.
std::string unique_key(const sync_page_hint& hint);
// The page id: one job per page runs at a time.
std::string page_key(const sync_page_hint& hint);

// A change GitHub reported for a linked issue: the webhook receiver's, and reconcile's (the same
// job for an event a lost webhook never brought). Events for one issue merge while waiting.
struct github_event_job {
  std::string repo;
  std::int64_t number = 0;
  std::string page_id;   // the linked page
  std::string action;    // "closed", "reopened", ... or "reconcile"
  std::string delivery;  // the webhook's delivery id ("" from reconcile)
  std::string sender;    // who acted on GitHub ("" from reconcile)
};

// {"repo", "number", "page_id", "action", "delivery", "sender"}, in that order.
boost::json::object to_payload(const github_event_job& event);
// Throws std::invalid_argument without a repo or a number; the other fields default to "".
github_event_job github_event_from_payload(const boost::json::value& payload);
// "github-issue:<owner>/<name>#<number>".
std::string unique_key(const github_event_job& event);
// The linked page: the event's job never runs at once with the page's sync_page jobs.
std::string page_key(const github_event_job& event);

}  // namespace ngsync::sync
