#include "daemon/engine/page_sync.hpp"

#include <exception>

#include "core/log/logging.hpp"
#include "core/notion/page_content.hpp"
#include "core/sync/page_sync_rules.hpp"
#include "core/sync/planner.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/page_correlation.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

// Polled, webhook and reconcile hints all name a mapping; the page itself says where it lives.
bool in_mapping(const sync::mapping_binding& mapping, const notion::notion_page& p) {
  if (sync::data_source_in_scope(mapping.scope(), p.parent_data_source_id, p.parent_database_id))
    return true;
  log::get("sync")->warn(
      "page={} is not in mapping '{}' (its parent is data source '{}', database '{}'): the job "
      "is dropped, nothing is written",
      p.id, mapping.name, p.parent_data_source_id, p.parent_database_id);
  return false;
}

notion::notion_page parsed_page(const json::value& raw) {
  auto parsed = notion::parse_page(raw);
  if (!parsed) api::throw_malformed("notion", "read page", parsed.error().message);
  return std::move(*parsed);
}
}  // namespace

page_syncer::page_syncer(storage::database& db, engine_ports& ports, issue_extras_syncer* extras,
                         const std::map<std::string, sync::mapping_binding>& mappings)
    : db_(db), ports_(ports), mappings_(mappings), links_(db), extras_(extras), recovery_(db) {}

net::awaitable<void> page_syncer::report_extras_error(notion::notion_page page,
                                                      sync::mapping_rules rules, std::string error,
                                                      std::string run, bool on_page) {
  ++counters_.pages_in_error;
  log::get("sync")->warn("page={} run={} error: {}", page.id, run, error);
  const auto page_id = page.id;
  co_await links_.mark_error(page_id, error, run);
  if (!on_page) co_return;
  const auto shown = sync::error_to_show(page, rules.write_back, error);
  if (shown) co_await show_on_page(page_id, *shown, rules.write_back, run);
}

net::awaitable<page_syncer::page_context> page_syncer::load(sync::sync_page_hint hint,
                                                            std::string run) {
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  page_context ctx;
  ctx.hint = hint;
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) {
    api::throw_malformed("ngsync", "sync page", "no mapping named '" + hint.mapping + "'");
  }
  ctx.mapping = &m->second;
  const auto& rules = m->second.rules;
  auto& reading = ctx.reading;

  json::value raw;
  reading.read_at = ports_.now();
  if (hint.page) {
    raw = *hint.page;
    if (hint.seen_at) reading.read_at = std::min(reading.read_at, *hint.seen_at);
  } else {
    raw = co_await notion_api.get_page(hint.page_id);
  }
  reading.page = parsed_page(raw);
  if (!in_mapping(*ctx.mapping, reading.page)) {
    ctx.outside_mapping = true;
    co_return ctx;
  }

  const auto link = co_await links_.get(reading.page.id);
  if (hint.page && link &&
      sync::snapshot_outdated(hint.seen_at, link->last_synced_at, link->written_to_notion,
                              reading.page.last_edited_time)) {
    reading.read_at = ports_.now();
    const auto fresh = co_await notion_api.get_page(hint.page_id);
    reading.page = parsed_page(fresh);
    if (!in_mapping(*ctx.mapping, reading.page)) {
      ctx.outside_mapping = true;
      co_return ctx;
    }
  }

  // People past 25 entries are cut from the page object: read them from the property endpoint.
  if (rules.assignees_property) {
    auto it = reading.page.properties.find(*rules.assignees_property);
    if (it != reading.page.properties.end() && it->second.truncated) {
      const auto items = co_await notion_api.get_property_items(reading.page.id, it->second.id);
      it->second.people = notion::people_of_property_items(items);
      it->second.truncated = false;
    }
  }

  if (link) reading.link = storage::reading_of(*link);
  if (sync::content_needed(reading.page, link.has_value(), rules)) {
    reading.content = co_await notion::read_page_content(notion_api, reading.page, rules.user_map);
  }
  co_return ctx;
}

