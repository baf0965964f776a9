// Operations: the real binaries as an operator runs them. sd_notify messages through a test
// NOTIFY_SOCKET, a live /metrics through promtool, the systemd unit through systemd-analyze,
// `setup-notion --apply` against the sandbox, and the Docker entrypoint outside Docker.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/process.hpp"
#include "tests/daemon/support/sandbox_run.hpp"
#include "tests/skip.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::test;
using ngsync::storage::testing::scratch_database;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string source_dir = NGSYNC_SOURCE_DIR;
const std::string small_scenario = source_dir + "/tests/daemon/scenarios/small.json";
const std::string notion_token = "secret_sandbox_notion_token";
const std::string github_token = "ghp_sandboxtokenforngsync0001";

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A config for the small scenario: the data source, acme/roadmap, the write-back properties.
fs::path write_config(const sandbox_run& sb, const std::string& extra_properties = "") {
  const auto path = sb.dir() / "ngsync.yaml";
  std::ofstream(path) << "notion:\n  base_url: " << sb.notion_url()
                      << "\n  token_env: T_NOTION_TOKEN\ngithub:\n  base_url: " << sb.github_url()
                      << "\n  token_env: T_GITHUB_TOKEN\n  mutation_spacing: 10ms\n"
                      << "http:\n  ca_file: " << sb.ca_file()
                      << "\ndatabase:\n  url_env: T_DATABASE_URL\n"
                      << "server:\n  listen: 127.0.0.1:0\n"
                      << "sync:\n  poll_interval: 1s\n  mappings:\n    - name: roadmap\n"
                      << "      notion: {data_source_id: 4f93db51-4e1d-4015-b07f-876e34c3b0b1}\n"
                      << "      github: {repository: acme/roadmap}\n"
                      << "      properties:\n        labels: Tags\n        assignees: Assignees\n"
                      << "        issue_number: GitHub Issue Number\n"
                      << "        issue_url: GitHub Issue URL\n"
                      << "        sync_status: GitHub Sync Status\n"
                      << "        last_sync_at: Last GitHub Sync At\n"
                      << "        sync_error: GitHub Sync Error\n"
                      << extra_properties;
  return path;
}

