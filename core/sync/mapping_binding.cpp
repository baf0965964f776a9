#include "core/sync/mapping_binding.hpp"

#include "core/notion/notion_id.hpp"

namespace ngsync::sync {
namespace {
std::optional<std::string> optional_name(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// The loader accepts only these three names.
field_owner owner_of(const std::string& s) {
  if (s == "github") return field_owner::github;
  if (s == "newer_wins") return field_owner::newer_wins;
  return field_owner::notion;
}
}  // namespace

mapping_rules rules_from_config(const config::mapping& m) {
  mapping_rules r;
  r.name = m.name;
  r.title_property = m.title_property;
  r.status_property = optional_name(m.status_property);
  r.labels_property = optional_name(m.labels_property);
  r.assignees_property = optional_name(m.assignees_property);
  r.repository_property = optional_name(m.repository_property);
  r.fixed_repository = optional_name(m.repository);
  r.create_kind = m.kind;
  r.create_statuses = m.create_statuses;
  for (const auto& [status, reason] : m.close_statuses) {
    r.close_statuses.push_back(
        {status, reason == "not_planned" ? close_reason::not_planned : close_reason::completed});
  }
  r.close_on_trash = m.close_on_trash;
  r.sync_body = m.sync_body;
  r.user_map = m.users;
  r.ownership.title = owner_of(m.ownership.title);
  r.ownership.body = owner_of(m.ownership.body);
  r.ownership.labels = owner_of(m.ownership.labels);
  r.ownership.assignees = owner_of(m.ownership.assignees);
  r.ownership.status = owner_of(m.ownership.status);
  r.write_back.issue_number = optional_name(m.issue_number_property);
  r.write_back.issue_url = optional_name(m.issue_url_property);
  r.write_back.sync_status = optional_name(m.sync_status_property);
  r.write_back.last_sync_at = optional_name(m.last_sync_at_property);
  r.write_back.sync_error = optional_name(m.sync_error_property);
  return r;
}

const mapping_binding* mapping_of_data_source(
    const std::map<std::string, mapping_binding>& mappings, std::string_view data_source_id) {
  for (const auto& [name, b] : mappings) {
    for (const auto& ds : b.data_source_ids) {
      if (notion::same_id(ds, data_source_id)) return &b;
    }
  }
  return nullptr;
}

mapping_match mapping_of_parent(const std::map<std::string, mapping_binding>& mappings,
                                std::string_view parent_data_source_id,
                                std::string_view parent_database_id) {
  for (const auto& [name, b] : mappings) {
    if (auto ds = data_source_in_scope(b.scope(), parent_data_source_id, parent_database_id))
      return {&b, *ds};
  }
  return {};
}

}  // namespace ngsync::sync
