#include "core/sync/link_state.hpp"

namespace ngsync::sync {

last_written_values written_values_of(const synced_fields& fields, std::string written_at) {
  last_written_values v;
  v.title = fields.title;
  v.body_revision = content_revision(fields.sync_body ? fields.body_markdown : std::string());
  v.labels = canonical_name_set(fields.labels);
  v.assignees = canonical_name_set(fields.assignees);
  v.state = fields.state;
  v.written_at = std::move(written_at);
  return v;
}

}  // namespace ngsync::sync
