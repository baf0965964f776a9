#include "core/sync/page_sync_rules.hpp"

#include <algorithm>

#include "core/sync/link_state.hpp"
#include "core/sync/planner.hpp"

namespace ngsync::sync {

std::optional<std::string> dropped_names_notice(const sync_plan& plan,
                                                const std::optional<link_state>& state,
                                                const github_applied_names& applied) {
  if (plan.desired && (applied.labels || applied.assignees)) {
    return dropped_names_message(written_values_of(*plan.desired, {}, applied), plan.desired->repo);
  }
  if (state && state->last_written) {
    return dropped_names_message(*state->last_written, state->repo);
  }
  return std::nullopt;
}

bool mirrored_since(const boost::json::object& written_to_notion, const std::string& last_edited) {
  const auto edited = last_edited.substr(0, 16);
  return std::ranges::any_of(written_to_notion, [&edited](const auto& field) {
    const auto* o = field.value().if_object();
    const auto* at = o ? o->if_contains("at") : nullptr;
    return at && at->is_string() && std::string_view(at->as_string()).substr(0, 16) >= edited;
  });
}

bool content_skipped_unlinked(const notion::notion_page& page, const mapping_rules& rules) {
  return rules.sync_body && !page.in_trash &&
         classify_status(page, rules, false).cls == status_class::before_create;
}

bool content_needed(const notion::notion_page& page, bool linked, const mapping_rules& rules) {
  return rules.sync_body && !page.in_trash && (linked || !content_skipped_unlinked(page, rules));
}

bool page_already_shows(const notion::notion_page& page, const write_back_properties& wb,
                        const write_back_action& shown) {
  if (shown.use_created_issue || shown.last_sync_at) return false;
  auto prop = [&](const std::optional<std::string>& name) -> const notion::property_value* {
    return name ? page.find(*name) : nullptr;
  };
  if (shown.issue_number) {
    const auto* p = prop(wb.issue_number);
    if (!p || !p->number || *p->number != static_cast<double>(*shown.issue_number)) return false;
  }
  if (shown.issue_url) {
    const auto* p = prop(wb.issue_url);
    if (!p || p->text != *shown.issue_url) return false;
  }
  if (shown.status) {
    const auto* p = prop(wb.sync_status);
    if (!p || sync_status_value_from(p->text) != *shown.status) return false;
  }
  if (shown.error_text) {
    const auto* p = prop(wb.sync_error);
    if (!p || (shown.error_text->empty() ? !p->is_empty : p->text != *shown.error_text))
      return false;
  }
  return true;
}

bool snapshot_outdated(std::optional<std::chrono::system_clock::time_point> seen_at,
                       std::optional<std::chrono::system_clock::time_point> last_synced_at,
                       const boost::json::object& written_to_notion,
                       const std::string& last_edited) {
  const bool older_than_last_sync = seen_at && last_synced_at && *seen_at < *last_synced_at;
  return older_than_last_sync || mirrored_since(written_to_notion, last_edited);
}

}  // namespace ngsync::sync
