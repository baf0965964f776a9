// The steps of one page's sync that carry out what the planner decided (core/sync/planner.hpp):
// adopt the page's own issue, create exactly once, update, write back, record. sync_rounds
// (page_sync.cpp) plans, calls carry_out, and plans again when a step learned something.
#include <random>

#include <fmt/format.h>

#include "core/github/draft_pr.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/notion/page_content.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/notion_text.hpp"
#include "core/sync/page_outcome.hpp"
#include "core/sync/page_sync_rules.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/crash_points.hpp"
#include "daemon/engine/page_correlation.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/services/daemon_metrics.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;
using time_point = std::chrono::system_clock::time_point;

namespace {

std::string new_attempt_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

}  // namespace

sync::round_facts page_syncer::facts_of(const job_state& js, time_point now,
                                        sync::github_applied_names applied) {
  const auto& ctx = js.ctx;
  std::optional<std::string> link_hash;
  if (ctx.link) link_hash = ctx.link->synced_fields_hash;
  return {link_hash,   ctx.page.last_edited_time, js.notion_edited_after, now,
          ctx.read_at, std::move(applied)};
}

net::awaitable<void> page_syncer::take_link(job_state& js, storage::page_link link) {
  auto& ctx = js.ctx;
  ctx.state = storage::state_of(link);
  ctx.link = std::move(link);
  // Content skipped while the page had no link reaches the issue now.
  if (sync::content_skipped_unlinked(ctx.page, ctx.mapping->rules)) {
    ctx.content =
        co_await notion::read_page_content(js.notion, ctx.page, ctx.mapping->rules.user_map);
  }
}

net::awaitable<bool> page_syncer::correlate(job_state& js) {
  auto& ctx = js.ctx;
  // No issue on record (a lost or restored database): the page may still name its issue.
  auto found = co_await correlate_page(links_, js.github, ctx.page, *ctx.mapping,
                                       ctx.hint.data_source_id, own_github_login_);
  if (found.refusal) {
    co_await report_extras_error(ctx.page, ctx.mapping->rules, *found.refusal, js.run_tag, true);
    co_return false;  // the page's state, not a job failure; nothing is created
  }
  if (found.link) {
    ++counters_.issues_adopted;
    co_await take_link(js, *found.link);
    js.issue = std::move(found.issue);  // already read: the plan compares with it
  }
  co_return true;
}

std::optional<linked_issue> page_syncer::extras_target(const job_state& js,
                                                       const sync::sync_plan& plan) const {
  if (!extras_ || !issue_extras_syncer::wanted(js.ctx.mapping->settings)) return std::nullopt;
  std::optional<sync::created_here> created;
  if (js.created_number) created = sync::created_here{js.created_repo, *js.created_number};
  const auto issue = sync::extras_issue_of(js.ctx.state, created, plan);
  if (!issue) return std::nullopt;
  return linked_issue{issue->repo, issue->number, issue->closed};
}

net::awaitable<std::optional<std::string>> page_syncer::run_extras(const job_state& js,
                                                                   const sync::sync_plan& plan) {
  auto target = extras_target(js, plan);
  if (!target) co_return std::nullopt;
  co_return co_await extras_->sync(js.ctx.mapping->settings, js.ctx.page, *target,
                                   plan.sync_run_id);
}

net::awaitable<void> page_syncer::settle_unchanged(job_state& js, const sync::sync_plan& plan,
                                                   time_point now) {
  ++counters_.unchanged;
  const auto& ctx = js.ctx;
  const auto run = plan.sync_run_id;
  if (auto extras_error = co_await run_extras(js, plan)) {
    co_await report_extras_error(ctx.page, ctx.mapping->rules, *extras_error, run, true);
    co_return;
  }
  const bool extras_wanted = extras_ && issue_extras_syncer::wanted(ctx.mapping->settings);
  const auto link_status =
      ctx.link ? std::optional(ctx.link->sync_status) : std::optional<sync::link_status>();
  const auto record =
      sync::record_when_unchanged(plan, link_status, ctx.page, extras_wanted, facts_of(js, now));
  if (!record) co_return;
  // Verified unchanged after the edit's minute: lets the poller settle this page.
  const auto verified = storage::outcome_of(*record, run);
  co_await links_.mark_verified(ctx.page.id, verified);
}

