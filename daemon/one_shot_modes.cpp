// The one-shot modes of daemon_runtime.hpp: sync-once, plan and reconcile. Each builds the
// runtime, does its one pass on the event loop and returns an exit code.
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/log/logging.hpp"
#include "core/sync/sync_action.hpp"
#include "daemon/cli.hpp"
#include "daemon/daemon_runtime.hpp"
#include "daemon/engine/reconciler.hpp"
#include "daemon/runtime.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

std::int64_t pages_in_error(storage::database& db) {
  return db.read_sync(
      [](storage::transaction t) { return storage::link_store::count_pages_in_error(t); });
}

}  // namespace

int run_sync_once(const config::config& c) {
  auto logger = log::get("main");
  runtime rt(c, "ngsync-sync-once");
  rt.migrate_if_configured();
  rt.own_claims();
  rt.db.open_connections_in_background();  // while the mappings are resolved
  // No job waker here: the workers look at the queue every 200 ms until it is drained.
  job_runner runner(rt.queue, nullptr, rt.handler(),
                    rt.runner_settings(std::chrono::milliseconds(200)));
  rt.report_outcomes_on_pages(runner);
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
        co_await reconcile(rt.db, rt.queue, rt.ports, rt.mappings, c, o);
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
          sync::sync_page_hint hint;
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
    report = co_await reconcile(rt.db, rt.queue, rt.ports, rt.mappings, c, o);
    co_await rt.audit.flush();
  });
  std::cout << "reconcile" << (dry_run ? " (dry run, nothing changed)" : "") << ": "
            << report.summary() << "\n";
  for (const auto& f : report.findings) std::cout << "  " << f << "\n";
  return daemon::exit_ok;
}

}  // namespace ngsync::engine
