#pragma once
// The engine in one process, for tests of its paths that run in milliseconds: the page syncer on
// a scratch database of the private Postgres, its API callers wired to the sandbox's Notion and
// GitHub emulators through emulator_transport (no process, no socket), configured like the
// end-to-end tests' daemon. The test drives jobs and acts as a person through the emulators.
#include <chrono>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/config/config_loader.hpp"
#include "core/github/api_urls.hpp"
#include "core/sync/mapping_binding.hpp"
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/issue_extras_sync.hpp"
#include "daemon/engine/page_sync.hpp"
#include "daemon/engine/poller.hpp"
#include "daemon/engine/reconciler.hpp"
#include "daemon/services/api_stack.hpp"
#include "daemon/services/audit_recorder.hpp"
#include "daemon/services/caller_ports.hpp"
#include "daemon/services/job_dispatch.hpp"
#include "storage/link_store.hpp"
#include "storage/sync_jobs.hpp"
#include "tests/daemon/engine/support/emulator_transport.hpp"
#include "tests/sandbox/src/github/github_emulator.hpp"
#include "tests/sandbox/src/notion/notion_emulator.hpp"
#include "tests/storage/scratch_database.hpp"

namespace ngsync::test {

namespace json = boost::json;

inline const std::string roadmap_source = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";

struct engine_harness_options {
  std::string scenario = "tests/daemon/scenarios/small.json";  // under the source tree
  std::string mapping_extra;  // YAML lines appended to the mapping (6-space indent)
  std::string github_mapping = "{repository: acme/roadmap}";  // the mapping's github: value
  std::function<void(json::object&)> edit_scenario;  // changes the scenario before it loads
};

class engine_harness {
 public:
  explicit engine_harness(engine_harness_options options = {}) {
    start_empty();
    db_ = std::make_unique<storage::database>(sdb().settings());
    host_.add(sandbox::make_notion_emulator(host_.services()));
    host_.add(sandbox::make_github_emulator(host_.services()));
    std::ifstream in(std::string(NGSYNC_SOURCE_DIR) + "/" + options.scenario);
    std::stringstream text;
    text << in.rdbuf();
    auto scenario = json::parse(text.str()).as_object();
    if (options.edit_scenario) options.edit_scenario(scenario);
    host_.load_scenario(scenario);
    transport_.route(notion_url, "notion");
    transport_.route(github_url, "github");

    auto loaded =
        config::load_config_text(config_yaml(options), "engine.yaml",
                                 [this](const std::string& name) -> std::optional<std::string> {
                                   if (name == "NOTION_TOKEN") return "secret_sandbox_notion_token";
                                   if (name == "GITHUB_TOKEN")
                                     return "ghp_sandboxtokenforngsync0001";
                                   if (name == "DATABASE_URL") return sdb().url();
                                   return std::nullopt;
                                 });
    REQUIRE_MESSAGE(loaded.value, (loaded.errors.empty() ? "" : loaded.errors.front().message));
    cfg_ = *loaded.value;
    audit_ = std::make_unique<engine::audit_recorder>(*db_);
    apis_ = std::make_unique<engine::api_stack>(io_.get_executor(), cfg_, *audit_, &transport_);
    callers_ =
        std::make_unique<engine::caller_ports>(apis_->notion_caller(), apis_->github_caller());
    ports_ = std::make_unique<clocked_ports>(*callers_);
    for (const auto& m : cfg_.sync.mappings) {
      sync::mapping_binding b;
      b.name = m.name;
      b.rules = sync::rules_from_config(m);
      b.rules.github_web_host = github::web_host(cfg_.github.base_url);
      b.data_source_ids = {m.data_source_id};
      b.draft_pr_base = m.draft_pr_base;
      b.settings = m;
      mappings_[m.name] = b;
    }
    // The issue extras (board, milestone, comments) run when the mapping asks for them.
    extras_ = std::make_unique<engine::issue_extras_syncer>(*db_, *ports_);
    syncer_ = std::make_unique<engine::page_syncer>(*db_, *ports_, extras_.get(), mappings_);
    syncer_->set_own_github_login("ngsync-bot");
    // Short backoffs: a retried job runs again within milliseconds.
    storage::queue_settings qs;
    qs.backoff_base = std::chrono::milliseconds(5);
    qs.backoff_cap = std::chrono::milliseconds(20);
    queue_ = std::make_unique<storage::job_queue>(*db_, qs);
    github_events_ =
        std::make_unique<engine::github_event_syncer>(*db_, *queue_, *ports_, mappings_, cfg_);
  }