net::awaitable<sync::sync_plan> page_syncer::preview(sync::sync_page_hint hint) {
  auto github_port = ports_.github("");
  auto& github_api = *github_port;
  auto ctx = co_await load(std::move(hint), std::string());
  if (ctx.outside_mapping) co_return sync::sync_plan{};
  const auto& rules = ctx.mapping->rules;
  const auto& r = ctx.reading;
  std::optional<sync::link_state> state;
  if (r.link) state = r.link->state;
  std::optional<github::github_issue> issue;
  if (sync::needs_issue(r.page, r.content, state, rules)) {
    issue = co_await github_api.get_issue(state->repo, *state->issue_number);
  }
  co_return sync::plan_page(r.page, r.content, state, issue, rules, iso8601::format(ports_.now()));
}

net::awaitable<void> page_syncer::sync(storage::claimed_job job) {
  std::optional<sync::issue_created> unrecorded;
  std::exception_ptr failure;
  std::string page_id;
  try {
    page_id = sync::hint_from_payload(job.payload).page_id;
    co_await run_job(std::move(job), unrecorded);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_await forget_trouble(page_id);
  if (unrecorded) {
    // Stopped between creating the issue and the final write (an error, the page's own error
    // state): record the number now, so the retry finds the issue on the link instead of
    // searching GitHub for its marker. A crash here leaves the intent, and that search.
    const auto created = storage::created_of(page_id, *unrecorded);
    try {
      co_await links_.record_created(created);
    } catch (const std::exception& e) {
      log::get("sync")->warn(
          "page={} could not record issue #{} yet ({}); the retry finds it by "
          "its marker",
          created.page_id, created.issue_number, e.what());
      if (!failure) throw;
    }
  }
  if (failure) std::rethrow_exception(failure);
}

net::awaitable<void> page_syncer::run_job(storage::claimed_job job,
                                          std::optional<sync::issue_created>& unrecorded) {
  const auto run_tag = job.sync_run_id.value_or("");
  auto notion_api = ports_.notion(run_tag);
  auto github_api = ports_.github(run_tag);
  auto ctx = co_await load(sync::hint_from_payload(job.payload), run_tag);
  if (ctx.outside_mapping) {
    ++counters_.pages_outside_mapping;
    co_return;
  }
  const auto& settings = ctx.mapping->settings;
  sync::page_job_settings job_settings{extras_ && issue_extras_syncer::wanted(settings),
                                       own_github_login_};
  const auto& rules = ctx.mapping->rules;  // lives in mappings_, as long as the daemon
  auto reading = ctx.reading;
  job_run jr{run_tag,
             *notion_api,
             *github_api,
             std::move(ctx),
             sync::page_sync_steps(std::move(reading), rules, job_settings),
             std::nullopt};
  if (sync::needs_correlation(jr.ctx.reading.link) && !co_await correlate(jr)) co_return;
  // Decide, do, observe, decide: the steps' order is core/sync/page_sync_steps'.
  for (;;) {
    const auto step = jr.steps.next(ports_.now());
    if (const auto* done = std::get_if<sync::job_done>(&step)) {
      count_end(jr, done->end);
      co_return;
    }
    co_await carry_out(jr, step);
    unrecorded = jr.steps.unrecorded();
  }
}

net::awaitable<bool> page_syncer::correlate(job_run& jr) {
  auto& ctx = jr.ctx;
  const auto& page = ctx.reading.page;
  // No issue on record (a lost or restored database): the page may still name its issue.
  auto found = co_await correlate_page(links_, jr.github, page, *ctx.mapping,
                                       ctx.hint.data_source_id, own_github_login_);
  if (found.refusal) {
    co_await report_extras_error(page, ctx.mapping->rules, *found.refusal, jr.run_tag, true);
    co_return false;  // the page's state, not a job failure; nothing is created
  }
  if (found.link) {
    ++counters_.issues_adopted;
    jr.steps.link_found(storage::reading_of(*found.link), std::move(found.issue));
  }
  co_return true;
}

}  // namespace ngsync::engine