net::awaitable<bool> page_syncer::carry_out(job_state& js, const sync::sync_plan& plan,
                                            round_state& rs, time_point now) {
  for (const auto& action : plan.actions) {
    log::get("sync")->debug("page={} run={} action: {}", js.ctx.page.id, plan.sync_run_id,
                            sync::describe(action));
    if (const auto* find = std::get_if<sync::find_issue_by_marker_action>(&action)) {
      co_await adopt_by_marker(js, *find, now);
      co_return true;
    }
    if (const auto* fetch = std::get_if<sync::fetch_issue_action>(&action)) {
      js.issue = co_await js.github.get_issue(fetch->repo, fetch->number);
      co_return true;
    }
    if (const auto* create = std::get_if<sync::create_issue_action>(&action)) {
      if (!co_await create_issue(js, *create, rs, now)) co_return true;
      continue;
    }
    if (const auto* update = std::get_if<sync::update_issue_action>(&action)) {
      co_await update_issue(js, *update, plan, rs, now);
      continue;
    }
    if (const auto* wb = std::get_if<sync::write_back_action>(&action)) {
      if (!co_await write_back(js, *wb, plan, rs)) co_return true;
      continue;
    }
    if (const auto* err = std::get_if<sync::mark_error_action>(&action)) {
      rs.error_message = err->message;
    }
  }
  co_return false;
}

net::awaitable<void> page_syncer::adopt_by_marker(job_state& js,
                                                  const sync::find_issue_by_marker_action& find,
                                                  time_point now) {
  auto logger = log::get("sync");
  const auto page_id = js.ctx.page.id;
  const auto& run = js.run;
  // The earlier POST's outcome is unknown: look for our marker among the issues updated since
  // the intent (the list endpoint, never search: search lags behind creation).
  auto since = iso8601::parse(find.since).value_or(now - std::chrono::hours(24));
  std::optional<github::github_issue> found;
  // Only an issue the daemon itself opened is ours: anyone can copy a marker.
  std::vector<github::github_issue> foreign;
  std::function<bool(const github::github_issue&)> look_for_marker =
      [&found, &foreign, &page_id, this](const github::github_issue& candidate) {
        switch (sync::judge_marked_issue(candidate.body, candidate.user_login, page_id,
                                         own_github_login_)) {
          case sync::marked_issue::other_page:
            return true;
          case sync::marked_issue::copy:
            foreign.push_back(candidate);
            return true;
          case sync::marked_issue::own:
            found = candidate;
            return false;
        }
        return true;
      };
  auto listed_since = iso8601::format(since - std::chrono::minutes(5));
  co_await js.github.list_issues_since(find.repo, std::move(listed_since),
                                       std::move(look_for_marker));
  for (const auto& f : foreign) {
    logger->warn(
        "page={} run={} {}#{} carries this page's marker but was opened by @{}, not the daemon: "
        "never adopted",
        page_id, run, find.repo, f.number, f.user_login);
  }
  if (!found && !foreign.empty() && own_github_login_.empty()) {
    // Cannot tell ours from a copy: neither adopt nor create a possible duplicate.
    api::throw_malformed("ngsync", "sync page",
                         fmt::format("{}#{} carries this page's marker, but the daemon's GitHub "
                                     "identity is unknown (set github.own_login)",
                                     find.repo, foreign.front().number));
  }
  auto& state = *js.ctx.state;
  if (!found) {
    // Not found: the earlier POST never landed. Forget the intent and plan a fresh create.
    state.create_intent = false;
    co_return;
  }
  ++counters_.issues_adopted;
  logger->info("page={} run={} adopted issue {}#{} created by an earlier attempt", page_id, run,
               find.repo, found->number);
  const auto kind = found->is_pull_request ? sync::issue_kind::draft_pr : sync::issue_kind::issue;
  // Named, not a temporary in the co_await's expression (a GCC 12 coroutine bug).
  const storage::created_issue adopted{page_id, static_cast<int>(found->number), found->node_id,
                                       found->html_url, kind};
  co_await links_.record_created(adopted);
  state.issue_number = found->number;
  state.issue_url = found->html_url;
  state.create_intent = false;
  state.synced_hash.clear();  // compare everything with the adopted issue
  js.issue = found;
  js.created_number = found->number;
  js.created_repo = find.repo;
  js.created_url = found->html_url;
}

