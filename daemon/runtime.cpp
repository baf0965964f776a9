#include "daemon/runtime.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/api/riding_out.hpp"
#include "core/github/api_urls.hpp"
#include "core/log/logging.hpp"
#include "daemon/services/job_dispatch.hpp"
#include "storage/sync_jobs.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/migrator.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

storage::queue_settings queue_settings_of(const config::config& c) {
  storage::queue_settings q;
  q.backoff_base = c.queue.backoff_base;
  q.backoff_cap = c.queue.backoff_max;
  return q;
}

// Start-up reads ride out rate limits and transient failures (the API or the network may be
// busy right when the daemon starts); a permanent failure (bad token, unknown database) stops.
template <class F>
auto with_startup_retry(F f) {
  api::ride_out_policy p;
  p.longest_wait = std::chrono::milliseconds(30'000);
  p.give_up_after = std::chrono::minutes(5);
  return api::riding_out(std::move(f), p, "main", "start-up read");
}

}  // namespace

storage::database_settings database_settings_of(const config::config& c, const char* name) {
  storage::database_settings s;
  s.url = c.database.url.reveal();
  s.threads = static_cast<std::size_t>(c.database.pool_size);
  s.application_name = name;
  return s;
}

runtime::runtime(const config::config& cfg, const char* app_name)
    : c(cfg),
      db(database_settings_of(cfg, app_name)),
      queue(db, queue_settings_of(cfg)),
      audit(db),
      apis(io.get_executor(), cfg, audit),
      ports(apis.notion_caller(), apis.github_caller()),
      extras(db, ports),
      syncer(db, ports, &extras, mappings),
      github_events(db, queue, ports, mappings, cfg) {}

void runtime::migrate_if_configured() {
  if (!c.database.migrate_on_start) return;
  auto report = db.on_session_sync([](storage::session s) { return storage::migrate(s); },
                                   storage::retry_policy::idempotent);
  for (const auto& name : report.applied) log::get("migrate")->info("applied migration={}", name);
}

void runtime::own_claims() {
  storage::queue_owner_settings s;
  s.url = c.database.url.reveal();
  s.worker = default_worker_id();
  owner = std::make_unique<storage::queue_owner>(std::move(s));
  queue.claim_for(owner.get());
}

net::awaitable<void> runtime::resolve_mappings(bool with_notion_identity) {
  auto logger = log::get("main");
  me = co_await webhooks::learn_own_identity(c, apis.notion_caller(), apis.github_caller(),
                                             apis.app_auth(), with_notion_identity);
  syncer.set_own_github_login(me.github_login);
  sync::notice_settings notices;
  notices.throttle_horizon =
      std::chrono::duration_cast<std::chrono::seconds>(c.sync.throttle_horizon);
  syncer.set_notice_settings(notices);
  try {
    co_await syncer.load_page_notices();
  } catch (const std::exception& e) {
    logger->warn(
        "could not read the pages told about trouble ({}); their next success "
        "leaves the notice row in place",
        e.what());
  }
  for (const auto& m : c.sync.mappings) {
    sync::mapping_binding b;
    b.name = m.name;
    b.rules = sync::rules_from_config(m);
    b.rules.github_web_host = github::web_host(c.github.base_url);
    b.database_id = m.database_id;
    b.draft_pr_base = m.draft_pr_base;
    b.settings = m;
    if (!m.database_id.empty()) {
      const auto database_id = m.database_id;
      auto read_sources = [this, database_id]() {
        return apis.notion().data_sources_of(database_id);
      };
      b.data_source_ids = co_await with_startup_retry(std::move(read_sources));
    } else {
      b.data_source_ids = {m.data_source_id};
    }
    if (b.rules.write_back.sync_status) {
      const auto source_id = b.data_source_ids.front();
      auto read_schema = [this, source_id]() { return apis.notion().get_data_source(source_id); };
      auto schema = co_await with_startup_retry(std::move(read_schema));
      const auto* props = schema.as_object().if_contains("properties");
      const auto* prop = props && props->is_object()
                             ? props->as_object().if_contains(*b.rules.write_back.sync_status)
                             : nullptr;
      if (prop && prop->is_object()) {
        if (auto* t = prop->as_object().if_contains("type");
            t && t->is_string() && t->as_string() == "status") {
          b.rules.write_back.sync_status_type = sync::sync_status_property_type::status;
        }
      }
    }
    logger->info(
        "mapping={} data_sources={} repository={}", b.name, b.data_source_ids.size(),
        m.repository.empty() ? "(from property " + m.repository_property + ")" : m.repository);
    mappings.emplace(b.name, std::move(b));
  }
  for (const auto& [name, b] : mappings) {
    for (const auto& ds : b.data_source_ids) {
      pollers.push_back(std::make_unique<poller>(
          db, queue, apis.notion(), b, ds,
          poller_settings{c.sync.poll_interval, c.sync.watermark_overlap, c.queue.max_attempts}));
    }
  }
}

job_handler runtime::handler() {
  return dispatch_jobs(syncer, github_events);
}

job_runner_settings runtime::runner_settings(std::chrono::milliseconds idle_wait) const {
  return {c.queue.workers, c.queue.lease, idle_wait, {}, std::chrono::milliseconds(120'000)};
}

void runtime::report_outcomes_on_pages(job_runner& runner) {
  engine::report_outcomes_on_pages(runner, syncer);
}

std::string runtime::summary() const {
  const auto& s = syncer.counters();
  return fmt::format(
      "issues created={} adopted={} updated={} closed={} reopened={}; pages written back={} "
      "in error={} unchanged={}",
      s.issues_created, s.issues_adopted, s.issues_updated, s.issues_closed, s.issues_reopened,
      s.pages_written_back, s.pages_in_error, s.unchanged);
}

}  // namespace ngsync::engine
