#include "daemon/daemon_runtime.hpp"

#include <csignal>
#include <iostream>
#include <map>

#include <malloc.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/api_urls.hpp"
#include "core/http/server.hpp"
#include "core/log/logging.hpp"
#include "core/sync/sync_action.hpp"
#include "daemon/cli.hpp"
#include "daemon/engine/api_stack.hpp"
#include "daemon/engine/audit_recorder.hpp"
#include "daemon/engine/backlog_report.hpp"
#include "daemon/engine/daemon_metrics.hpp"
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/job_runner.hpp"
#include "daemon/engine/leadership.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/engine/poller.hpp"
#include "daemon/engine/probe_figures.hpp"
#include "daemon/engine/pruner.hpp"
#include "daemon/engine/reconciler.hpp"
#include "daemon/engine/riding_out.hpp"
#include "daemon/engine/sync_job.hpp"
#include "daemon/engine/systemd_notify.hpp"
#include "daemon/webhooks/github_webhook.hpp"
#include "daemon/webhooks/notion_webhook.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/job_waker.hpp"
#include "storage/link_store.hpp"
#include "storage/migrator.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

storage::database_settings database_settings_of(const config::config& c, const char* name) {
  storage::database_settings s;
  s.url = c.database.url.reveal();
  s.threads = static_cast<std::size_t>(c.database.pool_size);
  s.application_name = name;
  return s;
}

// Everything one process needs, built once; the modes below only differ in what they start.
struct runtime {
  explicit runtime(const config::config& cfg, const char* app_name)
      : c(cfg),
        db(database_settings_of(cfg, app_name)),
        queue(db, queue_settings_of(cfg)),
        audit(db),
        apis(io.get_executor(), cfg, audit),
        ports(apis.notion_caller(), apis.github_caller()),
        extras(db, apis.notion_caller(), apis.github_caller()),
        syncer(db, ports, &extras, mappings),
        github_events(db, queue, ports, mappings, cfg) {}

  static storage::queue_settings queue_settings_of(const config::config& c) {
    storage::queue_settings q;
    q.backoff_base = c.queue.backoff_base;
    q.backoff_cap = c.queue.backoff_max;
    return q;
  }

  void migrate_if_configured() {
    if (!c.database.migrate_on_start) return;
    auto report = db.on_session_sync([](storage::session s) { return storage::migrate(s); },
                                     storage::retry_policy::idempotent);
    for (const auto& name : report.applied) log::get("migrate")->info("applied migration={}", name);
  }

  // Ties this process's claims to a session of its own, so that once the process is gone any
  // other process frees its jobs within seconds instead of at lease expiry (after migrations:
  // the owners' table must exist).
  void own_claims() {
    storage::queue_owner_settings s;
    s.url = c.database.url.reveal();
    s.worker = default_worker_id();
    owner = std::make_unique<storage::queue_owner>(std::move(s));
    queue.claim_for(owner.get());
  }

