// The link row as core's values: what the planner reads of it, and what it records of a page in
// sync. Conversions only; what they hold is decided in core/sync.
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"
#include "storage/link_store.hpp"

namespace ngsync::storage {

sync::link_state state_of(const page_link& l) {
  sync::link_state s;
  s.repo = l.github_repo.value_or("");
  if (l.issue_number) s.issue_number = *l.issue_number;
  s.issue_url = l.issue_html_url.value_or("");
  s.is_pull_request = l.kind == sync::issue_kind::draft_pr;
  s.synced_hash = l.synced_fields_hash.value_or("");
  s.create_intent = l.create_attempt_id.has_value() && !l.issue_number;
  if (l.create_intent_at) s.create_intent_at = iso8601::format(*l.create_intent_at);
  s.last_written = sync::last_written_from(l.written_to_github);
  return s;
}

sync::link_reading reading_of(const page_link& l) {
  return {state_of(l), l.synced_fields_hash, l.sync_status};
}

created_issue created_of(std::string page_id, const sync::issue_created& issue) {
  return {std::move(page_id), static_cast<int>(issue.number), issue.node_id, issue.html_url,
          issue.kind};
}

sync_outcome outcome_of(const sync::in_sync_record& r, std::string sync_run_id) {
  sync_outcome o;
  o.notion_last_edited = iso8601::parse(r.notion_last_edited);
  o.synced_fields_hash = r.synced_hash;
  o.sync_run_id = std::move(sync_run_id);
  o.synced_at = r.synced_at;
  o.written_to_github = r.written_to_github;
  return o;
}

}  // namespace ngsync::storage