net::awaitable<bool> page_syncer::create_issue(job_state& js,
                                               const sync::create_issue_action& create,
                                               round_state& rs, time_point now) {
  auto logger = log::get("sync");
  auto& ctx = js.ctx;
  const auto page_id = ctx.page.id;
  const auto& run = js.run;
  // 0. A database that lost its links reads the repository's marked issues once first: the
  //    issue this page had may exist, its number never written back.
  if (co_await recovery_.before_create(js.github, create.repo, ctx.hint.data_source_id,
                                       own_github_login_)) {
    auto relinked = co_await links_.get(page_id);
    if (relinked && relinked->issue_number) {
      ++counters_.issues_adopted;
      logger->info("page={} run={} re-linked to {}#{} by the recovery scan", page_id, run,
                   create.repo, *relinked->issue_number);
      co_await take_link(js, *relinked);
      js.issue.reset();
      co_return false;
    }
  }
  // 1. Record the intent (committed) before GitHub hears of the issue.
  const auto repo = create.repo;
  const storage::create_intent intent{page_id, ctx.hint.data_source_id, repo, new_attempt_id(),
                                      now};
  co_await links_.record_create_intent(intent);
  // 2. POST. An unknown outcome (timeout, reset) leaves the intent: the retry adopts.
  github::github_issue made;
  if (create.kind == sync::issue_kind::draft_pr) {
    // Head branch, then the draft PR, labels and assignees (core/github/draft_pr.hpp).
    const auto& base = ctx.mapping->draft_pr_base;
    const auto branch = co_await github::ensure_draft_pr_branch(js.github, repo, page_id, base);
    crash_point(crash_after_draft_pr_branch);
    const github::draft_pr pr{repo, create.title, create.body, create.labels, create.assignees};
    made = co_await github::open_draft_pr(js.github, pr, branch, base);
  } else {
    github::new_issue fresh{create.title, create.body, create.labels, create.assignees};
    made = co_await js.github.create_issue(repo, std::move(fresh));
    if (!create.labels.empty()) rs.applied.labels = made.labels;
    if (!create.assignees.empty()) rs.applied.assignees = made.assignees;
  }
  ++counters_.issues_created;
  crash_point(crash_after_issue_create);
  // 3. The number goes to the link with the in-sync state after the write-back to Notion (one
  //    row rewrite, not two), or at once when the issue's extras read it from there. Until
  //    then a crash leaves the intent, and the retry adopts the issue by its marker.
  const storage::created_issue saved{page_id, static_cast<int>(made.number), made.node_id,
                                     made.html_url, create.kind};
  if (extras_ && issue_extras_syncer::wanted(ctx.mapping->settings)) {
    co_await links_.record_created(saved);
  } else {
    js.unrecorded = saved;
  }
  js.created_number = made.number;
  js.created_repo = repo;
  js.created_url = made.html_url;
  logger->info("page={} run={} created {} {}#{}", page_id, run, sync::to_string(create.kind), repo,
               made.number);
  if (create.close_after_create) {
    github::issue_update u;
    u.state = "closed";
    u.state_reason = sync::to_string(*create.close_after_create);
    co_await js.github.update_issue(repo, made.number, std::move(u));
    ++counters_.issues_closed;
  }
  co_return true;
}

net::awaitable<void> page_syncer::update_issue(job_state& js,
                                               const sync::update_issue_action& update,
                                               const sync::sync_plan& plan, round_state& rs,
                                               time_point now) {
  github::issue_update u;
  u.title = update.title;
  u.body = update.body;
  u.labels = update.labels;
  u.assignees = update.assignees;
  if (update.state) {
    const bool open = update.state->state == github::issue_state::open;
    u.state = open ? "open" : "closed";
    u.state_reason = update.state->state_reason;
    ++(open ? counters_.issues_reopened : counters_.issues_closed);
  }
  const bool sent_labels = u.labels.has_value();
  const bool sent_assignees = u.assignees.has_value();
  const auto shown = co_await js.github.update_issue(update.repo, update.number, std::move(u));
  if (sent_labels) rs.applied.labels = shown.labels;
  if (sent_assignees) rs.applied.assignees = shown.assignees;
  ++counters_.issues_updated;
  const auto page_id = js.ctx.page.id;
  if (plan.desired) {
    // Record what GitHub now holds before anything else can fail. A replan after the page was
    // trashed mid-sync, or the retry after a crash, must compare with this write, not with the
    // one before it: otherwise a reopen made here looks like a person's and stands.
    auto written = sync::provenance_json(
        sync::written_values_of(*plan.desired, iso8601::format(now), rs.applied));
    co_await links_.record_github_write(page_id, std::move(written));
  }
  log::get("sync")->info("page={} run={} updated {}#{}: {}", page_id, plan.sync_run_id, update.repo,
                         update.number, sync::describe(sync::sync_action(update)));
}

