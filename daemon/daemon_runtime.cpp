// `ngsync run`: the long-lived daemon. run_daemon() at the end of this file tells its start-up
// and its stop in order; each step is a member of daemon_parts. The runtime that every mode
// shares is in runtime.hpp, the one-shot modes in one_shot_modes.cpp, /metrics in
// metrics_scrape.cpp.
#include "daemon/daemon_runtime.hpp"

#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include <malloc.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/http/server.hpp"
#include "core/log/logging.hpp"
#include "daemon/cli.hpp"
#include "daemon/engine/reconciler.hpp"
#include "daemon/metrics_scrape.hpp"
#include "daemon/runtime.hpp"
#include "daemon/services/job_runner.hpp"
#include "daemon/services/leadership.hpp"
#include "daemon/services/poll_schedule.hpp"
#include "daemon/services/probe_figures.hpp"
#include "daemon/services/pruner.hpp"
#include "daemon/services/reconcile_schedule.hpp"
#include "daemon/services/systemd_notify.hpp"
#include "daemon/webhooks/github_webhook.hpp"
#include "daemon/webhooks/notion_webhook.hpp"
#include "storage/job_waker.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

using steady = std::chrono::steady_clock;

// Retention: the holder of the prune lease deletes what is past `queue.keep_*`.
pruner_settings retention_settings(const config::config& c) {
  pruner_settings ps;
  ps.keep_completed = c.queue.keep_completed;
  ps.keep_audit = c.queue.keep_audit;
  ps.keep_webhook_deliveries = c.queue.keep_completed;
  ps.interval = c.queue.prune_interval;
  return ps;
}

http::server_options server_options_of(const config::config& c) {
  http::server_options so;
  so.address = c.server.listen_address;
  so.port = c.server.listen_port;
  so.body_limit = c.server.body_limit;
  return so;
}

// The daemon's own pieces on top of the runtime that every mode shares. Members are declared in
// the order the daemon builds them, so they are torn down in reverse, all before the runtime.
struct daemon_parts {
  explicit daemon_parts(runtime& r);

  void add_probe_routes();    // /healthz /readyz /metrics
  void add_webhook_routes();  // /webhooks/github and /webhooks/notion, each only when configured
  void make_server();         // it listens only once the mappings are known (serve())
  void stop_on_signals();
  // The daemon's life on the event loop, from resolving the mappings to the end of the stop.
  net::awaitable<void> serve();

  net::awaitable<http::server_response> healthz(http::server_request req) const;
  net::awaitable<http::server_response> readyz(http::server_request req);
  net::awaitable<http::server_response> metrics(http::server_request req);
  void on_signal(const boost::system::error_code& ec, int sig);
  void start_listening();
  net::awaitable<void> contend_for_leases();
  void spawn_background_work();
  net::awaitable<void> heartbeat();
  net::awaitable<void> wind_down();

  runtime& rt;
  const config::config& c;
  std::shared_ptr<spdlog::logger> logger = log::get("main");
  // Wakes idle workers when a job is queued (Postgres LISTEN on a connection of its own).
  storage::job_waker waker;
  job_runner runner;
  // Replicas on one database: only the lease holder polls a data source or reconciles.
  leadership leaders;
  std::vector<std::unique_ptr<poll_schedule>> polls;  // one per data source, gated by its lease
  pruner retention;
  const steady::time_point started = steady::now();
  steady::time_point last_tick = started;  // the heartbeat's; /healthz reads it
  http::router routes;
  probe_figures probes;
  // Two-way sync (issue 7): the webhook receivers, only when configured.
  std::optional<webhooks::github_webhook_receiver> github_hooks;
  std::optional<webhooks::notion_webhook_receiver> notion_hooks;
  const http::server_options server_options;
  std::optional<http::server> server;
  bool stopping = false;  // set by the first signal; the background loops end on it
  const systemd_notifier systemd;
  net::signal_set signals;
};

daemon_parts::daemon_parts(runtime& r)
    : rt(r),
      c(r.c),
      waker(database_settings_of(r.c, "ngsync-listen")),
      runner(r.queue, &waker, r.handler(), r.runner_settings(std::chrono::milliseconds(1000))),
      leaders(r.db, leadership::make_holder_id(), r.c.sync.leader_lease),
      retention(r.db, retention_settings(r.c), leaders.gate(prune_lease_name)),
      probes(r.db, r.queue),
      server_options(server_options_of(r.c)),
      signals(r.io, SIGINT, SIGTERM) {
  rt.report_outcomes_on_pages(runner);
  logger->info("replica holder={} leader_lease={}ms shared_rate_budget={}", leaders.holder(),
               c.sync.leader_lease.count(), rt.apis.shares_budget());
  probes.set_throttle_horizon(
      std::chrono::duration_cast<std::chrono::seconds>(c.sync.throttle_horizon));
}

