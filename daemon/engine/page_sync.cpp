#include "daemon/engine/page_sync.hpp"

#include <exception>
#include <random>

#include <fmt/format.h>

#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/notion/page_content.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/notion_text.hpp"
#include "core/sync/page_outcome.hpp"
#include "core/sync/page_sync_rules.hpp"
#include "core/sync/planner.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/crash_points.hpp"
#include "daemon/engine/page_correlation.hpp"
#include "daemon/services/daemon_metrics.hpp"
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
}  // namespace

namespace {

notion::notion_page parsed_page(const json::value& raw) {
  auto parsed = notion::parse_page(raw);
  if (!parsed) api::throw_malformed("notion", "read page", parsed.error().message);
  return std::move(*parsed);
}

[[noreturn]] void fail_permanent(const std::string& operation, const std::string& why) {
  api::throw_malformed("ngsync", operation, why);
}
}  // namespace

page_syncer::page_syncer(storage::database& db, engine_ports& ports, issue_extras_syncer* extras,
                         const std::map<std::string, sync::mapping_binding>& mappings)
    : db_(db), ports_(ports), mappings_(mappings), links_(db), extras_(extras), recovery_(db) {}

net::awaitable<void> page_syncer::report_extras_error(notion::notion_page page,
                                                      sync::mapping_rules rules, std::string error,
                                                      std::string run, bool show_on_page) {
  ++counters_.pages_in_error;
  log::get("sync")->warn("page={} run={} error: {}", page.id, run, error);
  const auto page_id = page.id;
  co_await links_.mark_error(page_id, error, run);
  if (!show_on_page) co_return;
  const auto shown = sync::error_to_show(page, rules.write_back, error);
  if (!shown) co_return;
  auto props = sync::notion_write_back_properties(*shown, rules.write_back);
  if (props.empty()) co_return;
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  co_await notion_api.update_page_properties(page_id, std::move(props));
}

net::awaitable<page_syncer::page_context> page_syncer::load(sync_page_hint hint, std::string run) {
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  page_context ctx;
  ctx.hint = hint;
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) fail_permanent("sync page", "no mapping named '" + hint.mapping + "'");
  ctx.mapping = &m->second;
  const auto& rules = m->second.rules;

  json::value raw;
  ctx.read_at = ports_.now();
  if (hint.page) {
    raw = *hint.page;
    if (hint.seen_at) ctx.read_at = std::min(ctx.read_at, *hint.seen_at);
  } else {
    raw = co_await notion_api.get_page(hint.page_id);
  }
  ctx.page = parsed_page(raw);
  if (!in_mapping(*ctx.mapping, ctx.page)) {
    ctx.outside_mapping = true;
    co_return ctx;
  }

  ctx.link = co_await links_.get(ctx.page.id);
  if (hint.page && ctx.link &&
      sync::snapshot_outdated(hint.seen_at, ctx.link->last_synced_at, ctx.link->written_to_notion,
                              ctx.page.last_edited_time)) {
    ctx.read_at = ports_.now();
    const auto fresh = co_await notion_api.get_page(hint.page_id);
    ctx.page = parsed_page(fresh);
    if (!in_mapping(*ctx.mapping, ctx.page)) {
      ctx.outside_mapping = true;
      co_return ctx;
    }
  }

  // People past 25 entries are cut from the page object: read them from the property endpoint.
  if (rules.assignees_property) {
    auto it = ctx.page.properties.find(*rules.assignees_property);
    if (it != ctx.page.properties.end() && it->second.truncated) {
      const auto items = co_await notion_api.get_property_items(ctx.page.id, it->second.id);
      it->second.people = notion::people_of_property_items(items);
      it->second.truncated = false;
    }
  }

  if (ctx.link) ctx.state = storage::state_of(*ctx.link);
  if (sync::content_needed(ctx.page, ctx.state.has_value(), rules)) {
    ctx.content = co_await notion::read_page_content(notion_api, ctx.page, rules.user_map);
  }
  co_return ctx;
}

