#include "core/sync/drift.hpp"

#include "core/sync/issue_body.hpp"

namespace ngsync::sync {
namespace {

bool is_open(desired_state s) {
  return s == desired_state::open;
}

}  // namespace

desired_state state_on_github(const github::github_issue& issue) {
  if (issue.state == github::issue_state::open) return desired_state::open;
  return issue.state_reason == "not_planned" ? desired_state::closed_not_planned
                                             : desired_state::closed_completed;
}

field_drift drift_of(const github::github_issue& issue, const last_written_values& written) {
  field_drift d;
  d.title = issue.title != written.title;
  if (!written.body_revision.empty()) {
    d.body = parse_markers(issue.body).revision != written.body_revision;
  }
  // Against what GitHub held after that write: it drops names silently without push access.
  d.labels = !same_name_set(issue.labels, labels_on_github(written));
  d.assignees = !same_name_set(issue.assignees, assignees_on_github(written));
  d.state = is_open(state_on_github(issue)) != is_open(written.state);
  return d;
}

field_drift drift_of(const github::github_issue& issue,
                     const std::optional<last_written_values>& written) {
  return written ? drift_of(issue, *written) : field_drift{};
}

std::vector<std::string> notion_fields_to_restore(const field_drift& drift,
                                                  const mapping_rules& rules) {
  std::vector<std::string> out;
  const auto& own = rules.ownership;
  if (drift.title && own.title == field_owner::notion) out.emplace_back("title");
  if (drift.labels && rules.labels_property && own.labels == field_owner::notion) {
    out.emplace_back("labels");
  }
  if (drift.assignees && rules.assignees_property && own.assignees == field_owner::notion) {
    out.emplace_back("assignees");
  }
  if (drift.body && rules.sync_body && own.body == field_owner::notion) out.emplace_back("body");
  return out;
}

bool reconcile_finds_drift(const github::github_issue& issue,
                           const std::optional<last_written_values>& written, bool trash_reopened) {
  auto drift = drift_of(issue, written);
  if (trash_reopened) drift.state = false;
  return drift.any();
}

}  // namespace ngsync::sync