  // A change GitHub reported for issue `number` of acme/roadmap (what the webhook receiver and
  // reconcile enqueue), carried out at once.
  void github_event(std::int64_t number, const std::string& action) {
    auto link = db_->read_sync([number](storage::transaction t) {
      return storage::link_store::find_by_issue(t, "acme/roadmap", static_cast<int>(number));
    });
    storage::claimed_job job;
    job.id = ++job_ids_;
    job.kind = sync::github_issue_event_kind;
    const sync::github_event_job event{"acme/roadmap", number, link ? link->notion_page_id : "",
                                       action,         "",     ""};
    job.payload = storage::to_job_spec(event, 5).payload;
    job.attempts = 1;
    run(github_events_->sync(std::move(job)));
  }

  // One poll of the roadmap data source, as the daemon's poller makes it.
  engine::poll_result poll() {
    if (!poller_) {
      engine::poller_settings ps;
      ps.max_attempts = 5;
      poller_ = std::make_unique<engine::poller>(*db_, *queue_, apis_->notion(),
                                                 mappings_.at("roadmap"), roadmap_source, ps);
    }
    std::optional<engine::poll_result> result;
    run([&]() -> boost::asio::awaitable<void> { result = co_await poller_->poll_once(); });
    return *result;
  }

  // One reconcile pass (full unless told), then every job it queued, as workers would.
  engine::reconcile_report reconcile(engine::reconcile_mode mode = engine::reconcile_mode::full,
                                     bool dry_run = false) {
    engine::reconcile_options o;
    o.mode = mode;
    o.dry_run = dry_run;
    o.own_github_login = "ngsync-bot";
    std::optional<engine::reconcile_report> report;
    run([&]() -> boost::asio::awaitable<void> {
      report = co_await engine::reconcile(*db_, *queue_, *ports_, mappings_, cfg_, o);
    });
    drain();
    return *report;
  }

  // A sync_page job for the page, as a poll or a webhook enqueues it.
  // Returns the job's id.
  std::int64_t enqueue(const std::string& page_id, int max_attempts = 5) {
    sync::sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = roadmap_source;
    hint.mapping = "roadmap";
    hint.source = "webhook";
    auto spec = storage::to_job_spec(hint, max_attempts);
    std::int64_t id = 0;
    run([&]() -> boost::asio::awaitable<void> {
      const auto enqueued = co_await queue_->enqueue(spec);
      id = enqueued.id;
    });
    return id;
  }
  // The engine's clock moves ahead (what it judges by: a notice's quiet pause, the horizon).
  void advance_clock(std::chrono::system_clock::duration by) { ports_->ahead += by; }
  // As the worker does after the queue put a waiting job back: the page shows Pending and why
  // once that is due and new. `job_id` is a waiting job's (enqueue's answer).
  void report_trouble(std::int64_t job_id, const std::string& page_id,
                      std::optional<api::api_failure> failure) {
    sync::sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = roadmap_source;
    hint.mapping = "roadmap";
    storage::claimed_job job;
    job.id = job_id;
    job.kind = sync::sync_page_kind;
    job.payload = storage::to_job_spec(hint, 5).payload;
    job.attempts = 1;
    run(syncer_->report_trouble(std::move(job), std::move(failure)));
  }

  // Works the queue with the daemon's job runner until no job is due and none runs (sync-once's
  // drain): retries back off, a dead job shows Error on its page, a retried one Pending.
  // Returns the runner's counters.
  engine::job_runner_counters drain() {
    engine::job_runner_settings rs;
    rs.workers = 4;
    rs.lease = std::chrono::seconds(30);
    rs.idle_wait = std::chrono::milliseconds(10);
    rs.worker_id = "engine-test";
    rs.drain_patience = std::chrono::seconds(10);
    engine::job_runner runner(*queue_, nullptr, engine::dispatch_jobs(*syncer_, *github_events_),
                              rs);
    engine::report_outcomes_on_pages(runner, *syncer_);
    run(runner.drain());
    return runner.counters();
  }

