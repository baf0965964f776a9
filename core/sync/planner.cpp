#include "core/sync/planner.hpp"

#include <cctype>

#include "core/sync/drift.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_title.hpp"
#include "core/sync/notion_text.hpp"
#include "core/sync/repo_name.hpp"
#include "core/sync/sync_run_id.hpp"
#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {
namespace {

std::string folded(std::string_view s) {
  std::string out(trim_ascii(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool same_status(std::string_view a, std::string_view b) {
  return folded(a) == folded(b);
}

std::string strip_cr(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

struct desired_result {
  synced_fields fields;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

desired_state state_for(const page_status& st) {
  if (st.cls == status_class::trashed) return desired_state::closed_not_planned;
  if (st.cls == status_class::closing) {
    return st.reason == close_reason::completed ? desired_state::closed_completed
                                                : desired_state::closed_not_planned;
  }
  return desired_state::open;
}

void read_repo(desired_result& r, const notion::notion_page& page,
               const std::optional<link_state>& link, const mapping_rules& rules) {
  std::optional<std::string> from_page;
  if (rules.repository_property) {
    if (const auto* p = page.find(*rules.repository_property); p && !trim_ascii(p->text).empty()) {
      from_page = p->text;
    }
  }
  const bool linked = link && (link->issue_number || link->create_intent);
  if (linked) {
    // The issue stays where it is: moving issues between repos is not something we do.
    r.fields.repo = link->repo;
    if (from_page) {
      auto parsed = parse_repo_name(*from_page, rules.github_web_host);
      if (parsed && parsed->full() != link->repo) {
        r.warnings.push_back("repository changed to " + parsed->full() +
                             " but the issue stays in " + link->repo + " (issues are not moved)");
      }
    }
    return;
  }
  std::optional<std::string> text = from_page ? from_page : rules.fixed_repository;
  if (!text) {
    r.errors.push_back("no GitHub repository: set " +
                       quoted(rules.repository_property.value_or("GitHub Repository")) +
                       " on the page");
    return;
  }
  auto parsed = parse_repo_name(*text, rules.github_web_host);
  if (!parsed) {
    r.errors.push_back(parsed.error().message);
    return;
  }
  r.fields.repo = parsed->full();
}

void read_assignees(desired_result& r, const notion::notion_page& page,
                    const mapping_rules& rules) {
  if (!rules.assignees_property) return;
  const auto* p = page.find(*rules.assignees_property);
  if (!p) {
    r.warnings.push_back("assignees property " + quoted(*rules.assignees_property) +
                         " not found on the page");
    return;
  }
  if (p->truncated) {
    r.warnings.push_back("assignees property " + quoted(*rules.assignees_property) +
                         " lists 25 or more people; read the full list from the property endpoint");
  }
  for (const auto& person : p->people) {
    auto it = rules.user_map.find(person.id);
    if (it == rules.user_map.end() && !person.email.empty()) {
      it = rules.user_map.find(person.email);
      if (it == rules.user_map.end()) it = rules.user_map.find(folded(person.email));
    }
    if (it == rules.user_map.end() || trim_ascii(it->second).empty()) {
      const auto who = person.name.empty() ? person.id : person.name + " (" + person.id + ")";
      r.warnings.push_back("Notion user " + who +
                           " has no GitHub login in the user map; not assigned");
      continue;
    }
    r.fields.assignees.push_back(std::string(trim_ascii(it->second)));
  }
  r.fields.assignees = canonical_name_set(std::move(r.fields.assignees));
}

desired_result desired_fields(const notion::notion_page& page, std::string_view content,
                              const std::optional<link_state>& link, const mapping_rules& rules,
                              const page_status& st) {
  desired_result r;
  auto& f = r.fields;
  const bool linked = link && link->issue_number;
  f.page_id = page.id;
  f.page_url = page.url;
  f.kind = linked ? (link->is_pull_request ? issue_kind::draft_pr : issue_kind::issue)
                  : rules.create_kind;
  f.sync_body = rules.sync_body;
  if (rules.sync_body) f.body_markdown = std::string(content);
  f.state = state_for(st);

  const auto* title = page.find(rules.title_property);
  if (title) f.title = issue_title_from(title->text);
  if (f.title.empty()) {
    const auto why = title ? std::string("the page has no title")
                           : "title property " + quoted(rules.title_property) + " not found";
    // A linked issue keeps its last title rather than failing the whole sync.
    if (linked)
      r.warnings.push_back(why + "; the issue keeps its title");
    else
      r.errors.push_back(why);
  }

  read_repo(r, page, link, rules);

  if (rules.labels_property) {
    if (const auto* p = page.find(*rules.labels_property)) {
      f.labels = canonical_name_set(p->names);
    } else {
      r.warnings.push_back("labels property " + quoted(*rules.labels_property) +
                           " not found on the page");
    }
  }
  read_assignees(r, page, rules);
  return r;
}

managed_section section_for(const synced_fields& f) {
  managed_section s;
  s.page_id = f.page_id;
  s.page_url = f.page_url;
  s.include_content = f.sync_body;
  s.content_markdown = f.sync_body ? f.body_markdown : std::string();
  s.revision = content_revision(s.content_markdown);
  return s;
}

struct write_back_target {
  const notion::property_value* number = nullptr;
  const notion::property_value* url = nullptr;
  const notion::property_value* status = nullptr;
  const notion::property_value* last_sync_at = nullptr;
  const notion::property_value* error = nullptr;
};

// Configured write-back properties that exist on the page. A missing one would make Notion reject
// every PATCH, so it is skipped with a warning instead.
write_back_target find_write_back(const notion::notion_page& page, const mapping_rules& rules,
                                  std::vector<std::string>& warnings) {
  write_back_target t;
  auto look = [&](const std::optional<std::string>& name, const notion::property_value*& out) {
    if (!name) return;
    out = page.find(*name);
    if (!out) warnings.push_back("write-back property " + quoted(*name) + " not found on the page");
  };
  const auto& wb = rules.write_back;
  look(wb.issue_number, t.number);
  look(wb.issue_url, t.url);
  look(wb.sync_status, t.status);
  look(wb.last_sync_at, t.last_sync_at);
  look(wb.sync_error, t.error);
  return t;
}

// Success write-back. `forced`: GitHub changed, so "last sync at" must move even when the page
// already shows the number and a Success status.
void add_success_write_back(sync_plan& plan, const notion::notion_page& page,
                            const mapping_rules& rules, std::optional<std::int64_t> number,
                            const std::string& url, bool use_created_issue, bool forced,
                            std::string_view now) {
  // A trashed page is read-only for the API; nothing to write there.
  if (page.in_trash || !rules.write_back.any()) return;
  const auto t = find_write_back(page, rules, plan.warnings);
  write_back_action wb;
  wb.use_created_issue = use_created_issue;
  bool stale = forced || use_created_issue;
  if (t.number && !use_created_issue && number) {
    wb.issue_number = number;
    stale = stale || !t.number->number || *t.number->number != static_cast<double>(*number);
  }
  if (t.url && !use_created_issue && !url.empty()) {
    wb.issue_url = url;
    stale = stale || t.url->text != url;
  }
  if (t.status) {
    wb.status = sync_status_value::success;
    stale = stale || sync_status_value_from(t.status->text) != sync_status_value::success;
  }
  if (t.error) {
    wb.error_text = std::string();
    stale = stale || !t.error->is_empty;
  }
  if (t.last_sync_at) wb.last_sync_at = std::string(now);
  const bool anything = wb.use_created_issue || wb.issue_number || wb.issue_url || wb.status ||
                        wb.error_text || wb.last_sync_at;
  if (stale && anything) plan.actions.push_back(std::move(wb));
}

void add_error(sync_plan& plan, const notion::notion_page& page, const mapping_rules& rules,
               const std::vector<std::string>& errors) {
  std::string message;
  for (const auto& e : errors) message += (message.empty() ? "" : "; ") + e;
  plan.actions.push_back(mark_error_action{message});
  plan.desired.reset();
  plan.synced_hash.clear();
  if (page.in_trash || !rules.write_back.any()) return;
  const auto t = find_write_back(page, rules, plan.warnings);
  const std::string shown(shown_error_text(message));
  write_back_action wb;
  bool stale = false;
  if (t.status) {
    wb.status = sync_status_value::error;
    stale = stale || sync_status_value_from(t.status->text) != sync_status_value::error;
  }
  if (t.error) {
    wb.error_text = shown;
    stale = stale || t.error->text != shown;
  }
  // Same error already shown: writing it again would only bump last_edited_time.
  if (stale) plan.actions.push_back(std::move(wb));
}

create_issue_action create_action_for(const synced_fields& f, const page_status& st) {
  create_issue_action c;
  c.repo = f.repo;
  c.title = f.title;
  c.body = merge_body("", section_for(f));
  c.labels = f.labels;
  c.assignees = f.assignees;
  c.kind = f.kind;
  if (st.cls == status_class::closing) c.close_after_create = st.reason;
  return c;
}

// The "newer wins" rule for one field (sync-model §4). Notion changed = differs from what we last
// wrote; GitHub changed = GitHub's value differs from what we last wrote. Without a record (first
// sync after adoption) Notion's value is taken.
bool should_push(field_owner owner, bool differs, bool have_record, bool notion_changed,
                 bool github_changed, bool notion_newer) {
  if (!differs) return false;
  switch (owner) {
    case field_owner::notion:
      return true;
    case field_owner::github:
      return false;
    case field_owner::newer_wins:
      if (!have_record) return true;
      if (!notion_changed) return false;
      if (!github_changed) return true;
      return notion_newer;
  }
  return false;
}

bool is_open(desired_state s) {
  return s == desired_state::open;
}

update_issue_action update_for(const synced_fields& d, const link_state& link,
                               const github::github_issue& issue, const notion::notion_page& page,
                               const mapping_rules& rules) {
  update_issue_action u;
  u.repo = link.repo;
  u.number = *link.issue_number;
  u.is_pull_request = issue.is_pull_request || link.is_pull_request;
  const auto& lw = link.last_written;
  const bool rec = lw.has_value();
  // GitHub changed = drifted from what the daemon last wrote (no record: nothing drifted).
  const auto github_changed = drift_of(issue, lw);
  // ISO 8601 UTC compares as text; both APIs give seconds precision in the first 19 characters.
  const bool notion_newer = page.last_edited_time.substr(0, 19) >= issue.updated_at.substr(0, 19);
  const auto& own = rules.ownership;

  if (!d.title.empty()) {
    const bool differs = d.title != issue.title;
    if (should_push(own.title, differs, rec, rec && d.title != lw->title, github_changed.title,
                    notion_newer)) {
      u.title = d.title;
    }
  }

  {
    const auto section = section_for(d);
    auto merged = merge_body(issue.body, section);
    const bool differs = strip_cr(merged) != strip_cr(issue.body);
    if (should_push(own.body, differs, rec, rec && section.revision != lw->body_revision,
                    github_changed.body, notion_newer)) {
      u.body = std::move(merged);
    }
  }

  if (rules.labels_property) {
    const bool differs = !same_name_set(d.labels, issue.labels);
    if (should_push(own.labels, differs, rec, rec && !same_name_set(d.labels, lw->labels),
                    github_changed.labels, notion_newer)) {
      u.labels = d.labels;
    }
  }

  if (rules.assignees_property) {
    const bool differs = !same_name_set(d.assignees, issue.assignees);
    if (should_push(own.assignees, differs, rec, rec && !same_name_set(d.assignees, lw->assignees),
                    github_changed.assignees, notion_newer)) {
      u.assignees = d.assignees;
    }
  }

  {
    const auto actual = state_on_github(issue);
    // A different close reason on an already closed issue is not a change: GitHub applies
    // state_reason only when the state itself changes.
    const bool differs = is_open(d.state) != is_open(actual);
    if (should_push(own.status, differs, rec, rec && d.state != lw->state, github_changed.state,
                    notion_newer)) {
      if (is_open(d.state)) {
        u.state = state_change{github::issue_state::open, "reopened"};
      } else {
        u.state =
            state_change{github::issue_state::closed,
                         d.state == desired_state::closed_completed ? "completed" : "not_planned"};
      }
    }
  }
  return u;
}

// True when the fields last synced from this page still stand on both sides: the hash of the
// desired fields equals the stored one and the provenance record agrees with them. A mirror of a
// GitHub change into Notion (a close, a retitle) records GitHub's value as written without
// touching the hash; a page then moved back to what it said before hashes as "unchanged" although
// GitHub now differs, so the record must be checked too.
bool unchanged_since_sync(const synced_fields& d, const std::string& hash, const link_state& link) {
  if (hash != link.synced_hash) return false;
  if (!link.last_written) return true;
  const auto& lw = *link.last_written;
  if (d.state != lw.state) return false;
  if (!d.title.empty() && d.title != lw.title) return false;
  return same_name_set(d.labels, lw.labels) && same_name_set(d.assignees, lw.assignees);
}

}  // namespace

page_status classify_status(const notion::notion_page& page, const mapping_rules& rules,
                            bool has_issue) {
  page_status st;
  if (rules.status_property) {
    if (const auto* p = page.find(*rules.status_property)) st.name = p->text;
  }
  if (page.in_trash) {
    st.cls = status_class::trashed;
    st.reason = close_reason::not_planned;
    return st;
  }
  if (!rules.status_property) {
    st.cls = status_class::create;
    return st;
  }
  for (const auto& c : rules.close_statuses) {
    if (same_status(st.name, c.status)) {
      st.cls = status_class::closing;
      st.reason = c.reason;
      return st;
    }
  }
  for (const auto& c : rules.create_statuses) {
    if (same_status(st.name, c)) {
      st.cls = status_class::create;
      return st;
    }
  }
  st.cls = has_issue ? status_class::active : status_class::before_create;
  return st;
}

bool wants_sync_without_link(const notion::notion_page& page, const mapping_rules& rules) {
  const auto& wb = rules.write_back;
  for (const auto& name : {wb.issue_number, wb.issue_url}) {
    if (!name) continue;
    if (const auto* p = page.find(*name); p && !p->is_empty) return true;
  }
  if (page.in_trash) return false;  // nothing on GitHub to close
  const auto st = classify_status(page, rules, false);
  return st.cls == status_class::create ||
         (st.cls == status_class::closing && rules.create_when_first_seen_closed);
}

bool needs_issue(const notion::notion_page& page, std::string_view content_markdown,
                 const std::optional<link_state>& link, const mapping_rules& rules) {
  if (!link || !link->issue_number) return false;
  const auto st = classify_status(page, rules, true);
  if (st.cls == status_class::trashed && !rules.close_on_trash) return false;
  const auto d = desired_fields(page, content_markdown, link, rules, st);
  return d.errors.empty() && !unchanged_since_sync(d.fields, hash_synced_fields(d.fields), *link);
}

sync_plan plan_page(const notion::notion_page& page, std::string_view content_markdown,
                    const std::optional<link_state>& link,
                    const std::optional<github::github_issue>& issue, const mapping_rules& rules,
                    std::string_view now) {
  sync_plan plan;
  plan.sync_run_id = make_sync_run_id(page.id, page.last_edited_time);
  const bool has_issue = link && link->issue_number;
  const bool intent = link && !has_issue && link->create_intent;
  const auto st = classify_status(page, rules, has_issue || intent);

  if (!has_issue) {
    const bool wants = st.cls == status_class::create ||
                       (st.cls == status_class::closing && rules.create_when_first_seen_closed);
    // Backlog, trashed, or created straight into a close status: stays off GitHub. With an
    // intent pending, the earlier POST may still have created an issue, so look for it anyway.
    if (!wants && !intent) return plan;
    auto d = desired_fields(page, content_markdown, link, rules, st);
    plan.warnings = std::move(d.warnings);
    if (!d.errors.empty()) {
      add_error(plan, page, rules, d.errors);
      return plan;
    }
    auto create = create_action_for(d.fields, st);
    if (intent) {
      // Outcome of the earlier POST unknown: adopt before creating (sync-model §3). The executor
      // plans again once it knows, so this plan stores no hash.
      find_issue_by_marker_action find;
      find.repo = link->repo;
      find.page_id = page.id;
      find.since = link->create_intent_at;
      if (wants) find.create_if_missing = std::move(create);
      plan.actions.push_back(std::move(find));
      return plan;
    }
    plan.actions.push_back(std::move(create));
    add_success_write_back(plan, page, rules, std::nullopt, {}, true, true, now);
    plan.synced_hash = hash_synced_fields(d.fields);
    plan.desired = std::move(d.fields);
    return plan;
  }

  // Linked to an issue.
  if (st.cls == status_class::trashed && !rules.close_on_trash) return plan;
  auto d = desired_fields(page, content_markdown, link, rules, st);
  plan.warnings = std::move(d.warnings);
  if (!d.errors.empty()) {
    add_error(plan, page, rules, d.errors);
    return plan;
  }
  const auto hash = hash_synced_fields(d.fields);
  const std::string url = issue && !issue->html_url.empty() ? issue->html_url : link->issue_url;
  if (unchanged_since_sync(d.fields, hash, *link)) {
    // Nothing changed on the Notion side since the last applied plan: no GitHub call. The page
    // may still lack the write-back (an earlier run failed after GitHub succeeded).
    add_success_write_back(plan, page, rules, link->issue_number, url, false, false, now);
    return plan;
  }
  if (!issue) {
    plan.actions.push_back(fetch_issue_action{link->repo, *link->issue_number});
    return plan;
  }
  auto update = update_for(d.fields, *link, *issue, page, rules);
  const bool changed = !update.empty();
  if (changed) plan.actions.push_back(std::move(update));
  add_success_write_back(plan, page, rules, link->issue_number, url, false, changed, now);
  plan.synced_hash = hash;
  plan.desired = std::move(d.fields);
  return plan;
}

}  // namespace ngsync::sync
