// Subcommands that only need the database: migrate, status, retry-dead.
#include <iostream>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/log/logging.hpp"
#include "core/webhooks/signature.hpp"
#include "daemon/cli.hpp"
#include "daemon/commands.hpp"
#include "daemon/services/backlog_report.hpp"
#include "storage/backlog.hpp"
#include "storage/blocking.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/migrator.hpp"
#include "storage/notion_webhook_tokens.hpp"
#include "storage/ops_report.hpp"
#include "storage/page_notices.hpp"

namespace ngsync::daemon {
namespace {

storage::database_settings db_settings(const config::config& c, std::size_t threads) {
  storage::database_settings s;
  s.url = c.database.url.reveal();
  s.threads = threads;
  s.retry_for = std::chrono::seconds(5);
  s.application_name = "ngsync-cli";
  return s;
}

// The backlog per mapping with its ETA (issue 21): read once, printed by the two helpers below.
struct backlog_section {
  std::string budgets;
  std::chrono::system_clock::time_point now;
  std::vector<engine::mapping_eta> mappings;
};

backlog_section read_backlog_section(const config::config& c, storage::database& db) {
  backlog_section b;
  const auto budgets = engine::backlog_budgets_of(c);
  b.budgets = engine::describe_budgets(budgets);
  b.now = std::chrono::system_clock::now();
  const auto snapshot =
      db.read_sync([&](storage::transaction t) { return storage::read_backlog(t, b.now); });
  b.mappings = engine::estimate_mappings(budgets, snapshot, b.now);
  return b;
}

boost::json::object backlog_json(const backlog_section& b) {
  boost::json::array mappings;
  for (const auto& m : b.mappings) {
    boost::json::object o{{"mapping", m.backlog.mapping},
                          {"pages_waiting", m.backlog.waiting},
                          {"jobs_throttled", m.backlog.throttled},
                          {"pages_to_create", m.backlog.creates},
                          {"budget", m.estimate.binding}};
    if (m.estimate.finish) {
      o["eta"] = engine::iso_utc(*m.estimate.finish);
      o["eta_seconds"] = std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::seconds>(*m.estimate.finish - b.now).count());
      o["eta_in"] = ratelimit::describe_wait(b.now, *m.estimate.finish);
    } else {
      o["eta"] = nullptr;
    }
    mappings.push_back(std::move(o));
  }
  return {{"budgets", b.budgets}, {"mappings", std::move(mappings)}};
}

void print_backlog(const backlog_section& b) {
  std::cout << "backlog (" << b.budgets << "):\n";
  if (b.mappings.empty()) std::cout << "  nothing waiting\n";
  for (const auto& m : b.mappings) {
    const auto& x = m.backlog;
    std::cout << fmt::format("  {:<16} waiting={} throttled={} to_create={} budget={}",
                             x.mapping.empty() ? "-" : x.mapping, x.waiting, x.throttled, x.creates,
                             m.estimate.binding);
    if (m.estimate.finish) {
      std::cout << " eta=" << engine::iso_utc(*m.estimate.finish) << " (in "
                << ratelimit::describe_wait(b.now, *m.estimate.finish) << ")";
    }
    std::cout << "\n";
  }
}

// Everything `ngsync status` shows, read once: the queue's figures, the backlog, then one
// transaction for the rest.
struct status_figures {
  storage::queue_stats stats;
  backlog_section backlog;
  storage::ops_report report;
  std::vector<storage::notion_token_row> notion_tokens;
  // Page jobs held by rate limits longer than sync.throttle_horizon: they never die, so they
  // must be seen somewhere (issue 19).
  std::int64_t throttled_past_horizon = 0;
  std::chrono::seconds horizon{0};
};

constexpr std::size_t listed = 50;  // at most this many pages in error and dead jobs are listed

status_figures read_status(const config::config& c) {
  storage::database db(db_settings(c, 1));
  storage::job_queue queue(db);
  status_figures f;
  f.stats = storage::blocking(queue.stats());
  f.backlog = read_backlog_section(c, db);
  f.horizon = std::chrono::duration_cast<std::chrono::seconds>(c.sync.throttle_horizon);
  db.read_sync([&](storage::transaction t) {
    f.notion_tokens = storage::notion_webhook_tokens::all(t);
    f.throttled_past_horizon =
        storage::page_notices::throttled_past(t, f.horizon, std::chrono::system_clock::now());
    f.report = storage::read_ops_report(t, static_cast<int>(listed));
  });
  return f;
}

// The Notion webhook key: which token checks signatures and which wait for the operator. Tokens
// appear only as fingerprints here (the full pending one: --show-notion-verification).
struct notion_key_view {
  bool shown = false;  // only when Notion webhooks are configured or a token was ever received
  const storage::notion_token_row* active = nullptr;
  std::vector<const storage::notion_token_row*> pending;
  std::string source;  // environment, database or none
};

notion_key_view notion_key_of(const config::config& c,
                              const std::vector<storage::notion_token_row>& tokens) {
  notion_key_view k;
  k.shown = c.server.notion_webhooks || !tokens.empty();
  for (const auto& r : tokens) {
    if (r.active) {
      k.active = &r;
    } else {
      k.pending.push_back(&r);
    }
  }
  k.source = !c.server.notion_webhook_token_env.empty() ? "environment"
             : k.active                                 ? "database"
                                                        : "none";
  return k;
}

boost::json::object notion_key_json(const config::config& c, const notion_key_view& k) {
  boost::json::object n;
  n["key_source"] = k.source;
  if (!c.server.notion_webhook_token_env.empty()) {
    n["key_env"] = c.server.notion_webhook_token_env;
  }
  if (k.active) {
    n["active"] = {{"id", k.active->id},
                   {"fingerprint", webhooks::key_fingerprint(k.active->token)},
                   {"received_at", k.active->received_at},
                   {"confirmed_at", k.active->confirmed_at}};
  } else {
    n["active"] = nullptr;
  }
  boost::json::array pj;
  for (const auto* r : k.pending) {
    pj.push_back({{"id", r->id},
                  {"fingerprint", webhooks::key_fingerprint(r->token)},
                  {"received_at", r->received_at}});
  }
  n["pending"] = std::move(pj);
  return n;
}

// `ngsync status --json`: the caller redacts the serialised whole once more.
boost::json::object status_json(const config::config& c, const status_figures& f,
                                const notion_key_view& key) {
  const auto& stats = f.stats;
  boost::json::object out;
  if (key.shown) out["notion_webhook"] = notion_key_json(c, key);
  boost::json::object depth;
  for (const auto& [state, kinds] : stats.depth) {
    boost::json::object k;
    for (const auto& [kind, n] : kinds) k[kind] = n;
    depth[state] = std::move(k);
  }
  out["queue"] = {
      {"depth", depth},
      {"waiting", stats.waiting},
      {"due", stats.due},
      {"oldest_due_age_ms", stats.oldest_due_age ? boost::json::value(stats.oldest_due_age->count())
                                                 : boost::json::value(nullptr)},
      {"throttled_past_horizon", f.throttled_past_horizon},
      {"throttle_horizon_s", f.horizon.count()}};
  boost::json::array e, p, d;
  for (const auto& x : f.report.errors) {
    // Each text redacted before serialisation: escaping could hide a secret from the rule.
    e.push_back(
        {{"page", x.page}, {"repo", x.repo}, {"error", log::redact(x.error)}, {"run", x.run}});
  }
  for (const auto& x : f.report.polls) {
    p.push_back({{"data_source", x.source},
                 {"watermark", x.watermark},
                 {"last_success", x.last_success},
                 {"last_error", log::redact(x.last_error)}});
  }
  for (const auto& x : f.report.dead)
    d.push_back({{"id", x.id}, {"kind", x.kind}, {"error", log::redact(x.error)}});
  out["pages_in_error"] = std::move(e);
  out["polls"] = std::move(p);
  out["dead_jobs"] = std::move(d);
  boost::json::array rl;
  for (const auto& x : f.report.limits) {
    rl.push_back({{"api", x.api},
                  {"calls_last_hour", x.calls},
                  {"throttled_last_hour", x.throttled},
                  {"last_call", x.last_call},
                  {"last_limit_headers", boost::json::parse(x.headers)}});
  }
  out["rate_limits"] = std::move(rl);
  out["backlog"] = backlog_json(f.backlog);
  return out;
}

void print_notion_key(const config::config& c, const notion_key_view& k) {
  std::cout << "notion webhook key: ";
  if (k.source == "environment") {
    std::cout << "from environment variable " << c.server.notion_webhook_token_env << "\n";
  } else if (k.active) {
    std::cout << "confirmed #" << k.active->id << " " << webhooks::key_fingerprint(k.active->token)
              << " (received " << k.active->received_at << ", confirmed " << k.active->confirmed_at
              << ")\n";
  } else {
    std::cout << "none confirmed: signed Notion events are refused\n";
  }
  for (const auto* r : k.pending) {
    std::cout << "  pending #" << r->id << " " << webhooks::key_fingerprint(r->token)
              << " (received " << r->received_at << ")\n";
  }
  if (!k.pending.empty()) {
    std::cout << "  a pending token checks nothing until confirmed: `ngsync status "
                 "--show-notion-verification`, paste it into Notion, then `ngsync webhook "
                 "confirm-notion-token`"
              << (k.pending.size() > 1 ? " --id N" : "") << "\n";
  }
}

void print_status(const config::config& c, const status_figures& f, const notion_key_view& key) {
  const auto& stats = f.stats;
  const auto& dead = f.report.dead;
  const auto& errors = f.report.errors;
  std::cout << "queue: " << stats.waiting << " waiting (" << stats.due << " due";
  if (stats.oldest_due_age) std::cout << ", oldest " << stats.oldest_due_age->count() / 1000 << "s";
  std::cout << ")\n";
  for (const auto& [state, kinds] : stats.depth) {
    for (const auto& [kind, n] : kinds) {
      std::cout << fmt::format("  {:<10} {:<16} {}\n", state, kind, n);
    }
  }
  std::cout << fmt::format("throttled past the horizon ({} min): {} job(s)\n",
                           f.horizon.count() / 60, f.throttled_past_horizon);
  std::cout << "dead jobs: " << dead.size() << (dead.size() == listed ? "+" : "") << "\n";
  for (const auto& x : dead) {
    std::cout << fmt::format("  #{} {}: {}\n", x.id, x.kind, log::redact(x.error));
  }
  std::cout << "pages in error: " << errors.size() << (errors.size() == listed ? "+" : "") << "\n";
  for (const auto& x : errors) {
    std::cout << fmt::format("  {} ({}): {}\n", x.page, x.repo, log::redact(x.error));
  }
  std::cout << "polls:\n";
  for (const auto& x : f.report.polls) {
    std::cout << fmt::format("  {} watermark={} last_success={}{}\n", x.source, x.watermark,
                             x.last_success,
                             x.last_error.empty() ? "" : " error=" + log::redact(x.last_error));
  }
  if (key.shown) print_notion_key(c, key);
  std::cout << "rate limits (last hour):\n";
  if (f.report.limits.empty()) std::cout << "  no API calls\n";
  for (const auto& x : f.report.limits) {
    std::cout << fmt::format("  {:<7} calls={} throttled={} last_call={} last_headers={}\n", x.api,
                             x.calls, x.throttled, x.last_call, x.headers);
  }
  print_backlog(f.backlog);
}

}  // namespace

