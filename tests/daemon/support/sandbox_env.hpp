#pragma once
// An end-to-end test bed: the real ngsync-sandbox process loaded with a scenario, a scratch
// database on the test Postgres, and a config file pointing the real ngsync binary at both.
// Tests drive `ngsync` through run_ngsync() and read both sides through the control API.
// The sandbox is a child_process: stopped and reaped when the test bed goes away, also when its
// constructor fails (a REQUIRE there destroys the members already made, the sandbox among them).
#include <signal.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/process.hpp"
#include "tests/storage/scratch_database.hpp"

namespace ngsync::test {

namespace json = boost::json;

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct sandbox_env_options {
  std::string scenario_file;  // under tests/daemon/scenarios/ unless absolute
  std::string mapping_extra;  // YAML lines appended to the mapping (indented 6 spaces)
  std::string config_extra;   // YAML appended at the top level (e.g. a server section)
  std::string sync_extra;     // YAML lines in the sync section (indented 2 spaces)
  int workers = 0;            // queue.workers; 0 = the daemon's default
  std::string poll_interval = "1s";
  bool body = true;
  // Serves GitHub like Enterprise Server (ngsync-sandbox --github-prefix), e.g. "/api/v3";
  // github.base_url then carries the prefix.
  std::string github_prefix;
  // The mapping's `github:` value (flow YAML); the fixed repository acme/roadmap by default.
  std::string mapping_github = "{repository: acme/roadmap}";
};

class sandbox_env {
 public:
  explicit sandbox_env(sandbox_env_options o = {}) : options_(std::move(o)) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("ngsync-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::string scenario = options_.scenario_file;
    if (scenario.empty()) scenario = "small.json";
    if (scenario[0] != '/') {
      scenario = std::string(NGSYNC_SOURCE_DIR) + "/tests/daemon/scenarios/" + scenario;
    }
    scenario_path_ = scenario;
    const auto ready = dir_ / "ready.json";
    std::vector<std::string> argv{std::string(NGSYNC_BINARY_DIR) + "/ngsync-sandbox",
                                  "--scenario",
                                  scenario,
                                  "--ready-file",
                                  ready.string(),
                                  "--tls-dir",
                                  (dir_ / "tls").string()};
    if (!options_.github_prefix.empty()) {
      argv.push_back("--github-prefix");
      argv.push_back(options_.github_prefix);
    }
    sandbox_ = std::make_unique<child_process>(std::move(argv),
                                               std::map<std::string, std::optional<std::string>>{},
                                               (dir_ / "sandbox.log").string());
    REQUIRE_MESSAGE(wait_for_file(ready, std::chrono::seconds(20)), sandbox_->log());
    auto r = json::parse(read_file(ready)).as_object();
    notion_url_ = r["notion"].as_object()["url"].as_string().c_str();
    github_url_ = r["github"].as_object()["url"].as_string().c_str();
    control_url_ = r["control"].as_object()["url"].as_string().c_str();
    ca_file_ = r["ca_file"].as_string().c_str();
    write_config();
  }

