#pragma once
// The sync's jobs as the queue stores them. Their kinds, payloads and keys are the sync's own
// format (core/sync/sync_hint.hpp); this adds what the queue needs besides: the merge key, the
// page key that keeps one page's jobs in order, the attempts allowed.
#include "core/sync/sync_hint.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::storage {

// A sync_page job; a hint without seen_at is stamped with the current time.
job_spec to_job_spec(const sync::sync_page_hint& hint, int max_attempts);
// A github_issue_event job.
job_spec to_job_spec(const sync::github_event_job& event, int max_attempts);

}  // namespace ngsync::storage
