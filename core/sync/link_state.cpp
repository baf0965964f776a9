#include "core/sync/link_state.hpp"

namespace ngsync::sync {

const char* to_string(link_status s) noexcept {
  switch (s) {
    case link_status::pending:
      return "pending";
    case link_status::in_sync:
      return "in_sync";
    case link_status::error:
      return "error";
  }
  return "?";
}

std::optional<link_status> link_status_from(std::string_view text) noexcept {
  for (auto s : {link_status::pending, link_status::in_sync, link_status::error}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

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