  // Start-up reads ride out rate limits and transient failures (the API or the network may be
  // busy right when the daemon starts); a permanent failure (bad token, unknown database) stops.
  template <class F>
  auto with_startup_retry(F f) {
    api::ride_out_policy p;
    p.longest_wait = std::chrono::milliseconds(30'000);
    p.give_up_after = std::chrono::minutes(5);
    return riding_out(std::move(f), p, "main", "start-up read");
  }

  // Resolves databases to data sources and reads each schema for the write-back types; learns
  // who the daemon is on GitHub (adoption trusts only its own issues) and, for webhooks, on
  // Notion.
  net::awaitable<void> resolve_mappings(bool with_notion_identity = false) {
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
      mapping_binding b;
      b.name = m.name;
      b.rules = rules_from_config(m);
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

  job_handler handler() {
    return [this](storage::claimed_job job) -> net::awaitable<void> {
      // Two-way sync (issue 7): GitHub issue events mirrored into Notion.
      if (job.kind == github_issue_event_kind) {
        co_await github_events.sync(std::move(job));
        co_return;
      }
      if (job.kind != sync_page_kind) {
        throw api::api_exception({api::failure_kind::permanent,
                                  "ngsync",
                                  "run job",
                                  0,
                                  "unknown_kind",
                                  "no handler for job kind " + job.kind,
                                  {}});
      }
      co_await syncer.sync(std::move(job));
    };
  }

  std::string summary() const {
    const auto& s = syncer.counters();
    return fmt::format(
        "issues created={} adopted={} updated={} closed={} reopened={}; pages written back={} "
        "in error={} unchanged={}",
        s.issues_created, s.issues_adopted, s.issues_updated, s.issues_closed, s.issues_reopened,
        s.pages_written_back, s.pages_in_error, s.unchanged);
  }

  const config::config& c;
  net::io_context io{1};
  storage::database db;
  std::unique_ptr<storage::queue_owner> owner;  // set by own_claims(); outlives the queue's use
  storage::job_queue queue;
  audit_recorder audit;
  api_stack apis;
  std::map<std::string, mapping_binding> mappings;
  caller_ports ports;
  issue_extras_syncer extras;
  page_syncer syncer;
  github_event_syncer github_events;
  webhooks::own_identity me;  // learned at start-up (the Notion bot only for webhooks)
  std::vector<std::unique_ptr<poller>> pollers;
};

// Runs `f` on the runtime's io_context to completion, rethrowing its exception.
template <class F>
void run_to_completion(runtime& rt, F f) {
  std::exception_ptr failure;
  net::co_spawn(rt.io, std::move(f), [&failure](std::exception_ptr e) { failure = e; });
  rt.io.run();
  rt.io.restart();
  if (failure) std::rethrow_exception(failure);
}

std::string poll_lease_name(const std::string& data_source_id) {
  return "poll:" + data_source_id;
}
constexpr const char* reconcile_lease_name = "reconcile";
constexpr const char* prune_lease_name = "prune";

std::int64_t pages_in_error(storage::database& db) {
  return db.read_sync(
      [](storage::transaction t) { return storage::link_store::count_pages_in_error(t); });
}

// What a scrape reads besides the runtime: the queue and error counts (one query each) and the
// webhook receivers' counters (absent when the endpoint is not configured).
struct scrape_inputs {
  storage::queue_stats queue;
  std::optional<std::int64_t> pages_in_error;          // unset when Postgres did not answer
  std::optional<std::int64_t> throttled_past_horizon;  // likewise
  const webhooks::github_webhook_counters* github_hooks = nullptr;
  const webhooks::notion_webhook_counters* notion_hooks = nullptr;
  const leadership* leaders = nullptr;                 // absent in one-shot modes
  const prune_counts* pruned = nullptr;                // absent in one-shot modes
  std::uint64_t probe_reads = 0;                       // probe_figures::reads()
  const storage::backlog_snapshot* backlog = nullptr;  // unset when Postgres did not answer
};

// Prometheus's text exposition, one metric family at a time.
class exposition {
 public:
  void add(const std::string& name, const std::string& type, const std::string& help,
           const std::vector<std::pair<std::string, double>>& samples) {
    out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, v] : samples) {
      out_ += name + (labels.empty() ? "" : "{" + labels + "}") + " " + fmt::format("{}", v) + "\n";
    }
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

// Jobs, the queue, issue changes and pages in error.
void add_sync_metrics(exposition& e, runtime& rt, job_runner& runner, const scrape_inputs& in) {
  const auto& q = in.queue;
  const auto& s = rt.syncer.counters();
  const auto& r = runner.counters();
  e.add("ngsync_jobs_total", "counter", "Jobs settled by this process, by result.",
        {{"result=\"completed\"", double(r.completed)},
         {"result=\"failed_transient\"", double(r.failed_transient)},
         {"result=\"failed_permanent\"", double(r.failed_permanent)},
         {"result=\"throttled\"", double(r.throttled)},
         {"result=\"dead\"", double(r.dead)}});
  std::vector<std::pair<std::string, double>> depth;
  for (const auto& [state, kinds] : q.depth) {
    for (const auto& [kind, n] : kinds) {
      depth.push_back({"state=\"" + state + "\",kind=\"" + kind + "\"", double(n)});
    }
  }
  e.add("ngsync_queue_jobs", "gauge", "Jobs in the queue by state and kind.", depth);
  e.add("ngsync_probe_database_reads_total", "counter",
        "Database reads made for /readyz and /metrics (at most one a second).",
        {{"", double(in.probe_reads)}});
  e.add("ngsync_queue_oldest_due_age_seconds", "gauge", "Age of the oldest due job.",
        {{"", q.oldest_due_age ? q.oldest_due_age->count() / 1000.0 : 0.0}});
  e.add("ngsync_issues_total", "counter", "GitHub issue changes made, by action.",
        {{"action=\"created\"", double(s.issues_created)},
         {"action=\"adopted\"", double(s.issues_adopted)},
         {"action=\"updated\"", double(s.issues_updated)},
         {"action=\"closed\"", double(s.issues_closed)},
         {"action=\"reopened\"", double(s.issues_reopened)}});
  e.add("ngsync_pages_written_back_total", "counter", "Notion pages written back.",
        {{"", double(s.pages_written_back)}});
  e.add("ngsync_page_errors_total", "counter", "Pages that ended a sync in error.",
        {{"", double(s.pages_in_error)}});
  if (in.throttled_past_horizon) {
    e.add("ngsync_jobs_throttled_past_horizon", "gauge",
          "Page jobs held by rate limits for longer than sync.throttle_horizon.",
          {{"", double(*in.throttled_past_horizon)}});
  }
  if (in.pages_in_error) {
    e.add("ngsync_pages_in_error", "gauge", "Linked pages whose last sync ended in error.",
          {{"", double(*in.pages_in_error)}});
  }
}

// Webhook deliveries and retention.
void add_intake_metrics(exposition& e, const scrape_inputs& in) {
  std::vector<std::pair<std::string, double>> hooks;
  if (const auto* g = in.github_hooks) {
    for (const auto& [result, n] : {std::pair{"refused", g->refused},
                                    {"duplicate", g->duplicates},
                                    {"own_echo", g->own},
                                    {"ignored", g->ignored},
                                    {"enqueued", g->enqueued}}) {
      hooks.push_back({fmt::format("source=\"github\",result=\"{}\"", result), double(n)});
    }
  }
  if (const auto* n = in.notion_hooks) {
    for (const auto& [result, v] : {std::pair{"verification", n->verifications},
                                    {"throttled", n->throttled},
                                    {"refused", n->refused},
                                    {"duplicate", n->duplicates},
                                    {"own_echo", n->own},
                                    {"ignored", n->ignored},
                                    {"enqueued", n->enqueued}}) {
      hooks.push_back({fmt::format("source=\"notion\",result=\"{}\"", result), double(v)});
    }
  }
  if (!hooks.empty()) {
    e.add("ngsync_webhooks_total", "counter", "Webhook deliveries received, by source and result.",
          hooks);
  }
  if (const auto* p = in.pruned) {
    e.add("ngsync_pruned_rows_total", "counter",
          "Rows deleted by retention (this process, while it held the prune lease), by table.",
          {{"table=\"jobs\"", double(p->jobs)},
           {"table=\"api_audit\"", double(p->audit_rows)},
           {"table=\"webhook_deliveries\"", double(p->webhook_deliveries)}});
  }
}

// The two API callers' budgets, pauses and retries.
void add_api_metrics(exposition& e, runtime& rt) {
  std::vector<std::pair<std::string, double>> pauses, paused, retries, tokens, throttled;
  for (auto* caller : {&rt.apis.notion_caller(), &rt.apis.github_caller()}) {
    auto cc = caller->counters();
    const auto label = "api=\"" + caller->config().name + "\"";
    pauses.push_back({label, double(cc.budget.pauses)});
    paused.push_back({label, cc.budget.paused_seconds});
    retries.push_back({label, double(cc.retries)});
    tokens.push_back({label, cc.budget.tokens_available});
    throttled.push_back({label, double(cc.throttled_responses)});
  }
  e.add("ngsync_rate_limit_tokens", "gauge",
        "Request tokens available now in the API's bucket (negative: reserved ahead).", tokens);
  e.add("ngsync_rate_limit_throttled_responses_total", "counter",
        "Answers that were a rate limit (429, or 403 with a limit signal).", throttled);
  e.add("ngsync_rate_limit_pauses_total", "counter",
        "API-wide pauses after a 429 or secondary limit.", pauses);
  e.add("ngsync_rate_limit_paused_seconds_total", "counter", "Seconds covered by those pauses.",
        paused);
  e.add("ngsync_api_retries_total", "counter",
        "Idempotent requests retried after 5xx or transport errors.", retries);
}

// Per data source: the last successful poll and, with replicas, who leads it.
void add_poll_metrics(exposition& e, runtime& rt, const scrape_inputs& in) {
  std::vector<std::pair<std::string, double>> since_poll;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& p : rt.pollers) {
    const double age =
        p->last_success() ? std::chrono::duration<double>(now - *p->last_success()).count() : -1;
    since_poll.push_back({"data_source=\"" + p->data_source_id() + "\"", age});
  }
  e.add("ngsync_seconds_since_last_poll", "gauge",
        "Seconds since the last successful poll per data source (-1: none yet).", since_poll);
  if (const auto* leaders = in.leaders) {
    std::vector<std::pair<std::string, double>> leading;
    for (const auto& p : rt.pollers) {
      leading.push_back({"data_source=\"" + p->data_source_id() + "\"",
                         leaders->leads(poll_lease_name(p->data_source_id())) ? 1.0 : 0.0});
    }
    e.add("ngsync_leader", "gauge",
          "1 while this replica holds the data source's poll lease (replicas on one database).",
          leading);
  }
}

std::string render_metrics(runtime& rt, job_runner& runner, const scrape_inputs& in) {
  exposition e;
  add_sync_metrics(e, rt, runner, in);
  add_intake_metrics(e, in);
  add_api_metrics(e, rt);
  add_poll_metrics(e, rt, in);
  auto& out = e.text();
  if (in.backlog) {
    out += backlog_metrics(backlog_budgets_of(rt.c), *in.backlog, std::chrono::system_clock::now());
  }
  out += metrics().render();
  return out;
}

}  // namespace

