#pragma once
// The two-way end-to-end test bed (e2e_twoway_test.cpp, e2e_twoway_reconcile_test.cpp): the
// sandbox with hooks aimed at the daemon, the scratch database and a running `ngsync run` with
// both webhook routes on, plus what the tests read back from the link table.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "core/webhooks/signature.hpp"
#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

namespace ngsync::test::twoway {

namespace json = boost::json;
using namespace std::chrono_literals;

inline const std::string login_page = "a1000000-0000-4000-8000-000000000001";  // Ready, bug, Ada
inline const std::string backlog_page = "a1000000-0000-4000-8000-000000000002";
inline const std::string hook_secret = "e2e-twoway-hook-secret";
inline const std::string notion_verification = "secret_e2e_twoway_verification";

// A port nobody listens on right now, for the daemon (the sandbox's hooks must know it first).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// small.json plus a second repository (acme/archive, for transfers), with the sandbox's GitHub
// hook and Notion webhook aimed at the daemon's port when `deliver`.
inline std::string scenario_with_hooks(int port, bool deliver) {
  auto s =
      json::parse(read_file(std::string(NGSYNC_SOURCE_DIR) + "/tests/daemon/scenarios/small.json"))
          .as_object();
  s["github"].as_object()["repos"].as_array().push_back(
      json::object{{"full_name", "acme/archive"},
                   {"id", 9002},
                   {"collaborators", json::array{"ngsync-bot", "ada-l"}},
                   {"labels", json::array{"bug", "feature", "docs"}}});
  if (deliver) {
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    s["github"].as_object()["hooks"] =
        json::array{json::object{{"id", 555},
                                 {"url", base + "/webhooks/github"},
                                 {"secret", hook_secret},
                                 {"events", json::array{"issues", "pull_request"}},
                                 {"repo", "acme/roadmap"}}};
    s["notion"].as_object()["webhook"] = json::object{{"url", base + "/webhooks/notion"},
                                                      {"verification_token", notion_verification},
                                                      {"send_verification", false},
                                                      {"batch_ms", 50}};
  }
  static int counter = 0;
  const auto path =
      std::filesystem::temp_directory_path() /
      ("ngsync-twoway-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".json");
  std::ofstream(path) << json::serialize(s);
  return path.string();
}

// The sandbox, the scratch database and a running `ngsync run` with both webhook routes on.
// `deliver`: the sandbox delivers webhooks itself; otherwise the test posts GitHub's.
struct twoway_bed {
  int port;
  std::string scenario;
  std::unique_ptr<sandbox_env> env;
  std::unique_ptr<child_process> daemon;

  explicit twoway_bed(bool deliver, std::string mapping_extra = "", bool draft_prs = false)
      : port(free_port()), scenario(scenario_with_hooks(port, deliver)) {
    sandbox_env_options o;
    o.scenario_file = scenario;
    o.mapping_extra = std::move(mapping_extra);
    o.poll_interval = "300s";  // only the first poll: every later change arrives by webhook
    o.config_extra = "server:\n  listen: 127.0.0.1:" + std::to_string(port) +
                     "\n  github_webhook_secret_env: GITHUB_WEBHOOK_SECRET\n"
                     "  notion_webhooks: true\n";
    env = std::make_unique<sandbox_env>(o);
    // The sandbox has no GET /user: name the token user, as an App deployment names its bot.
    env->write_config("  token_env: GITHUB_TOKEN\n  own_login: ngsync-bot\n");
    if (draft_prs) {
      auto config = read_file(env->config_path());
      const std::string plain = "github: {repository: acme/roadmap}";
      config.replace(config.find(plain), plain.size(),
                     "github: {repository: acme/roadmap, kind: draft_pr}");
      std::ofstream(env->config_path()) << config;
    }
    daemon = std::make_unique<child_process>(
        std::vector<std::string>{ngsync_binary(), "--config", env->config_path().string(), "run"},
        std::map<std::string, std::optional<std::string>>{
            {"NOTION_TOKEN", "secret_sandbox_notion_token"},
            {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
            {"DATABASE_URL", env->database_url()},
            {"GITHUB_WEBHOOK_SECRET", hook_secret}},
        (env->dir() / "ngsync.log").string());
    bool up = false;
    for (int i = 0; i < 200 && !up && daemon->running(); ++i) {
      up = run_command("curl -fsS " + base() + "/healthz").exit_code == 0;
      if (!up) std::this_thread::sleep_for(50ms);
    }
    REQUIRE_MESSAGE(up, daemon->log());
    if (deliver) {
      auto r = run_command(
          "curl -fsS -X POST -H 'Content-Type: application/json' -d '{\"verification_token\":\"" +
          notion_verification + "\"}' " + base() + "/webhooks/notion");
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
      // The token received over HTTP checks nothing until the operator confirms it. `status`
      // shows it pending, by fingerprint only.
      const auto print = ngsync::webhooks::key_fingerprint(notion_verification);
      auto status = env->run_ngsync("status");
      CHECK_MESSAGE(status.output.find("none confirmed") != std::string::npos, status.output);
      CHECK(status.output.find("pending #1 " + print) != std::string::npos);
      auto status_json = env->run_ngsync("status --json");
      REQUIRE_MESSAGE(status_json.exit_code == 0, status_json.output);
      const auto hook = json::parse(status_json.output).at("notion_webhook");
      CHECK(hook.at("key_source") == "none");
      CHECK(hook.at("pending").at(0).at("fingerprint").as_string() == print);
      for (const auto* out : {&status.output, &status_json.output}) {
        CHECK(out->find(notion_verification) == std::string::npos);
      }
      CHECK(env->run_ngsync("status --show-notion-verification").output ==
            notion_verification + "\n");
      auto confirmed = env->run_ngsync("webhook confirm-notion-token");
      REQUIRE_MESSAGE(confirmed.exit_code == 0, confirmed.output);
      CHECK(confirmed.output.find("#1 " + print) != std::string::npos);
      CHECK(confirmed.output.find(notion_verification) == std::string::npos);
      CHECK(env->run_ngsync("webhook confirm-notion-token").exit_code == 1);  // nothing pending
      status_json = env->run_ngsync("status --json");
      CHECK(json::parse(status_json.output).at("notion_webhook").at("key_source") == "database");
    }
  }
  ~twoway_bed() {
    daemon->signal(SIGTERM);
    daemon->wait_for_exit(5s);
    std::error_code ec;
    std::filesystem::remove(scenario, ec);
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

  // The number of API calls the sandbox has seen (both APIs, reads included).
  std::int64_t calls() const {
    return static_cast<std::int64_t>(
        env->control_get("/control/calls").at("calls").as_array().size());
  }
  // Waits until the call count has not moved for `quiet`; returns it.
  std::int64_t settle(std::chrono::milliseconds quiet = 1500ms) const {
    auto last = calls();
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    auto stable_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(250ms);
      const auto now = calls();
      if (now != last) {
        last = now;
        stable_since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - stable_since >= quiet) {
        return now;
      }
    }
    FAIL("API calls never stopped: " << daemon->log());
    return last;
  }

  std::string status_of(const std::string& page) const {
    auto v = env->property(page, "Status");
    return v.is_string() ? std::string(v.as_string().c_str()) : std::string();
  }
  json::object issue(std::int64_t n) const { return env->issues().at(n); }

  // Polls `probe` until it returns `want` (10 s at most).
  template <class F>
  bool wait_until(F probe, const std::string& want) const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (probe() == want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::int64_t wait_for_issue_of(const std::string& page) const {
    for (int i = 0; i < 200; ++i) {
      auto v = env->property(page, "GitHub Issue Number");
      if (v.is_number()) return v.to_number<std::int64_t>();
      std::this_thread::sleep_for(50ms);
    }
    FAIL("the first sync created no issue for " << page << ": " << daemon->log());
    return 0;
  }

  void github_act(const std::string& action, json::object args) const {
    args["repo"] = "acme/roadmap";
    if (action != "add_collaborator" && !args.contains("as")) args["as"] = "ada-l";
    env->act("github", action, std::move(args));
  }
  void notion_edit(const std::string& page, json::object properties) const {
    env->act("notion", "edit_page",
             json::object{{"page_id", page}, {"properties", std::move(properties)}});
  }
  void advance_clock(int seconds) const {
    env->control_post("/control/clock/advance", json::object{{"ms", seconds * 1000}});
  }

  // Delivers an `issues` event as GitHub would (signed with the hook's secret); the HTTP status.
  int deliver(const std::string& action, std::int64_t number, const std::string& delivery,
              const std::string& sender = "ada-l") const {
    const auto body = json::serialize(
        json::object{{"action", action},
                     {"issue", issue(number)},
                     {"repository", json::object{{"full_name", "acme/roadmap"}, {"id", 9001}}},
                     {"sender", json::object{{"login", sender}, {"type", "User"}}}});
    const auto file = env->dir() / ("event-" + delivery + ".json");
    std::ofstream(file) << body;
    auto r = run_command(
        "curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "
        "-H 'X-GitHub-Event: issues' -H 'X-GitHub-Hook-ID: 555' -H 'X-GitHub-Delivery: " +
        delivery + "' -H 'X-Hub-Signature-256: sha256=" +
        ngsync::webhooks::hmac_sha256_hex(hook_secret, body) + "' --data-binary @" +
        shell_quote(file.string()) + " " + base() + "/webhooks/github");
    return std::atoi(r.output.c_str());
  }

  std::int64_t count(const std::string& sql) const {
    pqxx::connection c(env->database_url());
    pqxx::read_transaction t(c);
    return t.exec1(sql)[0].as<std::int64_t>();
  }
  json::array conflicts_of(const std::string& page) const {
    pqxx::connection c(env->database_url());
    pqxx::read_transaction t(c);
    auto r =
        t.exec_params1("SELECT conflict_log::text FROM page_links WHERE notion_page_id = $1", page);
    return json::parse(r[0].c_str()).as_array();
  }
};

// Removes a scenario file written for one test.
struct file_guard {
  std::string path;
  ~file_guard() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

inline std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.as_string().c_str()) : std::string();
}

}  // namespace ngsync::test::twoway
