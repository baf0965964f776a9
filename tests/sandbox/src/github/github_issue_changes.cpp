// Issue changes shared by API clients and people acting in the scenario, and the `issues`
// webhook deliveries each change causes.
#include <algorithm>
#include <cstdio>

#include "tests/sandbox/src/github/github_crypto.hpp"
#include "tests/sandbox/src/github/github_emulator_impl.hpp"

namespace ngsync::sandbox::github {

// Label names are unique regardless of case: "BUG" finds the label "bug", and an issue then
// carries the label's own spelling, as on GitHub.
gh_label& github_emulator::ensure_label(gh_repo& repo, const std::string& name) {
  for (auto& l : repo.labels)
    if (same_label_name(l.name, name)) return l;
  gh_label label;
  label.id = next_id();
  label.name = name;
  repo.labels.push_back(label);
  return repo.labels.back();
}

bool github_emulator::has_push_access(const gh_repo& repo, const caller& who) const {
  if (who.what == caller::kind::installation) {
    for (const auto& i : installations_)
      if (i.id == who.installation_id) {
        auto p = i.permissions.find("issues");
        return p == i.permissions.end() || p->second == "write";
      }
    return false;
  }
  return who.login == repo.owner || repo.collaborators.count(who.login) > 0;
}

void github_emulator::reindex(gh_issue& issue) {
  const gh_index_version version{issue.updated_at, issue.title, issue.body.value_or(""),
                                 issue.state};
  if (!issue.index_versions.empty()) {
    const auto& last = issue.index_versions.back();
    if (last.title == version.title && last.body == version.body && last.state == version.state)
      return;
  }
  issue.index_versions.push_back(version);
}

gh_issue& github_emulator::create_issue(gh_repo& repo, const std::string& author,
                                        const std::string& title, std::optional<std::string> body,
                                        const issue_edit& extras,
                                        std::optional<gh_pull_details> pull) {
  const time_point t = now();
  gh_issue issue;
  issue.id = next_id();
  issue.number = repo.next_number++;
  issue.title = title;
  issue.body = std::move(body);
  issue.author = author;
  issue.created_at = t;
  issue.updated_at = t;
  issue.pull = std::move(pull);
  if (issue.pull) issue.pull_id = next_id();
  if (extras.labels)
    for (const auto& given : *extras.labels) {
      const std::string name = ensure_label(repo, given).name;
      if (std::find(issue.labels.begin(), issue.labels.end(), name) == issue.labels.end())
        issue.labels.push_back(name);
    }
  if (extras.assignees)
    for (const auto& login : *extras.assignees)
      if ((login == repo.owner || repo.collaborators.count(login)) &&
          std::find(issue.assignees.begin(), issue.assignees.end(), login) == issue.assignees.end())
        issue.assignees.push_back(login);
  if (extras.milestone) issue.milestone = *extras.milestone;
  reindex(issue);
  gh_issue& stored = repo.issues[issue.number] = std::move(issue);
  deliver_issue_event(repo, stored, "opened", author, {});
  return stored;
}

void github_emulator::apply_edit(gh_repo& repo, gh_issue& issue, const issue_edit& edit,
                                 const std::string& actor) {
  const time_point t = now();
  const render_context ctx = base_context();
  bool changed = false;
  json::object changes;
  if (edit.title && *edit.title != issue.title) {
    changes["title"] = json::object{{"from", issue.title}};
    issue.title = *edit.title;
  }
  if (edit.body && *edit.body != issue.body) {
    changes["body"] = json::object{{"from", issue.body.value_or("")}};
    issue.body = *edit.body;
  }
  changed = !changes.empty();
  std::string state_action;
  if (edit.state && *edit.state != issue.state) {
    issue.state = *edit.state;
    if (issue.state == "closed") {
      issue.state_reason = edit.state_reason.value_or("completed");
      if (issue.state_reason == "reopened") issue.state_reason = "completed";
      issue.closed_at = t;
      issue.closed_by = actor;
      state_action = "closed";
    } else {
      issue.state_reason = "reopened";
      issue.closed_at.reset();
      issue.closed_by.reset();
      state_action = "reopened";
    }
    changed = true;
  }
  std::vector<std::string> added_labels, removed_labels;
  if (edit.labels) {
    std::vector<std::string> next;
    for (const auto& given : *edit.labels) {
      // GitHub creates labels it does not know yet, and reuses one that differs only in case.
      const std::string name = ensure_label(repo, given).name;
      if (std::find(next.begin(), next.end(), name) == next.end()) next.push_back(name);
    }
    for (const auto& name : next) {
      if (std::find(issue.labels.begin(), issue.labels.end(), name) == issue.labels.end())
        added_labels.push_back(name);
    }
    for (const auto& name : issue.labels)
      if (std::find(next.begin(), next.end(), name) == next.end()) removed_labels.push_back(name);
    issue.labels = next;
  }
  std::vector<std::string> added_assignees, removed_assignees;
  if (edit.assignees) {
    std::vector<std::string> next;
    for (const auto& login : *edit.assignees)
      // Logins that cannot be assigned are dropped silently, as GitHub does.
      if ((login == repo.owner || repo.collaborators.count(login)) &&
          std::find(next.begin(), next.end(), login) == next.end())
        next.push_back(login);
    for (const auto& login : next)
      if (std::find(issue.assignees.begin(), issue.assignees.end(), login) == issue.assignees.end())
        added_assignees.push_back(login);
    for (const auto& login : issue.assignees)
      if (std::find(next.begin(), next.end(), login) == next.end())
        removed_assignees.push_back(login);
    issue.assignees = next;
  }
  if (edit.milestone && *edit.milestone != issue.milestone) {
    issue.milestone = *edit.milestone;
    changed = true;
  }
  changed = changed || !added_labels.empty() || !removed_labels.empty() ||
            !added_assignees.empty() || !removed_assignees.empty();
  if (!changed) return;
  issue.updated_at = t;
  reindex(issue);

  if (!changes.empty()) deliver_issue_event(repo, issue, "edited", actor, {{"changes", changes}});
  if (!state_action.empty()) deliver_issue_event(repo, issue, state_action, actor, {});
  auto label_object = [&](const std::string& name) {
    for (const auto& l : repo.labels)
      if (l.name == name) return render_label(repo, l, ctx);
    return json::object{};
  };
  for (const auto& name : added_labels)
    deliver_issue_event(repo, issue, "labeled", actor, {{"label", label_object(name)}});
  for (const auto& name : removed_labels)
    deliver_issue_event(repo, issue, "unlabeled", actor, {{"label", label_object(name)}});
  for (const auto& login : added_assignees)
    deliver_issue_event(repo, issue, "assigned", actor,
                        {{"assignee", render_user(user(login), ctx)}});
  for (const auto& login : removed_assignees)
    deliver_issue_event(repo, issue, "unassigned", actor,
                        {{"assignee", render_user(user(login), ctx)}});
}

void github_emulator::deliver_issue_event(const gh_repo& repo, const gh_issue& issue,
                                          const std::string& action, const std::string& sender,
                                          json::object extra) {
  // A pull request's changes are `pull_request` events: the PR under `pull_request`, its number
  // at the top. The actions the sync follows have the same names.
  const std::string event = issue.pull ? "pull_request" : "issues";
  std::vector<const gh_hook*> targets;
  for (const auto& hook : hooks_) {
    if (hook.repo && *hook.repo != repo.full_name()) continue;
    if (std::find(hook.events.begin(), hook.events.end(), event) == hook.events.end() &&
        std::find(hook.events.begin(), hook.events.end(), "*") == hook.events.end())
      continue;
    targets.push_back(&hook);
  }
  if (targets.empty()) return;
  // One delivery id per event, shared by every hook it goes to.
  auto r = [&] {
    return services_.random ? services_.random() : static_cast<std::uint64_t>(next_id());
  };
  const std::uint64_t a = r(), b = r();
  char guid[40];
  std::snprintf(guid, sizeof guid, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(0x4000 | (a & 0x0fff)),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  render_context ctx = base_context();  // webhooks always carry the 2022-11-28 shapes
  for (const gh_hook* hook : targets) {
    json::object payload;
    payload["action"] = action;
    if (issue.pull) {
      payload["number"] = issue.number;
      payload["pull_request"] = render_pull(repo, issue, ctx);
    } else {
      json::object issue_doc = render_issue(repo, issue, ctx);
      // Webhook issues always carry `draft`, unlike REST issue responses.
      if (!issue_doc.contains("draft")) issue_doc["draft"] = false;
      payload["issue"] = std::move(issue_doc);
    }
    for (auto& [k, v] : extra) payload[k] = v;
    payload["repository"] = render_repository(repo, ctx);
    payload["sender"] = render_user(user(sender), ctx);
    if (hook->installation_id)
      payload["installation"] = json::object{{"id", *hook->installation_id},
                                             {"node_id", node_id("MDIz", *hook->installation_id)}};
    const std::string body = json::serialize(payload);
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/json"},
        {"User-Agent", "GitHub-Hookshot/ngsync-sandbox"},
        {"X-GitHub-Event", event},
        {"X-GitHub-Delivery", guid},
        {"X-GitHub-Hook-ID", std::to_string(hook->id)},
        {"X-GitHub-Hook-Installation-Target-Type",
         hook->installation_id ? "integration" : "repository"},
        {"X-GitHub-Hook-Installation-Target-ID",
         std::to_string(hook->installation_id ? (app_ ? app_->id : 0) : repo.id)},
        {"X-Hub-Signature-256", hub_signature_256(hook->secret, body)},
    };
    deliveries_.push_back(json::object{{"hook_id", hook->id},
                                       {"url", hook->url},
                                       {"event", event},
                                       {"action", action},
                                       {"delivery", guid},
                                       {"issue", issue.number},
                                       {"repo", repo.full_name()},
                                       {"sender", sender}});
    if (services_.post_webhook) services_.post_webhook(hook->url, std::move(headers), body);
  }
}

}  // namespace ngsync::sandbox::github
