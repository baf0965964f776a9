#include "core/sync/github_event_planner.hpp"

#include "core/sync/drift.hpp"
#include "core/sync/issue_title.hpp"
#include "core/sync/planner.hpp"
#include "core/sync/synced_fields.hpp"

namespace ngsync::sync {
namespace {

bool is_open(desired_state s) {
  return s == desired_state::open;
}

desired_state page_state(const page_status& st) {
  if (st.cls == status_class::trashed) return desired_state::closed_not_planned;
  if (st.cls == status_class::closing) {
    return st.reason == close_reason::completed ? desired_state::closed_completed
                                                : desired_state::closed_not_planned;
  }
  return desired_state::open;
}

// The Notion status that stands for a GitHub state: the first close status with the same reason
// (else any close status), or the first create status for a reopened issue.
std::optional<std::string> status_for(desired_state s, const mapping_rules& rules,
                                      const mirror_options& options) {
  if (is_open(s)) {
    if (options.reopen_status) return options.reopen_status;
    if (rules.create_statuses.empty()) return std::nullopt;
    return rules.create_statuses.front();
  }
  const auto want =
      s == desired_state::closed_completed ? close_reason::completed : close_reason::not_planned;
  for (const auto& c : rules.close_statuses) {
    if (c.reason == want) return c.status;
  }
  if (!rules.close_statuses.empty()) return rules.close_statuses.front().status;
  return std::nullopt;
}

const char* rule_name(field_owner o) {
  switch (o) {
    case field_owner::notion:
      return "notion_owns";
    case field_owner::github:
      return "github_owns";
    case field_owner::newer_wins:
      return "newer_wins";
  }
  return "newer_wins";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

// The GitHub logins of a page's people, through the mapping's users map (id first, then e-mail).
std::vector<std::string> logins_of(const notion::property_value* people,
                                   const mapping_rules& rules) {
  std::vector<std::string> out;
  if (!people) return out;
  for (const auto& u : people->people) {
    auto it = rules.user_map.find(u.id);
    if (it == rules.user_map.end() && !u.email.empty()) it = rules.user_map.find(u.email);
    if (it != rules.user_map.end()) out.push_back(it->second);
  }
  return out;
}

// The Notion user id for a GitHub login: the reverse of the users map. A key that is an e-mail
// resolves only through a person already on the page (the page object carries their e-mail).
std::optional<std::string> notion_user_for(const std::string& login,
                                           const notion::property_value* people,
                                           const mapping_rules& rules) {
  for (const auto& [key, mapped] : rules.user_map) {
    if (mapped != login) continue;
    if (key.find('@') == std::string::npos) return key;
    if (!people) continue;
    for (const auto& u : people->people) {
      if (u.email == key) return u.id;
    }
  }
  return std::nullopt;
}

// One list field (labels or assignees, as GitHub names) under its owner rule. Returns whether
// GitHub's value is taken; records a conflict when both sides changed since the last sync.
bool take_github_list(const char* field, field_owner owner, const std::vector<std::string>& github,
                      const std::vector<std::string>& notion,
                      const std::vector<std::string>* last_written, bool drifted, bool notion_newer,
                      notion_mirror_plan& plan) {
  if (same_name_set(github, notion)) return false;
  // Without a record GitHub's value counts as changed: there is nothing to echo.
  const bool github_changed = !last_written || drifted;
  if (!github_changed) return false;
  const bool notion_changed = last_written && !same_name_set(notion, *last_written);
  // Notion owns it: the executor restores Notion's value; only the decision is recorded.
  const bool take = owner == field_owner::github ||
                    (owner == field_owner::newer_wins && (!notion_changed || !notion_newer));
  if (notion_changed) {
    plan.conflicts.push_back(
        {field, take ? "github" : "notion", rule_name(owner), joined(notion), joined(github)});
  }
  return take;
}

// What every field's rule of one event looks at: GitHub's issue, the page, the link's record of
// what the daemon last wrote (none before the first sync), what GitHub changed since then, and
// whether the page was edited after the issue.
struct event_view {
  const github::github_issue& issue;
  const notion::notion_page& page;
  const mapping_rules& rules;
  const std::optional<last_written_values>& lw;
  field_drift drift;
  bool notion_newer;
};

// The page's status after GitHub's open/closed state, under the status owner rule.
void plan_status(const event_view& e, const mirror_options& options, notion_mirror_plan& plan) {
  const auto& [issue, page, rules, lw, drift, notion_newer] = e;
  const auto gh = state_on_github(issue);
  const auto st = classify_status(page, rules, true);
  const auto notion = page_state(st);
  if (!rules.status_property || rules.ownership.status == field_owner::notion) {
    plan.notes.push_back("status is owned by Notion");
  } else if (lw && !drift.state) {
    plan.notes.push_back("GitHub state equals what the daemon last wrote");
  } else if (is_open(gh) == is_open(notion)) {
    plan.notes.push_back("page status already matches GitHub");
    plan.new_last_written_state = gh;
  } else if (rules.ownership.status == field_owner::newer_wins && lw && notion != lw->state &&
             notion_newer) {
    plan.notes.push_back("Notion status changed later than GitHub; Notion wins");
    plan.conflicts.push_back(
        {"status", "notion", "newer_wins", st.name, std::string(to_string(gh))});
  } else if (auto name = status_for(gh, rules, options)) {
    if (lw && notion != lw->state) {
      // Both changed, GitHub's change is the newer one (or GitHub owns the status).
      plan.conflicts.push_back(
          {"status", "github",
           rules.ownership.status == field_owner::github ? "github_owns" : "newer_wins", st.name,
           std::string(to_string(gh))});
    }
    plan.set_status = *name;
    plan.new_last_written_state = gh;
  } else {
    plan.notes.push_back("no Notion status configured for GitHub state " +
                         std::string(to_string(gh)));
  }
}

// The page's title after GitHub's, unless the rules give the title to Notion.
void plan_title(const event_view& e, notion_mirror_plan& plan) {
  const auto& [issue, page, rules, lw, drift, notion_newer] = e;
  if (rules.ownership.title != field_owner::notion) {
    const auto* t = page.find(rules.title_property);
    const auto notion_title = t ? issue_title_from(t->text) : std::string();
    const bool github_changed = !lw || drift.title;
    const bool notion_changed = lw && notion_title != lw->title;
    const bool take =
        rules.ownership.title == field_owner::github || !notion_changed || !notion_newer;
    if (github_changed && notion_changed && issue.title != notion_title) {
      plan.conflicts.push_back(
          {"title", take ? "github" : "notion",
           rules.ownership.title == field_owner::github ? "github_owns" : "newer_wins",
           notion_title, issue.title});
    }
    if (github_changed && issue.title != notion_title && !issue.title.empty() && take) {
      plan.set_title = issue.title;
      plan.new_last_written_title = issue.title;
    }
  } else if (drift.title) {
    // Notion owns the title: the executor restores it. When Notion changed it too, the decision
    // is still a conflict worth recording on the link.
    const auto* t = page.find(rules.title_property);
    const auto notion_title = t ? issue_title_from(t->text) : std::string();
    if (notion_title != lw->title && notion_title != issue.title) {
      plan.conflicts.push_back({"title", "notion", "notion_owns", notion_title, issue.title});
    }
  }
}

// The page's labels after GitHub's, when the mapping has a labels property.
void plan_labels(const event_view& e, notion_mirror_plan& plan) {
  const auto& [issue, page, rules, lw, drift, notion_newer] = e;
  if (!rules.labels_property) return;
  const auto* p = page.find(*rules.labels_property);
  const auto notion_labels = p ? p->names : std::vector<std::string>{};
  if (take_github_list("labels", rules.ownership.labels, issue.labels, notion_labels,
                       lw ? &lw->labels : nullptr, drift.labels, notion_newer, plan)) {
    plan.set_labels = issue.labels;
    plan.new_last_written_labels = issue.labels;
  }
}

// The page's people after GitHub's assignees, when the mapping has an assignees property; a
// login the users map cannot turn into a Notion user is reported, not dropped silently.
void plan_assignees(const event_view& e, notion_mirror_plan& plan) {
  const auto& [issue, page, rules, lw, drift, notion_newer] = e;
  if (!rules.assignees_property) return;
  const auto* p = page.find(*rules.assignees_property);
  if (!take_github_list("assignees", rules.ownership.assignees, issue.assignees,
                        logins_of(p, rules), lw ? &lw->assignees : nullptr, drift.assignees,
                        notion_newer, plan))
    return;
  std::vector<std::string> ids;
  for (const auto& login : issue.assignees) {
    if (auto id = notion_user_for(login, p, rules)) {
      ids.push_back(*id);
    } else {
      plan.unmapped_logins.push_back(login);
    }
  }
  plan.set_assignees = std::move(ids);
  plan.new_last_written_assignees = issue.assignees;
}

}  // namespace

notion_mirror_plan plan_github_event(const github::github_issue& issue, const link_state& link,
                                     const notion::notion_page& page, const mapping_rules& rules,
                                     bool sender_is_daemon, const mirror_options& options) {
  notion_mirror_plan plan;
  if (sender_is_daemon) {
    plan.notes.push_back("event caused by the daemon itself");
    return plan;
  }
  if (page.in_trash) {
    plan.notes.push_back("page is in the trash");
    return plan;
  }
  const auto& lw = link.last_written;
  const event_view e{issue,
                     page,
                     rules,
                     lw,
                     drift_of(issue, lw),
                     page.last_edited_time.substr(0, 19) > issue.updated_at.substr(0, 19)};
  plan_status(e, options, plan);
  plan_title(e, plan);
  plan_labels(e, plan);
  plan_assignees(e, plan);
  return plan;
}

}  // namespace ngsync::sync
