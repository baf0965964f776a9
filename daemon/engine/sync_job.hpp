#pragma once
// The sync's jobs as queue jobs (storage::job_spec). Their kinds, payloads and keys are the
// sync's own format, in core/sync/sync_hint.hpp; this adds only what the queue needs besides.
#include "core/sync/sync_hint.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

// The payload types and codecs moved to core/sync/sync_hint.hpp; these names keep the engine's
// code (and the webhooks' and tests') compiling as they were. New code may name sync:: directly.
using sync::github_event_job;
using sync::github_issue_event_kind;
using sync::hint_from_payload;
using sync::sync_page_hint;
using sync::sync_page_kind;

// A sync_page job; a hint without seen_at is stamped with the current time.
storage::job_spec to_job_spec(const sync_page_hint& hint, int max_attempts);
// A github_issue_event job.
storage::job_spec to_job_spec(const github_event_job& event, int max_attempts);

}  // namespace ngsync::engine
