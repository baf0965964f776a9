#include "core/sync/link_state.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

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

last_written_values written_values_of(const synced_fields& fields, std::string written_at,
                                      const github_applied_names& applied) {
  auto v = written_values_of(fields, std::move(written_at));
  if (applied.labels && !same_name_set(*applied.labels, v.labels)) {
    v.labels_applied = canonical_name_set(*applied.labels);
  }
  if (applied.assignees && !same_name_set(*applied.assignees, v.assignees)) {
    v.assignees_applied = canonical_name_set(*applied.assignees);
  }
  return v;
}

const std::vector<std::string>& labels_on_github(const last_written_values& w) {
  return w.labels_applied ? *w.labels_applied : w.labels;
}

const std::vector<std::string>& assignees_on_github(const last_written_values& w) {
  return w.assignees_applied ? *w.assignees_applied : w.assignees;
}

namespace {

void add_missing(const std::vector<std::string>& sent, const std::vector<std::string>& held,
                 const char* what, std::vector<std::string>& out) {
  for (const auto& name : sent) {
    const bool applied = std::any_of(held.begin(), held.end(), [&](const std::string& h) {
      return same_name_set({h}, {name});  // GitHub compares names case-insensitively
    });
    if (!applied) out.push_back(what + name);
  }
}

}  // namespace

std::vector<std::string> dropped_by_github(const last_written_values& w) {
  std::vector<std::string> out;
  add_missing(w.labels, labels_on_github(w), "label ", out);
  add_missing(w.assignees, assignees_on_github(w), "assignee ", out);
  return out;
}

std::optional<std::string> dropped_names_message(const last_written_values& w,
                                                 const std::string& repo) {
  const auto dropped = dropped_by_github(w);
  if (dropped.empty()) return std::nullopt;
  std::string names;
  for (const auto& d : dropped) names += (names.empty() ? "" : ", ") + d;
  return "GitHub did not apply " + names + " on " + repo +
         ": only a token with push access to the repository can set labels and assignees "
         "(GitHub drops them without an error); grant it, then edit the page";
}

}  // namespace ngsync::sync