// Receives sd_notify datagrams on a unix socket the test binds (what systemd does).
class notify_socket {
 public:
  explicit notify_socket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.string().size() < sizeof(addr.sun_path));
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  }
  ~notify_socket() { ::close(fd_); }

  // Collects messages until one contains `wanted` or the timeout passes.
  bool wait_for(const std::string& wanted, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (const auto& m : messages_)
        if (m.find(wanted) != std::string::npos) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) messages_.emplace_back(buf, static_cast<std::size_t>(n));
    }
  }
  std::size_t index_of(const std::string& wanted) const {
    for (std::size_t i = 0; i < messages_.size(); ++i)
      if (messages_[i].find(wanted) != std::string::npos) return i;
    return messages_.size();
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  fs::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

// The port `ngsync run` logged it listens on ("listening on http://127.0.0.1:PORT").
std::string listening_port(child_process& p, std::chrono::milliseconds timeout) {
  const std::regex re("listening on http://127\\.0\\.0\\.1:(\\d+)");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && p.running()) {
    std::smatch m;
    const auto log = p.log();
    if (std::regex_search(log, m, re)) return m[1];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

bool have_tool(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null").exit_code == 0;
}

}  // namespace

TEST_CASE(
    "ngsync run: READY=1 after listening, WATCHDOG=1, live /metrics passes promtool, "
    "STOPPING=1 and exit 0 on SIGTERM") {
  sandbox_run sb(small_scenario);
  scratch_database db;
  const auto config = write_config(sb);
  {  // GitHub webhooks on, so their counters are exported too
    auto text = read_file(config);
    const std::string listen = "  listen: 127.0.0.1:0\n";
    text.replace(text.find(listen), listen.size(),
                 listen + "  github_webhook_secret_env: T_HOOK_SECRET\n");
    std::ofstream(config) << text;
  }
  notify_socket notify(sb.dir() / "notify.sock");
  child_process daemon({ngsync_binary(), "--config", config.string(), "run"},
                       {{"T_NOTION_TOKEN", notion_token},
                        {"T_GITHUB_TOKEN", github_token},
                        {"T_HOOK_SECRET", "metrics-test-hook-secret"},
                        {"T_DATABASE_URL", db.url()},
                        {"NOTIFY_SOCKET", (sb.dir() / "notify.sock").string()},
                        {"WATCHDOG_USEC", "30000000"}},
                       (sb.dir() / "ngsync.log").string());

  REQUIRE_MESSAGE(notify.wait_for("READY=1", std::chrono::seconds(30)), daemon.log());
  // READY means migrations have run and the server listens: /healthz answers right away.
  const auto port = listening_port(daemon, std::chrono::seconds(5));
  REQUIRE_MESSAGE(!port.empty(), daemon.log());
  const auto base = "http://127.0.0.1:" + port;
  auto health = run_command("curl -fsS " + base + "/healthz");
  CHECK_MESSAGE(health.exit_code == 0, health.output << daemon.log());
  CHECK(health.output.find("\"ok\"") != std::string::npos);
  {
    pqxx::connection c(db.url());
    pqxx::read_transaction t(c);
    CHECK(t.exec1("SELECT count(*) FROM schema_migrations")[0].as<long>() > 0);
  }
  CHECK(notify.wait_for("WATCHDOG=1", std::chrono::seconds(5)));
  // Under systemd (NOTIFY_SOCKET set) libsystemd is loaded for sd_notify; the e2e daemons, run
  // without it, never map it (checked in e2e_twoway_test).
  CHECK(read_file("/proc/" + std::to_string(daemon.pid()) + "/maps").find("libsystemd") !=
        std::string::npos);
  // No core file can carry its tokens, whatever the environment's limit.
  const auto limits = read_file("/proc/" + std::to_string(daemon.pid()) + "/limits");
  CHECK_MESSAGE(std::regex_search(limits, std::regex(R"(Max core file size\s+0\s+0\s)")), limits);
  // Probes and scrapes in a burst read Postgres at most once a second, not once per request.
  auto reads_of = [&base]() {
    auto m = run_command("curl -fsS " + base + "/metrics");
    std::smatch found;
    REQUIRE(std::regex_search(m.output, found,
                              std::regex(R"(\nngsync_probe_database_reads_total (\d+))")));
    return std::stol(found[1]);
  };
  const auto reads_before = reads_of();
  const auto burst_start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    run_command("curl -fsS -o /dev/null " + base + (i % 2 ? "/readyz" : "/metrics"));
  }
  const auto burst_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now() - burst_start)
                                 .count();
  const auto reads_after = reads_of();
  CHECK_MESSAGE(reads_after - reads_before <= burst_seconds + 2,
                "reads " << reads_after - reads_before << " in " << burst_seconds << " s");
  // One unsigned delivery: refused (401) and counted as such.
  auto unsigned_hook = run_command(
      "curl -s -o /dev/null -w '%{http_code}' -X POST -H "
      "'X-GitHub-Event: issues' -d '{}' " +
      base + "/webhooks/github");
  CHECK(unsigned_hook.output == "401");
  CHECK(notify.index_of("READY=1") < notify.messages().size());

  // Let the first poll and its jobs run, so the counters are not all zero.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = run_command("curl -fsS " + base + "/metrics");
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    metrics = r.output;
    if (metrics.find("ngsync_issues_total{action=\"created\"} 2") != std::string::npos &&
        metrics.find("ngsync_sync_latency_seconds_count 2") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  CHECK_MESSAGE(metrics.find("ngsync_issues_total{action=\"created\"} 2") != std::string::npos,
                metrics);
  for (const char* name :
       {"ngsync_jobs_total", "ngsync_queue_jobs", "ngsync_seconds_since_last_poll",
        "ngsync_rate_limit_pauses_total", "ngsync_rate_limit_tokens", "ngsync_api_requests_total",
        "ngsync_api_request_duration_seconds", "ngsync_sync_latency_seconds",
        "ngsync_poll_duration_seconds", "ngsync_poll_pages", "ngsync_pages_in_error",
        "ngsync_webhooks_total", "ngsync_backlog_jobs", "ngsync_backlog_eta_seconds"}) {
    CHECK_MESSAGE(metrics.find(std::string("# TYPE ") + name) != std::string::npos, name);
  }
  // The values follow what happened: two issues created (201 writes to GitHub), two pages synced
  // with a latency recorded, one refused webhook, no page in error.
  const auto value_of = [&metrics](const std::string& series) {
    const auto at = metrics.find("\n" + series + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + series.size() + 2));
  };
  CHECK_MESSAGE(value_of("ngsync_api_requests_total{api=\"github\",method_class=\"write\","
                         "status=\"201\"}") == 2.0,
                metrics);
  CHECK(value_of("ngsync_sync_latency_seconds_count") >= 2.0);
  CHECK(value_of("ngsync_webhooks_total{source=\"github\",result=\"refused\"}") == 1.0);
  CHECK(value_of("ngsync_pages_in_error") == 0.0);
  if (have_tool("promtool")) {
    const auto file = sb.dir() / "metrics.txt";
    std::ofstream(file) << metrics;
    auto check = run_command("promtool check metrics < " + file.string());
    CHECK_MESSAGE(check.exit_code == 0, check.output);
    CHECK_MESSAGE(check.output.empty(), check.output);
    // promtool is strict enough to fail on a broken exposition (guards the check itself).
    std::ofstream(sb.dir() / "broken.txt") << "# TYPE ngsync_x counter\nngsync_x{a=\"1\" 1\n";
    CHECK(run_command("promtool check metrics < " + (sb.dir() / "broken.txt").string()).exit_code !=
          0);
  } else {
    ngsync::testing::skip(
        "promtool not installed (Debian package prometheus): metrics format not linted");
  }

  daemon.signal(SIGTERM);
  CHECK_MESSAGE(notify.wait_for("STOPPING=1", std::chrono::seconds(10)), daemon.log());
  const auto code = daemon.wait_for_exit(std::chrono::seconds(20));
  REQUIRE_MESSAGE(code.has_value(), daemon.log());
  CHECK_MESSAGE(*code == 0, daemon.log());
  CHECK(notify.index_of("READY=1") < notify.index_of("STOPPING=1"));
  CHECK(daemon.log().find(notion_token) == std::string::npos);
}