  ~sandbox_env() {
    // SIGTERM first; child_process's own destructor SIGKILLs it if it is still running.
    sandbox_->signal(SIGTERM);
    sandbox_->wait_for_exit(std::chrono::seconds(5));
    sandbox_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  sandbox_env(const sandbox_env&) = delete;
  sandbox_env& operator=(const sandbox_env&) = delete;

  // The environment every ngsync invocation gets: fake tokens and the scratch database.
  std::string env_prefix() const {
    std::string out;
    for (const auto& [name, value] : ngsync_environment())
      out += name + "=" + shell_quote(*value) + " ";
    return out;
  }
  // The same, for a child_process (a long-running `ngsync run`).
  std::map<std::string, std::optional<std::string>> ngsync_environment() const {
    return {{"NOTION_TOKEN", "secret_sandbox_notion_token"},
            {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
            {"DATABASE_URL", db_.url()}};
  }

  process_result run_ngsync(const std::string& args, const std::string& extra_env = "") const {
    return run_command(env_prefix() + extra_env + " " + ngsync_binary() + " --config " +
                       shell_quote(config_path().string()) + " " + args);
  }

  json::value control_get(const std::string& path) const {
    auto r = run_command("curl -sf " + shell_quote(control_url_ + path));
    REQUIRE_MESSAGE(r.exit_code == 0, "GET " << path << ": " << r.output);
    return json::parse(r.output);
  }
  json::value control_post(const std::string& path, const json::value& body) const {
    const auto file = dir_ / "body.json";
    std::ofstream(file) << json::serialize(body);
    auto r = run_command("curl -sf -X POST -H 'Content-Type: application/json' --data-binary @" +
                         shell_quote(file) + " " + shell_quote(control_url_ + path));
    REQUIRE_MESSAGE(r.exit_code == 0, "POST " << path << ": " << r.output);
    return json::parse(r.output);
  }
  // Acts as a person through the control API.
  json::value act(const std::string& api, const std::string& action, json::object args) const {
    return control_post("/control/act",
                        json::object{{"api", api}, {"action", action}, {"args", args}});
  }

  // GitHub issues of a repository by number, from the sandbox's state.
  std::map<std::int64_t, json::object> issues(const std::string& repo = "acme/roadmap") const {
    std::map<std::int64_t, json::object> out;
    auto s = control_get("/control/state");
    for (const auto& r : s.at("emulators").at("github").at("repos").as_array()) {
      if (r.at("full_name").as_string() != repo) continue;
      for (const auto& i : r.at("issues").as_array()) {
        out[i.at("number").to_number<std::int64_t>()] = i.as_object();
      }
    }
    return out;
  }
  // A Notion page object from the sandbox's state.
  json::object page(const std::string& id) const {
    auto s = control_get("/control/state");
    for (const auto& p : s.at("emulators").at("notion").at("pages").as_array()) {
      if (p.at("id").as_string() == id) return p.as_object();
    }
    FAIL("no page " << id);
    return {};
  }
  // The value of a page property in a simple form (number, string, select name, ...).
  json::value property(const std::string& page_id, const std::string& name) const {
    auto p = page(page_id);
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
  // Calls per endpoint template of one API ("notion" or "github").
  std::map<std::string, std::int64_t> call_counts(const std::string& api) const {
    std::map<std::string, std::int64_t> out;
    auto c = control_get("/control/calls");
    if (auto* a = c.at("counts").as_object().if_contains(api)) {
      for (const auto& [k, v] : a->as_object()) out[std::string(k)] = v.to_number<std::int64_t>();
    }
    return out;
  }
  std::int64_t writes(const std::string& api) const {
    std::int64_t n = 0;
    for (const auto& [k, v] : call_counts(api)) {
      if (k.rfind("GET ", 0) != 0 && k.find("/query") == std::string::npos) n += v;
    }
    return n;
  }

  const std::string& database_url() const { return db_.url(); }
  std::filesystem::path config_path() const { return dir_ / "ngsync.yaml"; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& control_url() const { return control_url_; }
  const std::string& github_url() const { return github_url_; }

  void write_config(const std::string& github_auth = "  token_env: GITHUB_TOKEN\n") const {
    std::ofstream(config_path())
        << "notion:\n  base_url: " << notion_url_
        << "\n  token_env: NOTION_TOKEN\n  rate_limit: {requests_per_second: 200, burst: 50, "
           "max_concurrent: 8}\n"
        << "github:\n  base_url: " << github_url_ << "\n"
        << github_auth << "  rate_limit: {requests_per_second: 200, burst: 50, max_concurrent: 8}\n"
        << "  mutation_spacing: 1ms\n  content_creation_per_minute: 1000\n  "
           "content_creation_per_hour: 100000\n"
        << "http:\n  ca_file: " << ca_file_ << "\n  request_timeout: 5s\n"
        << "database:\n  url_env: DATABASE_URL\n"
        << "queue:\n  backoff_base: 100ms\n  backoff_max: 1s\n  lease: 10s\n"
        << (options_.workers > 0 ? "  workers: " + std::to_string(options_.workers) + "\n" : "")
        << "sync:\n  poll_interval: " << options_.poll_interval << "\n"
        << options_.sync_extra << "  mappings:\n"
        << "    - name: roadmap\n"
        << "      notion: {database_id: c37a2c66-e3aa-4a0d-a447-73de3b80c253}\n"
        << "      github: " << options_.mapping_github << "\n"
        << "      properties:\n        labels: Tags\n        assignees: Assignees\n"
        << "        body: " << (options_.body ? "true" : "false") << "\n"
        << "        issue_number: GitHub Issue Number\n        issue_url: GitHub Issue URL\n"
        << "        sync_status: GitHub Sync Status\n        last_sync_at: Last GitHub Sync At\n"
        << "        sync_error: GitHub Sync Error\n"
        << "      users:\n        ada@example.com: ada-l\n"
        << "        3300a911-6a96-44bb-bd38-6bfb1e01b9f7: grace-h\n"
        << options_.mapping_extra << options_.config_extra;
  }

 private:
  sandbox_env_options options_;
  std::filesystem::path dir_;
  std::string scenario_path_;
  std::unique_ptr<child_process> sandbox_;
  std::string notion_url_, github_url_, control_url_, ca_file_;
  ngsync::storage::testing::scratch_database db_;
};

}  // namespace ngsync::test