void daemon_parts::add_probe_routes() {
  routes.add(http::bhttp::verb::get, "/healthz",
             [this](http::server_request req) { return healthz(std::move(req)); });
  routes.add(http::bhttp::verb::get, "/readyz",
             [this](http::server_request req) { return readyz(std::move(req)); });
  routes.add(http::bhttp::verb::get, "/metrics",
             [this](http::server_request req) { return metrics(std::move(req)); });
}

// Alive while the event loop turns: the heartbeat ticks every second.
net::awaitable<http::server_response> daemon_parts::healthz(http::server_request req) const {
  const auto age = steady::now() - last_tick;
  const bool alive = age < std::chrono::seconds(30);
  co_return http::make_response(
      req, alive ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
      json::serialize(json::object{{"status", alive ? "ok" : "stalled"}}));
}

// Ready while the database answers with a current schema and every data source this replica
// leads was polled within its interval (three intervals and 30 s of slack).
net::awaitable<http::server_response> daemon_parts::readyz(http::server_request req) {
  std::string reason;
  const auto db_figures = co_await probes.get();
  if (!db_figures.reachable)
    reason = "database unreachable";
  else if (!db_figures.schema_current)
    reason = "database migrations are not current";
  const auto now = steady::now();
  for (const auto& p : rt.pollers) {
    if (!reason.empty()) break;
    if (!leaders.leads(poll_lease_name(p->data_source_id()))) continue;  // another polls
    const auto allowance = p->settings().interval * 3 + std::chrono::seconds(30);
    const auto since = p->last_success() ? now - *p->last_success() : now - started;
    if (since > allowance)
      reason = "data source " + p->data_source_id() + " not polled within its interval";
  }
  co_return http::make_response(
      req, reason.empty() ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
      json::serialize(reason.empty() ? json::object{{"status", "ready"}}
                                     : json::object{{"status", "not_ready"}, {"reason", reason}}));
}

net::awaitable<http::server_response> daemon_parts::metrics(http::server_request req) {
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
}

void daemon_parts::add_webhook_routes() {
  if (!c.server.github_webhook_secret.empty()) {
    github_hooks.emplace(rt.db, rt.queue,
                         webhooks::github_webhook_settings{c.server.github_webhook_secret.reveal(),
                                                           c.queue.max_attempts},
                         rt.me);
    routes.add(http::bhttp::verb::post, "/webhooks/github",
               [this](http::server_request req) { return github_hooks->handle(std::move(req)); });
  }
  if (c.server.notion_webhooks) {
    webhooks::notion_webhook_settings ns;
    ns.max_attempts = c.queue.max_attempts;
    ns.configured_token = c.server.notion_webhook_token.reveal();
    notion_hooks.emplace(rt.db, rt.queue, rt.mappings, ns, rt.me);
    routes.add(http::bhttp::verb::post, "/webhooks/notion",
               [this](http::server_request req) { return notion_hooks->handle(std::move(req)); });
  }
}

void daemon_parts::make_server() {
  server.emplace(rt.io.get_executor(), server_options, routes.as_handler());
}

void daemon_parts::stop_on_signals() {
  signals.async_wait([this](const boost::system::error_code& ec, int sig) { on_signal(ec, sig); });
}

// The first SIGINT/SIGTERM stops gracefully: polls end, running jobs finish, then the process
// exits. A second one is an operator who will not wait: exit at once.
void daemon_parts::on_signal(const boost::system::error_code& ec, int sig) {
  if (ec) return;
  if (stopping) {
    logger->warn("second signal {}: exiting at once", sig);
    std::_Exit(1);
  }
  stopping = true;
  logger->info("signal {}: stopping (polls end, running jobs finish, then exit)", sig);
  systemd.notify("STOPPING=1");
  for (auto& p : polls) p->stop();
  leaders.stop();
  runner.stop();
  net::co_spawn(rt.io, server->stop(), net::detached);
  stop_on_signals();
}