  // Runs one sync_page job for the page to its end; rethrows what the job threw.
  void sync(const std::string& page_id, int attempt = 1) {
    sync::sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = roadmap_source;
    hint.mapping = "roadmap";
    hint.source = "manual";
    storage::claimed_job job;
    job.id = ++job_ids_;
    job.kind = sync::sync_page_kind;
    job.payload = storage::to_job_spec(hint, 5).payload;
    job.attempts = attempt;
    job.max_attempts = 5;
    run(syncer_->sync(std::move(job)));
  }
  // As the worker does after a job failed: the page shows Pending (or Error when dead).
  void report_failure(const std::string& page_id, const std::string& error, bool dead,
                      int attempt = 1) {
    sync::sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = roadmap_source;
    hint.mapping = "roadmap";
    storage::claimed_job job;
    job.kind = sync::sync_page_kind;
    job.payload = storage::to_job_spec(hint, 5).payload;
    job.attempts = attempt;
    run(syncer_->report_failure(std::move(job), error, dead));
  }

  json::value act(const std::string& api, const std::string& action, json::object args) {
    return host_.find(api)->act(action, args);
  }
  sandbox::sandbox_host& sandbox() { return host_; }
  emulator_transport& transport() { return transport_; }
  engine::page_syncer& syncer() { return *syncer_; }
  engine::issue_extras_syncer& extras() { return *extras_; }
  storage::database& db() { return *db_; }

  // GitHub issues (and PRs) of a repository by number, from the emulator's state.
  std::map<std::int64_t, json::object> issues(const std::string& repo = "acme/roadmap") const {
    std::map<std::int64_t, json::object> out;
    auto s = host_.find("github")->state();
    for (const auto& r : s.at("repos").as_array()) {
      if (r.at("full_name").as_string() != repo) continue;
      for (const auto& i : r.at("issues").as_array()) {
        out[i.at("number").to_number<std::int64_t>()] = i.as_object();
      }
    }
    return out;
  }
  // The value of a page property in a simple form (number, string, select name, ...).
  json::value property(const std::string& page_id, const std::string& name) const {
    auto s = host_.find("notion")->state();
    for (const auto& p : s.at("pages").as_array()) {
      if (p.at("id").as_string() != page_id) continue;
      const auto& v = p.at("properties").at(name).as_object();
      const std::string type = v.at("type").as_string().c_str();
      const auto& inner = v.at(type);
      if ((type == "select" || type == "status") && inner.is_object()) return inner.at("name");
      if (type == "rich_text" || type == "title") {
        std::string text;
        for (const auto& t : inner.as_array()) text += t.at("plain_text").as_string().c_str();
        return json::value(text);
      }
      return inner;
    }
    FAIL("no page " << page_id);
    return {};
  }
  std::optional<storage::page_link> link(const std::string& page_id) {
    return db_->read_sync(
        [page_id](storage::transaction t) { return storage::link_store::get(t, page_id); });
  }
  // The database forgets the page's link, as a restore that lost it would.
  void forget_link(const std::string& page_id) {
    auto c = sdb().connect();
    pqxx::work t(*c);
    t.exec_params("DELETE FROM page_links WHERE notion_page_id = $1", page_id);
    t.commit();
  }
  // The database forgets which Notion comments of the page were mirrored (a restore that lost
  // the records, or a crash before they were written).
  void forget_mirrored_comments(const std::string& page_id) {
    auto c = sdb().connect();
    pqxx::work t(*c);
    t.exec_params("DELETE FROM mirrored_comments WHERE notion_page_id = $1", page_id);
    t.commit();
  }
  // The repository as the GitHub emulator holds it (issues, pulls, branches).
  json::object repo_state(const std::string& repo = "acme/roadmap") const {
    auto s = host_.find("github")->state();
    for (const auto& r : s.at("repos").as_array()) {
      if (r.at("full_name").as_string() == repo) return r.as_object();
    }
    FAIL("no repository " << repo);
    return {};
  }
  // Requests the engine sent matching "METHOD /path-prefix".
  int sent(const std::string& method_and_prefix) const {
    int n = 0;
    for (const auto& s : transport_.sent()) n += s.rfind(method_and_prefix, 0) == 0;
    return n;
  }

  static constexpr const char* notion_url = "https://api.notion.test";
  static constexpr const char* github_url = "https://api.github.test";

