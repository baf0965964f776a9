#include "daemon/engine/github_event_sync.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/sync/drift.hpp"
#include "core/sync/github_event_planner.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/sync_job.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

json::object property_patch(const notion::notion_page& page, const std::string& property,
                            const std::string& value, bool is_title) {
  if (is_title) {
    return {{property, json::object{{"title", json::array{json::object{
                                                  {"type", "text"},
                                                  {"text", json::object{{"content", value}}}}}}}}};
  }
  const auto* p = page.find(property);
  const std::string type = p && p->type_name == "select" ? "select" : "status";
  return {{property, json::object{{type, json::object{{"name", value}}}}}};
}

}  // namespace

github_event_syncer::github_event_syncer(storage::database& db, storage::job_queue& queue,
                                         engine_ports& ports,
                                         const std::map<std::string, mapping_binding>& mappings,
                                         const config::config& c)
    : db_(db), queue_(queue), ports_(ports), mappings_(mappings), c_(c) {}

net::awaitable<void> github_event_syncer::sync(storage::claimed_job job) {
  auto logger = log::get("twoway");
  ++counters_.events;
  const auto* o = job.payload.if_object();
  if (!o) api::throw_malformed("ngsync", "github event", "payload is not an object");
  auto repo = text_of(*o, "repo");
  const auto page_id = text_of(*o, "page_id");
  const auto action = text_of(*o, "action");
  const auto* n = o->if_contains("number");
  if (repo.empty() || !n || !n->is_int64()) {
    api::throw_malformed("ngsync", "github event", "payload without repo or number");
  }
  auto number = n->as_int64();
  const auto run = job.sync_run_id.value_or("gh-" + std::to_string(job.id));

  auto read_link = [repo, number](storage::transaction t) {
    return storage::link_store::find_by_issue(t, repo, static_cast<int>(number));
  };
  auto link = co_await db_.read(std::move(read_link));
  if (!link) {
    logger->info("issue={}#{} run={} is no longer linked to a page; nothing to mirror", repo,
                 number, run);
    co_return;
  }
  const auto* binding = mapping_of_data_source(mappings_, link->data_source_id);
  if (!binding) {
    api::throw_malformed("ngsync", "github event",
                         "no mapping covers data source " + link->data_source_id);
  }
  const auto& rules = binding->rules;
  sync::mirror_options options;
  for (const auto& m : c_.sync.mappings) {
    if (m.name == binding->name && !m.reopen_status.empty())
      options.reopen_status = m.reopen_status;
  }

  auto github_port = ports_.github(run);
  auto& github_api = *github_port;
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  github::github_issue issue;
  std::optional<std::string> gone;
  try {
    issue = co_await github_api.get_issue(repo, number);
  } catch (const api::api_exception& e) {
    const auto reason = sync::issue_gone(e.failure());
    if (!reason) throw;
    gone = sync::gone_message(repo, number, *reason, e.failure().status);
  }
  if (gone) {
    const auto pid = link->notion_page_id;
    const auto message = *gone;
    auto save_error = [pid, message, run](storage::transaction t) {
      storage::link_store::mark_error(t, pid, message, run);
    };
    co_await db_.write(std::move(save_error));
    logger->warn("page={} run={} {}", pid, run, message);
    co_return;
  }
  if (auto moved = sync::moved_location(issue.html_url, repo, number)) {
    // Transferred: GitHub answered 301 and the client followed it. The link moves with the issue
    // so every later call addresses it where it lives now.
    auto moved_link = *link;
    moved_link.github_repo = moved->repo;
    moved_link.issue_number = static_cast<int>(moved->number);
    moved_link.issue_html_url = issue.html_url;
    auto save_move = [moved_link](storage::transaction t) {
      storage::link_store::upsert(t, moved_link);
    };
    co_await db_.write(std::move(save_move));
    logger->info("page={} run={} issue {}#{} was transferred to {}#{}; link updated",
                 link->notion_page_id, run, repo, number, moved->repo, moved->number);
    repo = moved->repo;
    number = moved->number;
    link = moved_link;
  }
  auto raw = co_await notion_api.get_page(link->notion_page_id);
  auto parsed = notion::parse_page(raw);
  if (!parsed) api::throw_malformed("notion", "read page", parsed.error().message);
  const auto page = std::move(*parsed);

  if (page.in_trash && rules.close_on_trash) {
    // The trash closed the issue, and now the issue moved on GitHub. Nothing can be written to a
    // trashed page, and closing the issue again would fight the person who reopened it (status
    // is theirs when newer). So the reopen stands, and the link says why the two sides differ
    // until someone restores the page or closes the issue; then the link is in sync again.
    const bool open = issue.state == github::issue_state::open;
    const bool shown = link->trash_reopened;
    // What a person changed on the issue of a trashed page is accepted as it is: recorded as
    // GitHub's values, so reconcile stops reporting it as drift. Not an open state, though: the
    // trash's close stays the record, so nothing plans to "restore" the reopen meanwhile.
    json::object seen{{"title", issue.title},
                      {"labels", json::value_from(issue.labels)},
                      {"assignees", json::value_from(issue.assignees)}};
    if (auto rev = sync::parse_markers(issue.body).revision) seen["body_revision"] = *rev;
    if (!open) seen["state"] = sync::to_string(sync::state_on_github(issue));
    const auto pid = link->notion_page_id;
    const auto message = "page in the trash, issue open: " + repo + "#" + std::to_string(number) +
                         " was reopened on GitHub after its page went to the Notion trash; "
                         "restore the page or close the issue";
    const bool flip = open != shown;
    auto save = [pid, open, flip, message, run, seen](storage::transaction t) {
      storage::link_store::merge_provenance(t, pid, seen, json::object());
      if (flip && open) storage::link_store::mark_trash_reopened(t, pid, message, run);
      if (flip && !open) storage::link_store::clear_error(t, pid, run);
    };
    co_await db_.write(std::move(save));
    if (flip) {
      logger->warn("page={} run={} {}", pid, run,
                   open ? message : "issue closed again; the trashed page and its issue agree");
    }
    co_return;
  }

  sync::link_state state;
  state.repo = repo;
  state.issue_number = number;
  state.issue_url = link->issue_html_url.value_or("");
  state.synced_hash = link->synced_fields_hash.value_or("");
  state.last_written = sync::last_written_from(link->written_to_github);

  auto plan = sync::plan_github_event(issue, state, page, rules, false, options);
  const auto now = iso8601::format(ports_.now());
  for (const auto& note : plan.notes) {
    logger->debug("page={} run={} issue={}#{} action={}: {}", page.id, run, repo, number, action,
                  note);
  }

  json::object to_github;  // GitHub's values the Notion side now reflects
  json::object to_notion;  // what was written to Notion, with when and why
  if (!plan.empty()) {
    json::object props;
    if (plan.set_status && rules.status_property) {
      for (auto& [k, v] : property_patch(page, *rules.status_property, *plan.set_status, false))
        props[k] = v;
      to_notion["status"] =
          json::object{{"value", *plan.set_status}, {"at", now}, {"from", "github:" + action}};
    }
    if (plan.set_title) {
      for (auto& [k, v] : property_patch(page, rules.title_property, *plan.set_title, true))
        props[k] = v;
      to_notion["title"] =
          json::object{{"value", *plan.set_title}, {"at", now}, {"from", "github:" + action}};
    }
    if (plan.set_labels && rules.labels_property) {
      json::array options;
      for (const auto& name : *plan.set_labels) options.push_back(json::object{{"name", name}});
      props[*rules.labels_property] = json::object{{"multi_select", options}};
      to_notion["labels"] = json::object{
          {"value", json::value_from(*plan.set_labels)}, {"at", now}, {"from", "github:" + action}};
    }
    if (plan.set_assignees && rules.assignees_property) {
      json::array people;
      for (const auto& id : *plan.set_assignees) {
        people.push_back(json::object{{"object", "user"}, {"id", id}});
      }
      props[*rules.assignees_property] = json::object{{"people", people}};
      to_notion["assignees"] = json::object{{"value", json::value_from(*plan.set_assignees)},
                                            {"at", now},
                                            {"from", "github:" + action}};
    }
    for (const auto& login : plan.unmapped_logins) {
      logger->warn(
          "page={} run={} issue={}#{}: GitHub assignee '{}' has no Notion user in the mapping's "
          "users map; skipped",
          page.id, run, repo, number, login);
    }
    co_await notion_api.update_page_properties(page.id, std::move(props));
    ++counters_.notion_updates;
    logger->info(
        "page={} run={} mirrored issue={}#{} action={} into Notion: status={} title={} labels={} "
        "assignees={}",
        page.id, run, repo, number, action, plan.set_status.value_or("-"),
        plan.set_title ? "set" : "-", plan.set_labels ? "set" : "-",
        plan.set_assignees ? "set" : "-");
  }
  if (plan.new_last_written_state) {
    to_github["state"] = sync::to_string(*plan.new_last_written_state);
  }
  if (plan.new_last_written_title) to_github["title"] = *plan.new_last_written_title;
  // GitHub's own value becomes the record: nothing of it was dropped.
  if (plan.new_last_written_labels) {
    to_github["labels"] = json::value_from(*plan.new_last_written_labels);
    to_github["labels_applied"] = nullptr;
  }
  if (plan.new_last_written_assignees) {
    to_github["assignees"] = json::value_from(*plan.new_last_written_assignees);
    to_github["assignees_applied"] = nullptr;
  }

  // Notion-owned fields GitHub changed: the executor restores them (the hash is forgotten so it
  // compares every field with the issue). A Notion win in a status conflict goes the same way.
  auto drift = sync::notion_fields_to_restore(sync::drift_of(issue, state.last_written), rules);
  if (plan.new_last_written_title) {
    std::erase(drift, std::string("title"));
  }
  bool notion_won = false;
  json::array conflicts;
  for (const auto& cf : plan.conflicts) {
    if (cf.winner == "notion") notion_won = true;
    conflicts.push_back(json::object{{"at", now},
                                     {"field", cf.field},
                                     {"winner", cf.winner},
                                     {"rule", cf.rule},
                                     {"notion", cf.notion_value},
                                     {"github", cf.github_value},
                                     {"issue", repo + "#" + std::to_string(number)}});
    ++counters_.conflicts;
    logger->warn(
        "page={} run={} conflict on {}: Notion has '{}', GitHub has '{}'; {} wins (rule {})",
        page.id, run, cf.field, cf.notion_value, cf.github_value, cf.winner, cf.rule);
  }
  for (const auto& field : drift) {
    logger->info("page={} run={} issue={}#{}: {} changed on GitHub but Notion owns it; restoring",
                 page.id, run, repo, number, field);
  }
  const bool restore = !drift.empty() || notion_won;
  if (plan.empty() && !restore) ++counters_.unchanged;
  if (restore) ++counters_.restores;

  std::optional<storage::job_spec> restore_job;
  if (restore && !page.in_trash) {
    sync_page_hint hint;
    hint.page_id = page.id;
    hint.data_source_id = link->data_source_id;
    hint.mapping = binding->name;
    hint.source = "github_event";
    restore_job = to_job_spec(hint, c_.queue.max_attempts);
  }
  if (to_github.empty() && to_notion.empty() && conflicts.empty() && !restore_job) co_return;
  const auto pid = link->notion_page_id;
  auto queue = &queue_;
  // The page changed under the Notion -> GitHub hash: forget it, so the next change of the page
  // (say, back to the status it had before) is compared with the issue, not with a stale hash.
  const bool notion_written = !plan.empty();
  auto save = [pid, to_github, to_notion, conflicts, restore_job, queue,
               notion_written](storage::transaction t) {
    if (!to_github.empty() || !to_notion.empty())
      storage::link_store::merge_provenance(t, pid, to_github, to_notion);
    if (notion_written) storage::link_store::invalidate_hash(t, pid);
    for (const auto& entry : conflicts) {
      storage::link_store::append_conflict(t, pid, entry.as_object());
    }
    if (restore_job) {
      storage::link_store::invalidate_hash(t, pid);
      queue->enqueue(t, *restore_job);
    }
  };
  co_await db_.write(std::move(save));
}

}  // namespace ngsync::engine