net::awaitable<void> daemon_parts::serve() {
  rt.apis.exchange_pauses_now();
  co_await rt.resolve_mappings(github_hooks || notion_hooks);
  start_listening();
  co_await contend_for_leases();
  spawn_background_work();
  co_await runner.run();  // until a signal stops it
  co_await wind_down();
}

void daemon_parts::start_listening() {
  server->start();
  logger->info("listening on http://{}:{} (/healthz /readyz /metrics)", server_options.address,
               server->port());
  systemd.notify("READY=1");
}

net::awaitable<void> daemon_parts::contend_for_leases() {
  // The pollers exist once the mappings are resolved (serve()).
  for (auto& p : rt.pollers) polls.push_back(std::make_unique<poll_schedule>(*p, rt.db, rt.queue));
  for (auto& p : polls) {
    const auto name = poll_lease_name(p->polled().data_source_id());
    leaders.contend(name);
    p->set_gate(leaders.gate(name));
  }
  if (c.sync.reconcile_interval.count() > 0) leaders.contend(reconcile_lease_name);
  if (c.queue.prune_interval.count() > 0) leaders.contend(prune_lease_name);
  // The first round before the pollers start, so the leader polls at once.
  co_await leaders.renew_once();
}

// Each loop runs until `stopping` (or, for leadership and the pollers, until their stop()).
void daemon_parts::spawn_background_work() {
  net::co_spawn(rt.io, leaders.run(), net::detached);
  net::co_spawn(rt.io, rt.apis.share_pauses(&stopping), net::detached);
  for (auto& p : polls) net::co_spawn(rt.io, p->run(), net::detached);
  net::co_spawn(rt.io, rt.audit.run_flusher(std::chrono::milliseconds(500)), net::detached);
  net::co_spawn(rt.io, retention.run(&stopping), net::detached);
  if (c.sync.reconcile_interval.count() > 0) {
    net::co_spawn(rt.io,
                  run_periodic_reconcile(rt.db, rt.queue, rt.ports, rt.mappings, c, &stopping,
                                         rt.me.github_login, leaders.gate(reconcile_lease_name)),
                  net::detached);
  }
  net::co_spawn(rt.io, heartbeat(), net::detached);
}

// The event-loop heartbeat: /healthz and the systemd watchdog both read it. It also logs
// progress when the counters changed and trims the heap now and then.
net::awaitable<void> daemon_parts::heartbeat() {
  net::steady_timer t(rt.io);
  std::string last_summary;
  auto last_report = steady::now();
  auto last_trim = last_report;
  while (!stopping) {
    last_tick = steady::now();
    systemd.notify("WATCHDOG=1");
    if (last_tick - last_trim > std::chrono::seconds(10)) {
      // A first poll of a large data source or a burst of jobs leaves freed heap behind; hand
      // those pages back so an idle daemon stays small. On a heap of a few MiB this walk takes
      // well under a millisecond.
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
}

// Stopping: let running jobs finish within the grace period; the rest keep their lease until it
// expires and run again elsewhere. Nothing is lost either way. Then the audit rows are written
// and the last open connections closed, so that the event loop runs out of work and returns.
net::awaitable<void> daemon_parts::wind_down() {
  net::steady_timer t(rt.io);
  const auto deadline = steady::now() + std::chrono::seconds(10);
  while (runner.running() > 0 && steady::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(50));
    co_await t.async_wait(net::use_awaitable);
  }
  rt.audit.stop();
  co_await rt.audit.flush();
  rt.apis.http().close_idle();
  signals.cancel();
}

}  // namespace

int run_daemon(const config::config& c) {
  auto logger = log::get("main");
  runtime rt(c, "ngsync");
  rt.migrate_if_configured();
  rt.own_claims();
  rt.db.open_connections_in_background();  // while the mappings are resolved
  daemon_parts d(rt);                      // the worker pool, leadership among replicas, retention
  d.add_probe_routes();
  d.add_webhook_routes();
  d.make_server();
  if (!d.systemd.problem().empty()) logger->error("systemd: {}", d.systemd.problem());
  d.stop_on_signals();

  std::exception_ptr failure;
  net::co_spawn(rt.io, d.serve(), [&](const std::exception_ptr& e) {
    failure = e;
    if (e) {  // a failed start-up: no waiting for a signal, the event loop ends now
      d.signals.cancel();
      rt.io.stop();
    }
  });
  rt.io.run();
  logger->info("stopped: {}", rt.summary());
  if (failure) std::rethrow_exception(failure);
  return daemon::exit_ok;
}

}  // namespace ngsync::engine