net::awaitable<bool> page_syncer::write_back(job_state& js, const sync::write_back_action& wb,
                                             const sync::sync_plan& plan, round_state& rs) {
  auto& ctx = js.ctx;
  const auto& rules = ctx.mapping->rules;
  const auto page_id = ctx.page.id;
  // The issue's extras go first: an error there replaces the Success write-back.
  if (!rs.extras_ran && extras_target(js, plan)) {
    rs.extras_ran = true;
    rs.extras_error = co_await run_extras(js, plan);
  }
  if (!rs.extras_error) rs.extras_error = sync::dropped_names_notice(plan, ctx.state, rs.applied);
  // An extras error replaces Success; the number and URL are still written back.
  auto shown = wb;
  bool shown_already = false;
  if (rs.extras_error) {
    shown = sync::error_replacing_success(wb, *rs.extras_error);
    rs.extras_error_shown = true;
    shown_already = sync::page_already_shows(ctx.page, rules.write_back, shown);
  }
  auto props = shown_already ? json::object()
                             : sync::notion_write_back_properties(
                                   shown, rules.write_back, js.created_number, js.created_url);
  if (props.empty()) co_return true;
  json::value updated;
  std::optional<api::api_failure> archived;
  try {
    updated = co_await js.notion.update_page_properties(page_id, std::move(props));
  } catch (const api::api_exception& e) {
    if (!api::is_archived_page_edit(e.failure()) || js.trash_replanned) throw;
    archived = e.failure();
  }
  if (archived) {
    // Trashed since it was read: read the page (and the link, which a create in this plan
    // changed) again and plan once more, which closes the issue per close_on_trash.
    log::get("sync")->info("page={} run={} trashed during the sync; planning again", page_id,
                           plan.sync_run_id);
    js.trash_replanned = true;
    if (js.unrecorded) {  // the link is read again below: it must show the new issue
      const auto created = *js.unrecorded;
      co_await links_.record_created(created);
      js.unrecorded.reset();
    }
    auto fresh_hint = ctx.hint;
    fresh_hint.page.reset();
    ctx = co_await load(std::move(fresh_hint), js.run_tag);
    if (!ctx.page.in_trash) throw api::api_exception(*archived);
    js.issue.reset();
    co_return false;
  }
  ++counters_.pages_written_back;
  if (const auto* o = updated.if_object()) {
    if (const auto* le = o->if_contains("last_edited_time"); le && le->is_string()) {
      js.notion_edited_after = std::string(le->as_string().c_str());
    }
  }
  co_return true;
}

net::awaitable<void> page_syncer::finish_round(job_state& js, const sync::sync_plan& plan,
                                               round_state& rs, time_point now) {
  auto& ctx = js.ctx;
  const auto page_id = ctx.page.id;
  const auto run = plan.sync_run_id;
  if (!rs.error_message && !rs.extras_ran && extras_target(js, plan)) {
    rs.extras_ran = true;
    rs.extras_error = co_await run_extras(js, plan);
  }
  if (rs.error_message) {
    ++counters_.pages_in_error;
    log::get("sync")->warn("page={} run={} error: {}", page_id, run, *rs.error_message);
    if (ctx.link) {
      co_await links_.mark_error(page_id, *rs.error_message, run);
    } else {
      co_await links_.mark_error_creating(page_id, ctx.hint.data_source_id, *rs.error_message, run);
    }
    co_return;  // a page error is the page's state, not a job failure: no retry storm
  }
  if (const auto record = sync::record_after_round(plan, facts_of(js, now, rs.applied))) {
    const storage::synced_page synced{page_id, storage::outcome_of(*record, run), js.unrecorded};
    co_await links_.mark_in_sync(synced);
    js.unrecorded.reset();
  }
  if (rs.extras_error) {
    co_await report_extras_error(ctx.page, ctx.mapping->rules, *rs.extras_error, run,
                                 !rs.extras_error_shown);
    co_return;
  }
  ++counters_.pages_synced;
  if (ctx.hint.seen_at) metrics().page_synced(*ctx.hint.seen_at);
}

}  // namespace ngsync::engine