net::awaitable<sync::sync_plan> page_syncer::preview(sync_page_hint hint) {
  auto github_port = ports_.github("");
  auto& github_api = *github_port;
  auto ctx = co_await load(std::move(hint), std::string());
  if (ctx.outside_mapping) co_return sync::sync_plan{};
  const auto& rules = ctx.mapping->rules;
  std::optional<github::github_issue> issue;
  if (sync::needs_issue(ctx.page, ctx.content, ctx.state, rules)) {
    issue = co_await github_api.get_issue(ctx.state->repo, *ctx.state->issue_number);
  }
  co_return sync::plan_page(ctx.page, ctx.content, ctx.state, issue, rules,
                            iso8601::format(ports_.now()));
}

net::awaitable<void> page_syncer::sync(storage::claimed_job job) {
  std::optional<storage::created_issue> unrecorded;
  std::exception_ptr failure;
  std::string page_id;
  try {
    page_id = hint_from_payload(job.payload).page_id;
    co_await sync_rounds(std::move(job), unrecorded);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_await forget_trouble(page_id);
  if (unrecorded) {
    // Stopped between creating the issue and the final write (an error, the page's own error
    // state): record the number now, so the retry finds the issue on the link instead of
    // searching GitHub for its marker. A crash here leaves the intent, and that search.
    const auto created = *unrecorded;
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

net::awaitable<void> page_syncer::sync_rounds(storage::claimed_job job,
                                              std::optional<storage::created_issue>& unrecorded) {
  const auto run_tag = job.sync_run_id.value_or("");
  auto notion_api = ports_.notion(run_tag);
  auto github_api = ports_.github(run_tag);
  job_state js{run_tag, *notion_api, *github_api, {}, {}, {}, {}, {}, {}, false, unrecorded};
  js.ctx = co_await load(hint_from_payload(job.payload), run_tag);
  if (js.ctx.outside_mapping) {
    ++counters_.pages_outside_mapping;
    co_return;
  }
  if (needs_correlation(js.ctx.link) && !co_await correlate(js)) co_return;
  const auto& rules = js.ctx.mapping->rules;
  if (!js.issue && sync::needs_issue(js.ctx.page, js.ctx.content, js.ctx.state, rules)) {
    js.issue = co_await js.github.get_issue(js.ctx.state->repo, *js.ctx.state->issue_number);
  }
  // A plan may ask to learn something first (fetch the issue, look for the marker): plan again
  // with the answer. Three rounds always suffice; more means a bug, not a slow page.
  // A page trashed between its read and its write-back costs two more (read again, fetch).
  for (int round = 0; round < (js.trash_replanned ? 5 : 3); ++round) {
    const auto now = ports_.now();
    auto plan = sync::plan_page(js.ctx.page, js.ctx.content, js.ctx.state, js.issue, rules,
                                iso8601::format(now));
    js.run = plan.sync_run_id;
    for (const auto& w : plan.warnings) {
      log::get("sync")->warn("page={} run={} {}", js.ctx.page.id, plan.sync_run_id, w);
    }
    if (plan.empty()) {
      co_await settle_unchanged(js, plan, now);
      co_return;
    }
    round_state rs;
    if (co_await carry_out(js, plan, rs, now)) continue;  // learned something: plan again
    co_await finish_round(js, plan, rs, now);
    co_return;
  }
  fail_permanent("sync page", "the plan did not settle after three rounds");
}

net::awaitable<void> page_syncer::report_failure(storage::claimed_job job, std::string error,
                                                 bool dead) {
  sync_page_hint hint;
  try {
    hint = hint_from_payload(job.payload);
  } catch (const std::exception&) {
    co_return;
  }
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) co_return;
  const auto& wb = m->second.rules.write_back;
  const auto page_id = hint.page_id;
  const auto run = job.sync_run_id.value_or("");
  if (dead) co_await links_.mark_error(page_id, error, run);
  const auto shown = sync::failure_to_show(wb, error, dead, job.attempts);
  if (!shown) co_return;
  auto props = sync::notion_write_back_properties(*shown, wb);
  if (props.empty()) co_return;
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  try {
    co_await notion_api.update_page_properties(page_id, std::move(props));
  } catch (const std::exception& e) {
    log::get("sync")->warn("page={} could not show the failure on the page: {}", page_id, e.what());
  }
}

}  // namespace ngsync::engine
