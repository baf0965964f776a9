// Carries out the steps of one page's sync that core/sync/page_sync_steps decides, through the
// engine's ports, and hands each answer back. Nothing here decides what comes next.
#include <random>

#include <fmt/format.h>

#include "core/github/draft_pr.hpp"
#include "core/log/logging.hpp"
#include "core/notion/page_content.hpp"
#include "core/sync/adoption.hpp"
#include "daemon/engine/crash_points.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/services/daemon_metrics.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

std::string new_attempt_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

}  // namespace

net::awaitable<void> page_syncer::carry_out(job_run& jr, const sync::page_step& step) {
  auto& steps = jr.steps;
  const auto page_id = steps.reading().page.id;
  log::get("sync")->debug("page={} run={} step: {}", page_id, steps.run(), sync::step_name(step));
  if (const auto* planned = std::get_if<sync::plan_made>(&step)) {
    for (const auto& w : planned->warnings) {
      log::get("sync")->warn("page={} run={} {}", page_id, steps.run(), w);
    }
    steps.carried_out();
  } else if (const auto* read = std::get_if<sync::read_issue_step>(&step)) {
    auto issue = co_await jr.github.get_issue(read->repo, read->number);
    steps.issue_read(std::move(issue));
  } else if (const auto* find = std::get_if<sync::find_own_issue_step>(&step)) {
    co_await find_own_issue(jr, *find);
  } else if (const auto* scan = std::get_if<sync::scan_lost_links_step>(&step)) {
    co_await scan_lost_links(jr, *scan);
  } else if (const auto* intent = std::get_if<sync::record_intent_step>(&step)) {
    const storage::create_intent row{page_id, jr.ctx.hint.data_source_id, intent->repo,
                                     new_attempt_id(), intent->at};
    co_await links_.record_create_intent(row);
    steps.carried_out();
  } else if (const auto* open = std::get_if<sync::open_issue_step>(&step)) {
    co_await open_issue(jr, *open);
  } else if (const auto* created = std::get_if<sync::record_created_step>(&step)) {
    const auto row = storage::created_of(page_id, created->issue);
    co_await links_.record_created(row);
    steps.carried_out();
  } else if (const auto* close = std::get_if<sync::close_created_step>(&step)) {
    github::issue_update u;
    u.state = "closed";
    u.state_reason = sync::to_string(close->reason);
    co_await jr.github.update_issue(close->repo, close->number, std::move(u));
    ++counters_.issues_closed;
    steps.carried_out();
  } else if (const auto* update = std::get_if<sync::update_issue_step>(&step)) {
    co_await update_issue(jr, *update);
  } else if (const auto* write = std::get_if<sync::record_github_write_step>(&step)) {
    auto written = write->written;
    co_await links_.record_github_write(page_id, std::move(written));
    steps.carried_out();
  } else if (const auto* extras = std::get_if<sync::run_extras_step>(&step)) {
    const linked_issue target{extras->issue.repo, extras->issue.number, extras->issue.closed};
    auto error =
        co_await extras_->sync(jr.ctx.mapping->settings, steps.reading().page, target, steps.run());
    steps.extras_done(std::move(error));
  } else if (const auto* wb = std::get_if<sync::write_back_step>(&step)) {
    co_await write_back(jr, *wb);
  } else if (std::holds_alternative<sync::read_page_again_step>(step)) {
    log::get("sync")->info("page={} run={} trashed during the sync; planning again", page_id,
                           steps.run());
    auto fresh_hint = jr.ctx.hint;
    fresh_hint.page.reset();
    auto fresh = co_await load(std::move(fresh_hint), jr.run_tag);
    steps.page_read_again(std::move(fresh.reading));
  } else if (std::holds_alternative<sync::read_content_step>(step)) {
    const auto& user_map = jr.ctx.mapping->rules.user_map;
    auto content = co_await notion::read_page_content(jr.notion, steps.reading().page, user_map);
    steps.content_read(std::move(content));
  } else if (const auto* give_up = std::get_if<sync::give_up_step>(&step)) {
    if (give_up->write_refusal && jr.write_refusal) throw api::api_exception(*jr.write_refusal);
    api::throw_malformed("ngsync", "sync page", give_up->why);
  } else {
    co_await record_end(jr, step);
  }
}

net::awaitable<void> page_syncer::find_own_issue(job_run& jr,
                                                 const sync::find_own_issue_step& find) {
  auto logger = log::get("sync");
  const auto page_id = jr.steps.reading().page.id;
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
  auto since = find.since;
  co_await jr.github.list_issues_since(find.repo, std::move(since), std::move(look_for_marker));
  for (const auto& f : foreign) {
    logger->warn(
        "page={} run={} {}#{} carries this page's marker but was opened by @{}, not the daemon: "
        "never adopted",
        page_id, jr.steps.run(), find.repo, f.number, f.user_login);
  }
  if (found) {
    ++counters_.issues_adopted;
    logger->info("page={} run={} adopted issue {}#{} created by an earlier attempt", page_id,
                 jr.steps.run(), find.repo, found->number);
  }
  std::optional<std::int64_t> a_copy;
  if (!foreign.empty()) a_copy = foreign.front().number;
  jr.steps.marker_search_ended(std::move(found), a_copy);
}

