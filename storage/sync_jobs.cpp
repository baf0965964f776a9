#include "storage/sync_jobs.hpp"

#include <chrono>

namespace ngsync::storage {

job_spec to_job_spec(const sync::sync_page_hint& hint, int max_attempts) {
  job_spec spec;
  spec.kind = sync::sync_page_kind;
  spec.payload = sync::to_payload(hint, std::chrono::system_clock::now());
  spec.unique_key = sync::unique_key(hint);
  spec.page_key = sync::page_key(hint);
  spec.max_attempts = max_attempts;
  if (!hint.sync_run_id.empty()) spec.sync_run_id = hint.sync_run_id;
  return spec;
}

job_spec to_job_spec(const sync::github_event_job& event, int max_attempts) {
  job_spec spec;
  spec.kind = sync::github_issue_event_kind;
  spec.payload = sync::to_payload(event);
  spec.unique_key = sync::unique_key(event);
  spec.page_key = sync::page_key(event);
  spec.max_attempts = max_attempts;
  return spec;
}

}  // namespace ngsync::storage
