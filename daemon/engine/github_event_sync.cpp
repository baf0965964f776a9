#include "daemon/engine/github_event_sync.hpp"

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/sync/drift.hpp"
#include "core/sync/github_event_planner.hpp"
#include "core/sync/github_event_record.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/provenance.hpp"
#include "core/sync/sync_hint.hpp"
#include "core/time/iso8601.hpp"
#include "storage/sync_jobs.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

github_event_syncer::github_event_syncer(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, sync::mapping_binding>& mappings, const config::config& c)
    : links_(db), mirrors_(db, queue), ports_(ports), mappings_(mappings), c_(c) {}

github_event_syncer::issue_event github_event_syncer::event_of(const storage::claimed_job& job) {
  sync::github_event_job event;
  try {
    event = sync::github_event_from_payload(job.payload);
  } catch (const std::invalid_argument& e) {
    api::throw_malformed("ngsync", "github event", e.what());
  }
  return {event.repo, event.number, event.action,
          job.sync_run_id.value_or("gh-" + std::to_string(job.id))};
}

net::awaitable<void> github_event_syncer::sync(storage::claimed_job job) {
  ++counters_.events;
  auto ev = event_of(job);
  auto link = co_await links_.find_by_issue(ev.repo, ev.number);
  if (!link) {
    log::get("twoway")->info("issue={}#{} run={} is no longer linked to a page; nothing to mirror",
                             ev.repo, ev.number, ev.run);
    co_return;
  }
  const auto* binding = sync::mapping_of_data_source(mappings_, link->data_source_id);
  if (!binding) {
    api::throw_malformed("ngsync", "github event",
                         "no mapping covers data source " + link->data_source_id);
  }
  auto github_api = ports_.github(ev.run);
  auto notion_api = ports_.notion(ev.run);
  auto issue = co_await read_issue(*github_api, ev, *link);
  if (!issue) co_return;
  co_await follow_transfer(ev, *link, *issue);
  const auto raw_page = co_await notion_api->get_page(link->notion_page_id);
  auto parsed = notion::parse_page(raw_page);
  if (!parsed) api::throw_malformed("notion", "read page", parsed.error().message);
  if (parsed->in_trash && binding->rules.close_on_trash) {
    co_await hold_trashed(ev, *link, *issue);
    co_return;
  }
  co_await mirror(ev, *link, *binding, *issue, *parsed, *notion_api);
}

net::awaitable<std::optional<github::github_issue>> github_event_syncer::read_issue(
    github::github_port& github_api, const issue_event& ev, const storage::page_link& link) {
  std::optional<std::string> gone;
  try {
    co_return co_await github_api.get_issue(ev.repo, ev.number);
  } catch (const api::api_exception& e) {
    const auto reason = sync::issue_gone(e.failure());
    if (!reason) throw;
    gone = sync::gone_message(ev.repo, ev.number, *reason, e.failure().status);
  }
  // Deleted, or out of reach: the link says so; the page keeps what it shows.
  const auto pid = link.notion_page_id;
  co_await links_.mark_error(pid, *gone, ev.run);
  log::get("twoway")->warn("page={} run={} {}", pid, ev.run, *gone);
  co_return std::nullopt;
}

net::awaitable<void> github_event_syncer::follow_transfer(issue_event& ev, storage::page_link& link,
                                                          const github::github_issue& issue) {
  auto moved = sync::moved_location(issue.html_url, ev.repo, ev.number);
  if (!moved) co_return;
  // Transferred: GitHub answered 301 and the client followed it. The link moves with the issue
  // so every later call addresses it where it lives now.
  auto moved_link = link;
  moved_link.github_repo = moved->repo;
  moved_link.issue_number = static_cast<int>(moved->number);
  moved_link.issue_html_url = issue.html_url;
  co_await links_.save(moved_link);
  log::get("twoway")->info("page={} run={} issue {}#{} was transferred to {}#{}; link updated",
                           link.notion_page_id, ev.run, ev.repo, ev.number, moved->repo,
                           moved->number);
  ev.repo = moved->repo;
  ev.number = moved->number;
  link = moved_link;
}

net::awaitable<void> github_event_syncer::hold_trashed(const issue_event& ev,
                                                       const storage::page_link& link,
                                                       const github::github_issue& issue) {
  // The reopen stands (core/sync/github_event_record: hold_of_trashed); what a person changed
  // on the issue is accepted as it is.
  const auto hold =
      sync::hold_of_trashed(issue, link.trash_reopened, ev.repo + "#" + std::to_string(ev.number));
  const auto seen = sync::trashed_issue_record(issue);
  const auto pid = link.notion_page_id;
  const auto flip_to_open = hold.flip ? std::optional(hold.open) : std::nullopt;
  co_await links_.record_trash_hold(pid, seen, flip_to_open, hold.message, ev.run);
  if (hold.flip) {
    log::get("twoway")->warn(
        "page={} run={} {}", pid, ev.run,
        hold.open ? hold.message : "issue closed again; the trashed page and its issue agree");
  }
}