TEST_CASE("deploy/systemd/ngsync.service passes systemd-analyze verify and is hardened") {
  const auto unit = read_file(source_dir + "/deploy/systemd/ngsync.service");
  REQUIRE(!unit.empty());
  for (const char* line : {"Type=notify", "WatchdogSec=", "Restart=on-failure", "EnvironmentFile=",
                           "DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=yes",
                           "PrivateTmp=yes", "NoNewPrivileges=yes", "\nCapabilityBoundingSet=\n",
                           "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "\nLimitCORE=0\n"}) {
    CHECK_MESSAGE(unit.find(line) != std::string::npos, line);
  }
  if (!have_tool("systemd-analyze")) {
    ngsync::testing::skip("systemd-analyze is not installed (Debian package systemd)");
    return;
  }
  // verify needs the ExecStart binary to exist: point it at the one just built.
  const auto dir = fs::temp_directory_path() / "ngsync-ops-unit";
  fs::create_directories(dir);
  auto text = unit;
  const std::string from = "/usr/local/bin/ngsync";
  text.replace(text.find(from), from.size(), ngsync_binary());
  std::ofstream(dir / "ngsync.service") << text;
  auto r = run_command("systemd-analyze verify " + (dir / "ngsync.service").string());
  if (r.output.find("Failed to connect") != std::string::npos ||
      r.output.find("System has not been booted with systemd") != std::string::npos) {
    ngsync::testing::skip("systemd-analyze cannot run in this container: " + r.output);
    return;
  }
  CHECK_MESSAGE(r.exit_code == 0, r.output);
  // Unknown or misspelt settings are only warnings (exit 0): the output must be empty too.
  CHECK_MESSAGE(r.output.empty(), r.output);
  // And the check can fail: a bad setting is reported.
  auto bad = text;
  bad.replace(bad.find("Type=notify"), 11, "Type=notifyy");
  std::ofstream(dir / "ngsync.service") << bad;
  auto r2 = run_command("systemd-analyze verify " + (dir / "ngsync.service").string());
  CHECK(r2.output.find("notifyy") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("setup-notion reports what is missing; --apply adds it and keeps existing options") {
  // A data source set up by hand: no number/url/error properties, a sync-status select with a
  // team's own option (used by a page), and a date property typed as text by mistake.
  const auto scenario = fs::temp_directory_path() / "ngsync-ops-setup-notion.json";
  std::ofstream(scenario) << R"({"notion": {
    "tokens": ["secret_sandbox_notion_token"],
    "rate_limit": {"enabled": false},
    "users": [{"id": "2200a911-6a96-44bb-bd38-6bfb1e01b9f6", "name": "Ada", "email": "ada@example.com"}],
    "databases": [{"id": "c37a2c66-e3aa-4a0d-a447-73de3b80c253", "title": "Roadmap",
      "data_sources": [{"id": "4f93db51-4e1d-4015-b07f-876e34c3b0b1", "name": "Roadmap",
        "properties": {
          "Name": "title",
          "Status": {"type": "status", "options": ["Backlog", "Ready for Dev", "In Progress", "Complete", "Won't do"]},
          "Tags": {"type": "multi_select", "options": ["bug"]},
          "Assignees": "people",
          "GitHub Sync Status": {"type": "select", "options": ["Pending", "Blocked"]},
          "Last GitHub Sync At": "rich_text"}}]}],
    "pages": [{"id": "a1000000-0000-4000-8000-000000000001",
               "data_source_id": "4f93db51-4e1d-4015-b07f-876e34c3b0b1",
               "properties": {"Name": "Fix login", "Status": "Backlog", "GitHub Sync Status": "Blocked"}}]}})";
  sandbox_run sb(scenario.string());
  const auto config = write_config(sb);
  // Only the Notion token is needed: GitHub and database variables are deliberately unset.
  const auto cmd = "env -u T_GITHUB_TOKEN -u T_DATABASE_URL T_NOTION_TOKEN=" + notion_token + " " +
                   ngsync_binary() + " --config " + config.string() + " setup-notion";
  const std::string ds = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
  auto schema_of = [&] {
    return sb.state()
        .at("emulators")
        .at("notion")
        .at("data_sources")
        .at(ds)
        .at("properties")
        .as_object();
  };
  auto options_of = [](const json::object& props, const char* name) {
    std::map<std::string, std::string> out;  // name -> id
    for (const auto& o : props.at(name).at("select").at("options").as_array())
      out[o.at("name").as_string().c_str()] = o.at("id").as_string().c_str();
    return out;
  };
  const auto before = schema_of();
  const auto options_before = options_of(before, "GitHub Sync Status");

  auto check = run_command(cmd);
  CHECK(check.exit_code == 1);
  CHECK_MESSAGE(check.output.find("missing  GitHub Issue Number") != std::string::npos,
                check.output);
  CHECK(check.output.find("missing  GitHub Issue URL") != std::string::npos);
  CHECK(check.output.find("missing  GitHub Sync Error") != std::string::npos);
  CHECK(check.output.find("options  GitHub Sync Status") != std::string::npos);
  CHECK(check.output.find("lacks options Success, Error") != std::string::npos);
  CHECK(check.output.find("type     Last GitHub Sync At") != std::string::npos);
  CHECK(check.output.find("--apply") != std::string::npos);
  CHECK(schema_of() == before);  // checking changes nothing

  auto apply = run_command(cmd + " --apply");
  CHECK_MESSAGE(apply.exit_code == 1, apply.output);  // the mistyped property is left to a person
  CHECK(apply.output.find("after --apply: 1 problem(s)") != std::string::npos);
  const auto after = schema_of();
  CHECK(after.at("GitHub Issue Number").at("type") == "number");
  CHECK(after.at("GitHub Issue URL").at("type") == "url");
  CHECK(after.at("GitHub Sync Error").at("type") == "rich_text");
  CHECK(after.at("Last GitHub Sync At").at("type") == "rich_text");  // never retyped
  const auto options_after = options_of(after, "GitHub Sync Status");
  CHECK(options_after.size() == 4);
  for (const auto& [name, id] : options_before) {
    CAPTURE(name);
    REQUIRE(options_after.count(name) == 1);
    CHECK(options_after.at(name) == id);  // same option, not a look-alike
  }
  CHECK(options_after.count("Success") == 1);
  CHECK(options_after.count("Error") == 1);
  // The page that used the team's own option still has it (dropping it would have cleared it).
  const auto page = sb.state().at("emulators").at("notion").at("pages").as_array().at(0);
  CHECK(page.at("properties").at("GitHub Sync Status").at("select").at("name") == "Blocked");
  // Everything else the schema had is untouched.
  for (const auto& [name, prop] : before) {
    CAPTURE(std::string(name));
    if (name != "GitHub Sync Status") CHECK(after.at(name) == prop);
  }

  // A second --apply has nothing left to add.
  auto again = run_command(cmd + " --apply");
  CHECK(again.output.find("applying") == std::string::npos);
  CHECK(schema_of() == after);
  CHECK(again.output.find(notion_token) == std::string::npos);

  // Without the Notion token it refuses, naming the variable.
  auto no_token = run_command("env -u T_NOTION_TOKEN " + ngsync_binary() + " --config " +
                              config.string() + " setup-notion");
  CHECK(no_token.exit_code == 2);
  CHECK(no_token.output.find("T_NOTION_TOKEN") != std::string::npos);
  fs::remove(scenario);
}