int run_sync_once(const config::config& c) {
  auto logger = log::get("main");
  runtime rt(c, "ngsync-sync-once");
  rt.migrate_if_configured();
  rt.own_claims();
  rt.db.open_connections_in_background();  // while the mappings are resolved
  job_runner runner(rt.queue, nullptr, rt.handler(),
                    {c.queue.workers,
                     c.queue.lease,
                     std::chrono::milliseconds(200),
                     {},
                     std::chrono::milliseconds(120'000)});
  runner.on_dead([&rt](storage::claimed_job job, std::string error) -> net::awaitable<void> {
    co_await rt.syncer.report_failure(std::move(job), std::move(error), true);
  });
  runner.on_retry([&rt](storage::claimed_job job,
                        std::optional<api::api_failure> failure) -> net::awaitable<void> {
    co_await rt.syncer.report_trouble(std::move(job), std::move(failure));
  });
  run_to_completion(rt, [&]() -> net::awaitable<void> {
    co_await rt.resolve_mappings();
    // Audit rows are written as the run goes, not all at its end.
    net::co_spawn(rt.io, rt.audit.run_flusher(std::chrono::milliseconds(500)), net::detached);
    for (auto& p : rt.pollers) co_await p->poll_once();
    co_await runner.drain();
    if (c.sync.reconcile_interval.count() > 0) {
      // The safety net for scheduled sync-once users: one reconcile slice (the links due
      // soonest, sized as for a pass every reconcile_interval), then the repairs it queued.
      reconcile_options o;
      o.mode = reconcile_mode::slice;
      o.own_github_login = rt.me.github_login;
      try {
        co_await reconcile(rt.db, rt.queue, rt.ports,
                           rt.mappings, c, o);
      } catch (const std::exception& e) {
        logger->warn("reconcile slice failed: {}", log::redact(e.what()));
      }
      co_await runner.drain();
    }
    rt.audit.stop();
    co_await rt.audit.flush();
  });
  const auto errors = pages_in_error(rt.db);
  logger->info("sync-once done: {}; pages in error now={}", rt.summary(), errors);
  std::cout << "sync-once: " << rt.summary() << "; pages in error: " << errors << "\n";
  return errors > 0 ? daemon::exit_pages_in_error : daemon::exit_ok;
}

int run_plan(const config::config& c) {
  runtime rt(c, "ngsync-plan");
  int pages = 0;
  run_to_completion(rt, [&]() -> net::awaitable<void> {
    co_await rt.resolve_mappings();
    for (auto& p : rt.pollers) {
      // The waiting hints plus what a poll would find; nothing is enqueued or written.
      std::optional<std::string> next;
      do {
        auto page =
            co_await rt.apis.notion().query_edited_since(p->data_source_id(), std::nullopt, next);
        next = page.has_more ? page.next_cursor : std::nullopt;
        for (std::size_t i = 0; i < page.raw.size(); ++i) {
          sync_page_hint hint;
          const auto* id = page.raw[i].as_object().if_contains("id");
          if (!id || !id->is_string()) continue;
          hint.page_id = id->as_string().c_str();
          hint.data_source_id = p->data_source_id();
          for (const auto& [name, b] : rt.mappings) {
            for (const auto& ds : b.data_source_ids) {
              if (ds == p->data_source_id()) hint.mapping = name;
            }
          }
          hint.page = page.raw[i];
          auto plan = co_await rt.syncer.preview(hint);
          if (!plan.empty()) {
            ++pages;
            std::cout << "page " << hint.page_id << ":\n" << sync::describe(plan) << "\n";
          }
        }
      } while (next);
    }
  });
  std::cout << pages << " page(s) would change\n";
  return daemon::exit_ok;
}

int run_reconcile(const config::config& c, bool dry_run) {
  runtime rt(c, "ngsync-reconcile");
  if (!dry_run) rt.migrate_if_configured();
  reconcile_report report;
  run_to_completion(rt, [&]() -> net::awaitable<void> {
    co_await rt.resolve_mappings();
    reconcile_options o;
    o.dry_run = dry_run;
    o.own_github_login = rt.me.github_login;
    report = co_await reconcile(rt.db, rt.queue, rt.ports,
                                rt.mappings, c, o);
    co_await rt.audit.flush();
  });
  std::cout << "reconcile" << (dry_run ? " (dry run, nothing changed)" : "") << ": "
            << report.summary() << "\n";
  for (const auto& f : report.findings) std::cout << "  " << f << "\n";
  return daemon::exit_ok;
}

int run_daemon(const config::config& c) {
  auto logger = log::get("main");
  runtime rt(c, "ngsync");
  rt.migrate_if_configured();
  rt.own_claims();
  rt.db.open_connections_in_background();  // while the mappings are resolved
  storage::job_waker waker(database_settings_of(c, "ngsync-listen"));
  job_runner runner(rt.queue, &waker, rt.handler(),
                    {c.queue.workers,
                     c.queue.lease,
                     std::chrono::milliseconds(1000),
                     {},
                     std::chrono::milliseconds(120'000)});
  runner.on_dead([&rt](storage::claimed_job job, std::string error) -> net::awaitable<void> {
    co_await rt.syncer.report_failure(std::move(job), std::move(error), true);
  });
  runner.on_retry([&rt](storage::claimed_job job,
                        std::optional<api::api_failure> failure) -> net::awaitable<void> {
    co_await rt.syncer.report_trouble(std::move(job), std::move(failure));
  });

  // Replicas on one database: only the lease holder polls a data source or reconciles.
  leadership leaders(rt.db, leadership::make_holder_id(), c.sync.leader_lease);
  logger->info("replica holder={} leader_lease={}ms shared_rate_budget={}", leaders.holder(),
               c.sync.leader_lease.count(), rt.apis.shares_budget());
  // Retention: the holder of the prune lease deletes what is past `queue.keep_*`.
  pruner_settings ps;
  ps.keep_completed = c.queue.keep_completed;
  ps.keep_audit = c.queue.keep_audit;
  ps.keep_webhook_deliveries = c.queue.keep_completed;
  ps.interval = c.queue.prune_interval;
  pruner retention(rt.db, ps, leaders.gate(prune_lease_name));

  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_tick = started;
  http::router routes;
  probe_figures probes(rt.db, rt.queue);
  probes.set_throttle_horizon(
      std::chrono::duration_cast<std::chrono::seconds>(c.sync.throttle_horizon));
  routes.add(http::bhttp::verb::get, "/healthz",
             [&](http::server_request req) -> net::awaitable<http::server_response> {
               const auto age = std::chrono::steady_clock::now() - last_tick;
               const bool alive = age < std::chrono::seconds(30);
               co_return http::make_response(
                   req, alive ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
                   json::serialize(json::object{{"status", alive ? "ok" : "stalled"}}));
             });
  routes.add(
      http::bhttp::verb::get, "/readyz",
      [&](http::server_request req) -> net::awaitable<http::server_response> {
        std::string reason;
        const auto db_figures = co_await probes.get();
        if (!db_figures.reachable)
          reason = "database unreachable";
        else if (!db_figures.schema_current)
          reason = "database migrations are not current";
        const auto now = std::chrono::steady_clock::now();
        for (const auto& p : rt.pollers) {
          if (!reason.empty()) break;
          if (!leaders.leads(poll_lease_name(p->data_source_id()))) continue;  // another polls
          const auto allowance = p->settings().interval * 3 + std::chrono::seconds(30);
          const auto since = p->last_success() ? now - *p->last_success() : now - started;
          if (since > allowance)
            reason = "data source " + p->data_source_id() + " not polled within its interval";
        }
        co_return http::make_response(
            req,
            reason.empty() ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
            json::serialize(reason.empty()
                                ? json::object{{"status", "ready"}}
                                : json::object{{"status", "not_ready"}, {"reason", reason}}));
      });
  // Two-way sync (issue 7): webhook routes, only when configured.
  std::optional<webhooks::github_webhook_receiver> github_hooks;
  std::optional<webhooks::notion_webhook_receiver> notion_hooks;
  routes.add(http::bhttp::verb::get, "/metrics",
             [&](http::server_request req) -> net::awaitable<http::server_response> {
               scrape_inputs in;
               const auto db_figures = co_await probes.get();
               if (db_figures.queue) in.queue = *db_figures.queue;
               in.pages_in_error = db_figures.pages_in_error;
               in.throttled_past_horizon = db_figures.throttled_past_horizon;
               in.probe_reads = probes.reads();
               if (db_figures.backlog) in.backlog = &*db_figures.backlog;
               if (github_hooks) in.github_hooks = &github_hooks->counters();
               if (notion_hooks) in.notion_hooks = &notion_hooks->counters();
               in.leaders = &leaders;
               in.pruned = &retention.totals();
               auto text = render_metrics(rt, runner, in);
               co_return http::make_response(req, http::bhttp::status::ok, std::move(text),
                                             "text/plain; version=0.0.4");
             });
  if (!c.server.github_webhook_secret.empty()) {
    github_hooks.emplace(rt.db, rt.queue,
                         webhooks::github_webhook_settings{c.server.github_webhook_secret.reveal(),
                                                           c.queue.max_attempts},
                         rt.me);
    routes.add(http::bhttp::verb::post, "/webhooks/github",
               [&](http::server_request req) { return github_hooks->handle(std::move(req)); });
  }
  if (c.server.notion_webhooks) {
    webhooks::notion_webhook_settings ns;
    ns.max_attempts = c.queue.max_attempts;
    ns.configured_token = c.server.notion_webhook_token.reveal();
    notion_hooks.emplace(rt.db, rt.queue, rt.mappings, ns, rt.me);
    routes.add(http::bhttp::verb::post, "/webhooks/notion",
               [&](http::server_request req) { return notion_hooks->handle(std::move(req)); });
  }

  http::server_options so;
  so.address = c.server.listen_address;
  so.port = c.server.listen_port;
  so.body_limit = c.server.body_limit;
  http::server server(rt.io.get_executor(), so, routes.as_handler());

  bool stopping = false;
  const systemd_notifier systemd;
  if (!systemd.problem().empty()) logger->error("systemd: {}", systemd.problem());
  net::signal_set signals(rt.io, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (stopping) {
          logger->warn("second signal {}: exiting at once", sig);
          std::_Exit(1);
        }
        stopping = true;
        logger->info("signal {}: stopping (polls end, running jobs finish, then exit)", sig);
        systemd.notify("STOPPING=1");
        for (auto& p : rt.pollers) p->stop();
        leaders.stop();
        runner.stop();
        net::co_spawn(rt.io, server.stop(), net::detached);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  std::exception_ptr failure;
  net::co_spawn(
      rt.io,
      [&]() -> net::awaitable<void> {
        rt.apis.exchange_pauses_now();
        co_await rt.resolve_mappings(github_hooks || notion_hooks);
        server.start();
        logger->info("listening on http://{}:{} (/healthz /readyz /metrics)", so.address,
                     server.port());
        systemd.notify("READY=1");
        for (auto& p : rt.pollers) {
          const auto name = poll_lease_name(p->data_source_id());
          leaders.contend(name);
          p->set_gate(leaders.gate(name));
        }
        if (c.sync.reconcile_interval.count() > 0) leaders.contend(reconcile_lease_name);
        if (c.queue.prune_interval.count() > 0) leaders.contend(prune_lease_name);
        // The first round before the pollers start, so the leader polls at once.
        co_await leaders.renew_once();
        net::co_spawn(rt.io, leaders.run(), net::detached);
        net::co_spawn(rt.io, rt.apis.share_pauses(&stopping), net::detached);
        for (auto& p : rt.pollers) net::co_spawn(rt.io, p->run(), net::detached);
        net::co_spawn(rt.io, rt.audit.run_flusher(std::chrono::milliseconds(500)), net::detached);
        net::co_spawn(rt.io, retention.run(&stopping), net::detached);
        if (c.sync.reconcile_interval.count() > 0) {
          net::co_spawn(
              rt.io,
              run_periodic_reconcile(rt.db, rt.queue, rt.ports, rt.mappings, c, &stopping,
                                     rt.me.github_login, leaders.gate(reconcile_lease_name)),
              net::detached);
        }
        // The event-loop heartbeat: /healthz and the systemd watchdog both read it.
        net::co_spawn(
            rt.io,
            [&]() -> net::awaitable<void> {
              net::steady_timer t(rt.io);
              std::string last_summary;
              auto last_report = std::chrono::steady_clock::now();
              auto last_trim = last_report;
              while (!stopping) {
                last_tick = std::chrono::steady_clock::now();
                systemd.notify("WATCHDOG=1");
                if (last_tick - last_trim > std::chrono::seconds(10)) {
                  // A first poll of a large data source or a burst of jobs leaves freed heap
                  // behind; hand those pages back so an idle daemon stays small. On a heap of a
                  // few MiB this walk takes well under a millisecond.
                  last_trim = last_tick;
                  ::malloc_trim(0);
                }
                if (last_tick - last_report > std::chrono::seconds(5)) {
                  last_report = last_tick;
                  auto s = rt.summary();
                  if (s != last_summary) logger->info("progress: {}", s);
                  last_summary = s;
                }
                t.expires_after(std::chrono::seconds(1));
                boost::system::error_code ec;
                co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
              }
            },
            net::detached);
        co_await runner.run();
        // Stopping: let running jobs finish within the grace period; the rest keep their lease
        // until it expires and run again elsewhere. Nothing is lost either way.
        net::steady_timer t(rt.io);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (runner.running() > 0 && std::chrono::steady_clock::now() < deadline) {
          t.expires_after(std::chrono::milliseconds(50));
          co_await t.async_wait(net::use_awaitable);
        }
        rt.audit.stop();
        co_await rt.audit.flush();
        rt.apis.http().close_idle();
        signals.cancel();
      },
      [&](std::exception_ptr e) {
        failure = e;
        if (e) {
          signals.cancel();
          rt.io.stop();
        }
      });
  rt.io.run();
  logger->info("stopped: {}", rt.summary());
  if (failure) std::rethrow_exception(failure);
  return daemon::exit_ok;
}

}  // namespace ngsync::engine
