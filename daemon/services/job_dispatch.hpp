#pragma once
// How the queue's jobs reach the engine, the same in every mode (run, sync-once) and in the
// engine's tests: which executor runs each job kind, and how a job's outcome shows on its page.
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/services/job_runner.hpp"

namespace ngsync::engine {

// sync_page jobs to the page syncer, github_issue_event jobs to the event mirror; any other kind
// fails permanently (a job written by a newer version, say), so it dies with that reason.
job_handler dispatch_jobs(page_syncer& pages, github_event_syncer& events);

// The page shows how its job went: Pending and why while it is retried (once per cause), Error
// when it died.
void report_outcomes_on_pages(job_runner& runner, page_syncer& pages);

}  // namespace ngsync::engine