net::awaitable<void> github_event_syncer::mirror(const issue_event& ev,
                                                 const storage::page_link& link,
                                                 const sync::mapping_binding& binding,
                                                 const github::github_issue& issue,
                                                 const notion::notion_page& page,
                                                 notion::notion_port& notion_api) {
  auto logger = log::get("twoway");
  const auto& rules = binding.rules;
  const auto state = storage::state_of(link);  // where the issue is now (follow_transfer)
  sync::mirror_options options;
  if (!binding.settings.reopen_status.empty())
    options.reopen_status = binding.settings.reopen_status;

  auto plan = sync::plan_github_event(issue, state, page, rules, false, options);
  const auto now = iso8601::format(ports_.now());
  for (const auto& note : plan.notes) {
    logger->debug("page={} run={} issue={}#{} action={}: {}", page.id, ev.run, ev.repo, ev.number,
                  ev.action, note);
  }
  json::object to_notion;  // what was written to Notion, with when and why
  if (!plan.empty()) {
    auto write = sync::mirror_write_of(plan, page, rules, now, ev.action);
    for (const auto& login : plan.unmapped_logins) {
      logger->warn(
          "page={} run={} issue={}#{}: GitHub assignee '{}' has no Notion user in the mapping's "
          "users map; skipped",
          page.id, ev.run, ev.repo, ev.number, login);
    }
    co_await notion_api.update_page_properties(page.id, std::move(write.properties));
    to_notion = std::move(write.written_to_notion);
    ++counters_.notion_updates;
    logger->info(
        "page={} run={} mirrored issue={}#{} action={} into Notion: status={} title={} labels={} "
        "assignees={}",
        page.id, ev.run, ev.repo, ev.number, ev.action, plan.set_status.value_or("-"),
        plan.set_title ? "set" : "-", plan.set_labels ? "set" : "-",
        plan.set_assignees ? "set" : "-");
  }
  co_await record_mirror(ev, link, binding, issue, page, plan, std::move(to_notion), now);
}

net::awaitable<void> github_event_syncer::record_mirror(
    const issue_event& ev, const storage::page_link& link, const sync::mapping_binding& binding,
    const github::github_issue& issue, const notion::notion_page& page,
    const sync::notion_mirror_plan& plan, json::object to_notion, const std::string& now) {
  auto logger = log::get("twoway");
  const auto to_github = sync::github_record_of(plan);  // GitHub's values Notion now reflects
  // Notion-owned fields GitHub changed: the executor restores them (the hash is forgotten so it
  // compares every field with the issue). A Notion win in a status conflict goes the same way.
  const auto need = sync::restore_after_mirror(plan, issue, link.written_to_github, binding.rules);
  const auto conflicts =
      sync::conflict_entries(plan, now, ev.repo + "#" + std::to_string(ev.number));
  for (const auto& cf : plan.conflicts) {
    ++counters_.conflicts;
    logger->warn(
        "page={} run={} conflict on {}: Notion has '{}', GitHub has '{}'; {} wins (rule {})",
        page.id, ev.run, cf.field, cf.notion_value, cf.github_value, cf.winner, cf.rule);
  }
  for (const auto& field : need.fields) {
    logger->info("page={} run={} issue={}#{}: {} changed on GitHub but Notion owns it; restoring",
                 page.id, ev.run, ev.repo, ev.number, field);
  }
  const bool restore = need.any();
  if (plan.empty() && !restore) ++counters_.unchanged;
  if (restore) ++counters_.restores;

  std::optional<storage::job_spec> restore_job;
  if (restore && !page.in_trash) {
    sync::sync_page_hint hint;
    hint.page_id = page.id;
    hint.data_source_id = link.data_source_id;
    hint.mapping = binding.name;
    hint.source = "github_event";
    restore_job = storage::to_job_spec(hint, c_.queue.max_attempts);
  }
  if (to_github.empty() && to_notion.empty() && conflicts.empty() && !restore_job) co_return;
  // The page changed under the Notion -> GitHub hash: forget it, so the next change of the page
  // (say, back to the status it had before) is compared with the issue, not with a stale hash.
  const bool notion_written = !plan.empty();
  storage::mirror_record record{link.notion_page_id, to_github,      std::move(to_notion),
                                conflicts,           notion_written, restore_job};
  co_await mirrors_.record(std::move(record));
}

}  // namespace ngsync::engine
