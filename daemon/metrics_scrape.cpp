#include "daemon/metrics_scrape.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "daemon/services/backlog_report.hpp"
#include "daemon/services/daemon_metrics.hpp"

namespace ngsync::engine {
namespace {

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

}  // namespace

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

}  // namespace ngsync::engine