 private:
  // One migrated database for every case of the process (made once: a fresh one per case costs
  // more than the case), emptied at the start of each.
  static storage::testing::scratch_database& sdb() {
    static storage::testing::scratch_database shared;
    static const bool migrated = (shared.migrate(), true);
    (void)migrated;
    return shared;
  }
  static void start_empty() {
    auto c = sdb().connect();
    pqxx::work t(*c);
    std::string tables;
    for (const auto& row : t.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename <> 'schema_migrations'")) {
      tables += (tables.empty() ? "" : ", ") + row[0].as<std::string>();
    }
    if (!tables.empty()) t.exec("TRUNCATE " + tables + " RESTART IDENTITY");
    t.commit();
  }

  template <class Awaitable>
  void run(Awaitable a) {
    run_awaitable(std::move(a));
  }
  template <class F>
  requires std::is_invocable_v<F>
  void run(F f) { run_awaitable(f()); }
  template <class Awaitable>
  void run_awaitable(Awaitable a) {
    std::exception_ptr failure;
    boost::asio::co_spawn(io_, std::move(a), [&failure](std::exception_ptr e) { failure = e; });
    io_.run();
    io_.restart();
    if (failure) std::rethrow_exception(failure);
  }

  static std::string config_yaml(const engine_harness_options& options) {
    return std::string("notion:\n  base_url: ") + notion_url +
           "\n  token_env: NOTION_TOKEN\n"
           "  rate_limit: {requests_per_second: 1000, burst: 100, max_concurrent: 8}\n"
           "github:\n  base_url: " +
           github_url +
           "\n  token_env: GITHUB_TOKEN\n"
           "  rate_limit: {requests_per_second: 1000, burst: 100, max_concurrent: 8}\n"
           "  mutation_spacing: 0s\n  content_creation_per_minute: 100000\n"
           "  content_creation_per_hour: 1000000\n"
           "database:\n  url_env: DATABASE_URL\n"
           "sync:\n  mappings:\n"
           "    - name: roadmap\n"
           "      notion: {data_source_id: " +
           roadmap_source +
           "}\n"
           "      github: " +
           options.github_mapping +
           "\n"
           "      properties:\n        labels: Tags\n        assignees: Assignees\n"
           "        body: true\n"
           "        issue_number: GitHub Issue Number\n        issue_url: GitHub Issue URL\n"
           "        sync_status: GitHub Sync Status\n        last_sync_at: Last GitHub Sync At\n"
           "        sync_error: GitHub Sync Error\n"
           "      users:\n        ada@example.com: ada-l\n"
           "        3300a911-6a96-44bb-bd38-6bfb1e01b9f7: grace-h\n" +
           options.mapping_extra;
  }

  std::unique_ptr<storage::database> db_;
  boost::asio::io_context io_;
  sandbox::sandbox_host host_{io_.get_executor(), 7};
  emulator_transport transport_{io_.get_executor(), host_};
  config::config cfg_;
  std::unique_ptr<engine::audit_recorder> audit_;
  std::unique_ptr<engine::api_stack> apis_;
  // The product's ports, with a clock the test may move ahead (a rate limit's quiet pause).
  class clocked_ports final : public engine::engine_ports {
   public:
    explicit clocked_ports(engine::engine_ports& ports) : ports_(ports) {}
    std::unique_ptr<notion::notion_port> notion(std::string run) override {
      return ports_.notion(std::move(run));
    }
    std::unique_ptr<github::github_port> github(std::string run) override {
      return ports_.github(std::move(run));
    }
    std::unique_ptr<github::project_port> projects(std::string run) override {
      return ports_.projects(std::move(run));
    }
    std::chrono::system_clock::time_point now() override { return ports_.now() + ahead; }
    std::chrono::system_clock::duration ahead{};

   private:
    engine::engine_ports& ports_;
  };
  std::unique_ptr<engine::caller_ports> callers_;
  std::unique_ptr<clocked_ports> ports_;
  std::map<std::string, sync::mapping_binding> mappings_;
  std::unique_ptr<engine::issue_extras_syncer> extras_;
  std::unique_ptr<engine::page_syncer> syncer_;
  std::unique_ptr<storage::job_queue> queue_;
  std::unique_ptr<engine::github_event_syncer> github_events_;
  std::unique_ptr<engine::poller> poller_;
  std::int64_t job_ids_ = 0;
};

}  // namespace ngsync::test