int command_migrate(const config::config& c) {
  auto logger = log::get("migrate");
  storage::database db(db_settings(c, 1));
  try {
    auto report = db.on_session_sync([](storage::session s) { return storage::migrate(s); },
                                     storage::retry_policy::once);
    for (const auto& name : report.applied) logger->info("applied migration={}", name);
    std::cout << (report.applied.empty()
                      ? "schema is current"
                      : "applied " + std::to_string(report.applied.size()) + " migration(s)")
              << " (version " << report.schema_version << ")\n";
    return exit_ok;
  } catch (const storage::migration_error& e) {
    logger->error("migration refused: {}", e.what());
    std::cerr << "ngsync migrate: " << log::redact(e.what()) << "\n";
    return exit_failure;
  }
}

int command_status(const config::config& c, bool json) {
  const auto figures = read_status(c);
  const auto key = notion_key_of(c, figures.notion_tokens);
  if (json) {
    std::cout << log::redact(boost::json::serialize(status_json(c, figures, key))) << "\n";
  } else {
    print_status(c, figures, key);
  }
  return exit_ok;
}

int command_retry_dead(const config::config& c, std::optional<long long> id,
                       const std::string& kind, bool all) {
  if (!id && kind.empty() && !all) {
    std::cerr << "ngsync retry-dead: say which jobs: --id N, --kind K or --all\n";
    return exit_bad_config;
  }
  storage::database db(db_settings(c, 1));
  storage::job_queue queue(db);
  storage::dead_job_filter filter;
  if (id) filter.id = *id;
  if (!kind.empty()) filter.kind = kind;
  const auto n = storage::blocking(queue.retry_dead(filter));
  std::cout << "requeued " << n << " dead job(s)\n";
  return exit_ok;
}

}  // namespace ngsync::daemon