net::awaitable<void> page_syncer::scan_lost_links(job_run& jr,
                                                  const sync::scan_lost_links_step& scan) {
  const auto page_id = jr.steps.reading().page.id;
  std::optional<sync::link_reading> relinked;
  if (co_await recovery_.before_create(jr.github, scan.repo, jr.ctx.hint.data_source_id,
                                       own_github_login_)) {
    const auto link = co_await links_.get(page_id);
    if (link && link->issue_number) {
      ++counters_.issues_adopted;
      log::get("sync")->info("page={} run={} re-linked to {}#{} by the recovery scan", page_id,
                             jr.steps.run(), scan.repo, *link->issue_number);
      relinked = storage::reading_of(*link);
    }
  }
  jr.steps.links_scanned(std::move(relinked));
}

net::awaitable<void> page_syncer::open_issue(job_run& jr, const sync::open_issue_step& open) {
  const auto& create = open.create;
  const auto& repo = create.repo;
  const auto page_id = jr.steps.reading().page.id;
  github::github_issue made;
  if (create.kind == sync::issue_kind::draft_pr) {
    // Head branch, then the draft PR, labels and assignees (core/github/draft_pr.hpp).
    const auto& base = jr.ctx.mapping->draft_pr_base;
    const auto branch = co_await github::ensure_draft_pr_branch(jr.github, repo, page_id, base);
    crash_point(crash_after_draft_pr_branch);
    const github::draft_pr pr{repo, create.title, create.body, create.labels, create.assignees};
    made = co_await github::open_draft_pr(jr.github, pr, branch, base);
  } else {
    github::new_issue fresh{create.title, create.body, create.labels, create.assignees};
    made = co_await jr.github.create_issue(repo, std::move(fresh));
  }
  ++counters_.issues_created;
  crash_point(crash_after_issue_create);
  log::get("sync")->info("page={} run={} created {} {}#{}", page_id, jr.steps.run(),
                         sync::to_string(create.kind), repo, made.number);
  jr.steps.issue_opened(made);
}

net::awaitable<void> page_syncer::update_issue(job_run& jr, const sync::update_issue_step& step) {
  const auto& update = step.update;
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
  const auto shown = co_await jr.github.update_issue(update.repo, update.number, std::move(u));
  ++counters_.issues_updated;
  log::get("sync")->info("page={} run={} updated {}#{}: {}", jr.steps.reading().page.id,
                         jr.steps.run(), update.repo, update.number,
                         sync::describe(sync::sync_action(update)));
  jr.steps.issue_updated(shown);
}

net::awaitable<void> page_syncer::write_back(job_run& jr, const sync::write_back_step& wb) {
  const auto page_id = jr.steps.reading().page.id;
  auto props = wb.properties;
  json::value updated;
  bool trashed = false;
  try {
    updated = co_await jr.notion.update_page_properties(page_id, std::move(props));
  } catch (const api::api_exception& e) {
    if (!api::is_archived_page_edit(e.failure())) throw;
    jr.write_refusal = e.failure();
    trashed = true;
  }
  if (trashed) {  // no co_await inside a handler
    jr.steps.page_trashed();
    co_return;
  }
  ++counters_.pages_written_back;
  std::optional<std::string> edited;
  if (const auto* o = updated.if_object()) {
    if (const auto* le = o->if_contains("last_edited_time"); le && le->is_string()) {
      edited = std::string(le->as_string().c_str());
    }
  }
  jr.steps.written_back(std::move(edited));
}

net::awaitable<void> page_syncer::record_end(job_run& jr, const sync::page_step& step) {
  const auto& page = jr.steps.reading().page;
  const auto page_id = page.id;
  const auto run = jr.steps.run();
  if (const auto* error = std::get_if<sync::mark_error_step>(&step)) {
    ++counters_.pages_in_error;
    log::get("sync")->warn("page={} run={} error: {}", page_id, run, error->message);
    if (error->link_exists) {
      co_await links_.mark_error(page_id, error->message, run);
    } else {
      co_await links_.mark_error_creating(page_id, jr.ctx.hint.data_source_id, error->message, run);
    }
  } else if (const auto* in_sync = std::get_if<sync::mark_in_sync_step>(&step)) {
    std::optional<storage::created_issue> created;
    if (in_sync->created) created = storage::created_of(page_id, *in_sync->created);
    const storage::synced_page synced{page_id, storage::outcome_of(in_sync->record, run), created};
    co_await links_.mark_in_sync(synced);
  } else if (const auto* verified = std::get_if<sync::mark_verified_step>(&step)) {
    const auto outcome = storage::outcome_of(verified->record, run);
    co_await links_.mark_verified(page_id, outcome);
  } else if (const auto* extras = std::get_if<sync::report_extras_error_step>(&step)) {
    co_await report_extras_error(page, jr.ctx.mapping->rules, extras->error, run,
                                 extras->show_on_page);
  }
  jr.steps.carried_out();
}

void page_syncer::count_end(const job_run& jr, sync::page_job_end end) {
  if (end == sync::page_job_end::unchanged) ++counters_.unchanged;
  if (end != sync::page_job_end::synced) return;
  ++counters_.pages_synced;
  if (jr.ctx.hint.seen_at) metrics().page_synced(*jr.ctx.hint.seen_at);
}

}  // namespace ngsync::engine
