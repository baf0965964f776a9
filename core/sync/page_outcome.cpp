#include "core/sync/page_outcome.hpp"

#include <algorithm>

#include "core/sync/notion_text.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"

namespace ngsync::sync {

std::optional<extras_issue> extras_issue_of(const std::optional<link_state>& state,
                                            const std::optional<created_here>& created,
                                            const sync_plan& plan) {
  extras_issue issue;
  if (created) {
    issue.repo = created->repo;
    issue.number = created->number;
  } else if (state && state->issue_number && !state->create_intent) {
    issue.repo = state->repo;
    issue.number = *state->issue_number;
  }
  if (issue.repo.empty() || issue.number == 0) return std::nullopt;
  if (plan.desired) {
    issue.closed = plan.desired->state != desired_state::open;
  } else if (state && state->last_written) {
    issue.closed = state->last_written->state != desired_state::open;
  }
  return issue;
}

write_back_action error_replacing_success(write_back_action wb, const std::string& error) {
  if (wb.status) wb.status = sync_status_value::error;
  if (wb.error_text) wb.error_text = std::string(shown_error_text(error));
  wb.last_sync_at.reset();
  return wb;
}

std::optional<write_back_action> error_to_show(const notion::notion_page& page,
                                               const write_back_properties& wb,
                                               const std::string& error) {
  if (page.in_trash) return std::nullopt;
  const std::string shown(shown_error_text(error));
  write_back_action a;
  bool differs = false;
  if (wb.sync_status) {
    if (const auto* p = page.find(*wb.sync_status)) {
      a.status = sync_status_value::error;
      differs = differs || sync_status_value_from(p->text) != sync_status_value::error;
    }
  }
  if (wb.sync_error) {
    if (const auto* p = page.find(*wb.sync_error)) {
      a.error_text = shown;
      differs = differs || p->text != shown;
    }
  }
  if (!differs) return std::nullopt;
  return a;
}

std::optional<write_back_action> failure_to_show(const write_back_properties& wb,
                                                 const std::string& error, bool dead,
                                                 int attempts) {
  if (!dead && attempts > 1) return std::nullopt;
  write_back_action a;
  if (wb.sync_status) a.status = dead ? sync_status_value::error : sync_status_value::pending;
  if (wb.sync_error) a.error_text = std::string(shown_error_text(error));
  return a;
}

write_back_action pending_to_show(const write_back_properties& wb, const std::string& notice) {
  write_back_action a;
  if (wb.sync_status) a.status = sync_status_value::pending;
  if (wb.sync_error) a.error_text = std::string(shown_error_text(notice));
  return a;
}

std::optional<in_sync_record> record_after_round(const sync_plan& plan, const round_facts& facts) {
  if (plan.synced_hash.empty() && !facts.link_hash) return std::nullopt;
  in_sync_record r;
  r.notion_last_edited = facts.edited_after_write_back.value_or(facts.page_last_edited);
  r.synced_hash = plan.synced_hash.empty() ? *facts.link_hash : plan.synced_hash;
  r.synced_at = std::min(facts.now, facts.read_at);
  if (plan.desired) {
    r.written_to_github = provenance_json(
        written_values_of(*plan.desired, iso8601::format(facts.now), facts.applied));
  }
  return r;
}

std::optional<in_sync_record> record_when_unchanged(const sync_plan& plan,
                                                    std::optional<link_status> link,
                                                    const notion::notion_page& page,
                                                    bool extras_wanted, const round_facts& facts) {
  const bool settles = link && (*link == link_status::in_sync ||
                                (extras_wanted && *link == link_status::error && !page.in_trash));
  if (!settles) return std::nullopt;
  in_sync_record r;
  r.notion_last_edited = page.last_edited_time;
  r.synced_hash = facts.link_hash.value_or("");
  r.synced_at = std::min(facts.now, facts.read_at);
  if (!plan.synced_hash.empty() && plan.desired) {
    r.synced_hash = plan.synced_hash;
    r.written_to_github =
        provenance_json(written_values_of(*plan.desired, iso8601::format(facts.now)));
  }
  return r;
}

}  // namespace ngsync::sync
