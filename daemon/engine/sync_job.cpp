#include "daemon/engine/sync_job.hpp"

namespace ngsync::engine {

storage::job_spec to_job_spec(const sync_page_hint& hint, int max_attempts) {
  storage::job_spec spec;
  spec.kind = sync_page_kind;
  spec.payload = sync::to_payload(hint, std::chrono::system_clock::now());
  spec.unique_key = sync::unique_key(hint);
  spec.page_key = sync::page_key(hint);
  spec.max_attempts = max_attempts;
  if (!hint.sync_run_id.empty()) spec.sync_run_id = hint.sync_run_id;
  return spec;
}

storage::job_spec to_job_spec(const github_event_job& event, int max_attempts) {
  storage::job_spec spec;
  spec.kind = github_issue_event_kind;
  spec.payload = sync::to_payload(event);
  spec.unique_key = sync::unique_key(event);
  spec.page_key = sync::page_key(event);
  spec.max_attempts = max_attempts;
  return spec;
}

}  // namespace ngsync::engine