TEST_CASE("setup-notion on a complete schema (the quickstart workspace) changes nothing") {
  sandbox_run sb(source_dir + "/deploy/quickstart/workspace.json");
  const auto config = write_config(sb);
  auto r = run_command("T_NOTION_TOKEN=secret_quickstart_notion_token " + ngsync_binary() +
                       " --config " + config.string() + " setup-notion --apply");
  CHECK_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("applying") == std::string::npos);
  CHECK(r.output.find("0 problem(s)") != std::string::npos);
}

TEST_CASE("the Docker entrypoint: secrets from *_FILE, config from the mounted path, exec ngsync") {
  const auto dir = fs::temp_directory_path() / "ngsync-ops-entrypoint";
  fs::create_directories(dir);
  const auto entrypoint = source_dir + "/deploy/docker/entrypoint.sh";
  std::ofstream(dir / "ngsync.yaml") << "notion: {token_env: NOTION_TOKEN}\n"
                                     << "github: {token_env: GITHUB_TOKEN}\n"
                                     << "database: {url_env: DATABASE_URL}\n"
                                     << "sync:\n  mappings:\n    - name: eng\n"
                                     << "      notion: {data_source_id: "
                                        "1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6}\n"
                                     << "      github: {repository: acme/roadmap}\n";
  std::ofstream(dir / "notion_token") << "secret_fromafile0123456789\n";
  std::ofstream(dir / "github_token") << "ghp_fromafile0123456789abc";
  const auto base = "env -i PATH=/usr/bin:/bin NGSYNC_BIN=" + ngsync_binary() +
                    " NGSYNC_CONFIG=" + (dir / "ngsync.yaml").string() +
                    " NOTION_TOKEN_FILE=" + (dir / "notion_token").string() +
                    " GITHUB_TOKEN_FILE=" + (dir / "github_token").string();

  // Secrets from files plus one from the environment: the config is complete.
  auto ok =
      run_command(base + " DATABASE_URL=postgresql://x@h/db sh " + entrypoint + " check-config");
  CHECK_MESSAGE(ok.exit_code == 0, ok.output);
  CHECK(ok.output.find("secret_fromafile") == std::string::npos);
  CHECK(ok.output.find("ghp_fromafile") == std::string::npos);
  // Without the database secret ngsync itself reports it (the entrypoint passed everything on).
  auto missing = run_command(base + " sh " + entrypoint + " check-config");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("DATABASE_URL") != std::string::npos);
  // A *_FILE that cannot be read stops the container with a clear message.
  auto unreadable =
      run_command(base + " DATABASE_URL_FILE=/nonexistent/db sh " + entrypoint + " check-config");
  CHECK(unreadable.exit_code == 2);
  CHECK(unreadable.output.find("DATABASE_URL_FILE=/nonexistent/db is not a readable file") !=
        std::string::npos);
  // No config mounted.
  auto no_config = run_command("env -i PATH=/usr/bin:/bin NGSYNC_BIN=" + ngsync_binary() +
                               " NGSYNC_CONFIG=/nonexistent/ngsync.yaml sh " + entrypoint);
  CHECK(no_config.exit_code == 2);
  CHECK(no_config.output.find("no config at /nonexistent/ngsync.yaml") != std::string::npos);
  // Arguments reach ngsync; the default is `run`.
  auto version = run_command(base + " sh " + entrypoint + " version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.find("ngsync ") == 0);

  // The image's paths agree with the repository: what COPY takes exists, and the entrypoint,
  // health check and config path the Dockerfile names are the ones used above.
  const auto dockerfile = read_file(source_dir + "/deploy/docker/Dockerfile");
  for (const char* path : {"deploy/docker/entrypoint.sh", "deploy/config/ngsync.example.yaml"}) {
    CHECK_MESSAGE(dockerfile.find(std::string("COPY ") + path) != std::string::npos, path);
    CHECK_MESSAGE(fs::exists(source_dir + "/" + path), path);
  }
  CHECK(dockerfile.find("ENTRYPOINT [\"/usr/local/bin/ngsync-entrypoint\"]") != std::string::npos);
  CHECK(dockerfile.find("/usr/local/bin/ngsync-entrypoint") != std::string::npos);
  CHECK(dockerfile.find("NGSYNC_CONFIG=/etc/ngsync/ngsync.yaml") != std::string::npos);
  CHECK(dockerfile.find("HEALTHCHECK") != std::string::npos);
  CHECK(dockerfile.find("/healthz") != std::string::npos);
  CHECK(dockerfile.find("\nUSER 10001") != std::string::npos);
  const auto compose = read_file(source_dir + "/deploy/docker/compose.yaml");
  CHECK(compose.find("image: postgres:15") != std::string::npos);
  CHECK(compose.find("condition: service_healthy") != std::string::npos);
  CHECK(compose.find("/etc/ngsync/ngsync.yaml:ro") != std::string::npos);
  fs::remove_all(dir);
}
