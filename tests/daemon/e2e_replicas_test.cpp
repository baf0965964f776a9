// Several replicas on one database (issue 10): three real `ngsync run` processes share one
// Postgres and one sandbox whose Notion limit admits only one replica's configured rate. They
// create every issue exactly once without a limit violation, exactly one of them polls, and
// SIGKILL of that one hands polling to another within a lease period.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string data_source = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
constexpr int extra_pages = 18;

// small.json plus `extra_pages` pages meant for GitHub, with Notion's limit enforced at 10/s.
std::string write_scenario(const fs::path& dir) {
  auto s =
      json::parse(read_file(std::string(NGSYNC_SOURCE_DIR) + "/tests/daemon/scenarios/small.json"))
          .as_object();
  auto& notion = s["notion"].as_object();
  notion["rate_limit"] =
      json::object{{"enabled", true}, {"requests_per_second", 10}, {"burst", 10}};
  auto& pages = notion["pages"].as_array();
  for (int i = 0; i < extra_pages; ++i) {
    pages.push_back(
        json::object{{"id", fmt::format("b2000000-0000-4000-8000-{:012d}", i + 1)},
                     {"data_source_id", data_source},
                     {"properties", json::object{{"Name", fmt::format("Replica task {}", i + 1)},
                                                 {"Status", "Ready for Dev"},
                                                 {"Tags", json::array{"feature"}}}}});
  }
  fs::create_directories(dir);
  const auto path = dir / "replicas.json";
  std::ofstream(path) << json::serialize(s);
  return path.string();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
}

// page id -> issues carrying its marker.
std::map<std::string, int> markers(const sandbox_env& env) {
  std::map<std::string, int> out;
  const std::regex re("Notion-Page-ID: ([0-9a-f-]+)");
  for (const auto& [n, issue] : env.issues()) {
    const auto* body = issue.if_contains("body");
    if (!body || !body->is_string()) continue;
    const std::string text = body->as_string().c_str();
    std::smatch m;
    if (std::regex_search(text, m, re)) ++out[m[1]];
  }
  return out;
}

std::string poll_leader(const std::string& db_url) {
  pqxx::connection c(db_url);
  pqxx::read_transaction t(c);
  auto r = t.exec_params("SELECT holder FROM leader_leases WHERE name = $1 AND expires_at >= now()",
                         "poll:" + data_source);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

template <class F>
bool wait_until(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace

TEST_CASE(
    "three ngsync run replicas: one budget, no duplicates, no violations, leader fails over") {
  const auto scenario_dir =
      fs::temp_directory_path() / ("ngsync-replicas-" + std::to_string(::getpid()));
  sandbox_env_options o;
  o.scenario_file = write_scenario(scenario_dir);
  o.body = false;
  sandbox_env env(o);

  // Each replica alone may send Notion 8 req/s (the sandbox admits 10): three local budgets
  // would send 24/s, so only the shared budget keeps them under the limit.
  auto config = read_file(env.config_path());
  replace_once(config, "rate_limit: {requests_per_second: 200, burst: 50, max_concurrent: 8}",
               "rate_limit: {requests_per_second: 8, burst: 4, max_concurrent: 4}");
  replace_once(config, "  poll_interval: 1s\n",
               "  poll_interval: 1s\n  leader_lease: 3s\n  shared_rate_budget: true\n");
  config += "server:\n  listen: 127.0.0.1:0\n";
  std::ofstream(env.config_path()) << config;
  REQUIRE(env.run_ngsync("migrate").exit_code == 0);

  const std::map<std::string, std::optional<std::string>> vars = {
      {"NOTION_TOKEN", "secret_sandbox_notion_token"},
      {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
      {"DATABASE_URL", env.database_url()}};
  std::vector<std::unique_ptr<child_process>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(std::make_unique<child_process>(
        std::vector<std::string>{ngsync_binary(), "--config", env.config_path().string(), "run"},
        vars, (env.dir() / ("replica-" + std::to_string(i) + ".log")).string()));
  }
  auto logs = [&] {
    std::string all;
    for (std::size_t i = 0; i < replicas.size(); ++i)
      all += "--- replica " + std::to_string(i) + "\n" + replicas[i]->log();
    return all;
  };

  const auto started = std::chrono::steady_clock::now();
  const std::size_t expected = extra_pages + 2;  // small.json has two pages Ready for Dev
  const bool synced =
      wait_until([&] { return markers(env).size() >= expected; }, std::chrono::seconds(40));
  const double sync_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE_MESSAGE(synced, logs());
  MESSAGE("three replicas synced " << expected << " pages in " << sync_seconds << " s");

  // Exactly one replica holds the poll lease; the others never polled.
  const std::string leader = poll_leader(env.database_url());
  REQUIRE_FALSE(leader.empty());
  int leader_index = -1;
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    const std::string pid = ":" + std::to_string(replicas[i]->pid()) + ":";
    if (leader.find(pid) != std::string::npos) leader_index = static_cast<int>(i);
  }
  REQUIRE_MESSAGE(leader_index >= 0, leader);
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    const auto log = replicas[i]->log();
    const bool acquired = log.find("lease=poll:" + data_source + " acquired") != std::string::npos;
    CHECK_MESSAGE(acquired == (static_cast<int>(i) == leader_index), log);
  }

  // SIGKILL the leader: it cannot release its lease, so another takes over once it expires.
  replicas[leader_index]->signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(replicas[leader_index]->wait_for_exit(std::chrono::seconds(5)));
  std::string next;
  const bool taken = wait_until(
      [&] {
        next = poll_leader(env.database_url());
        return !next.empty() && next != leader;
      },
      std::chrono::seconds(8));
  const double failover =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  REQUIRE_MESSAGE(taken, logs());
  MESSAGE("poll lease handed over in " << failover << " s (lease 3 s)");
  CHECK(failover <= 3.0 + 1.0 + 0.5);  // the lease, one renewal tick, slack

  // The new leader polls: a page created now gets its issue.
  env.act(
      "notion", "create_page",
      {{"id", "c3000000-0000-4000-8000-000000000001"},
       {"data_source_id", data_source},
       {"properties", json::object{{"Name", "After the failover"}, {"Status", "Ready for Dev"}}}});
  CHECK_MESSAGE(
      wait_until([&] { return markers(env).size() >= expected + 1; }, std::chrono::seconds(12)),
      logs());

  // Zero duplicates, zero limit violations, and the budget held: no 429 from Notion at all.
  for (const auto& [page, count] : markers(env)) CHECK_MESSAGE(count == 1, page);
  auto violations = env.control_get("/control/violations");
  CHECK_MESSAGE(violations.at("violations").as_array().empty(), json::serialize(violations));
  {
    pqxx::connection c(env.database_url());
    pqxx::read_transaction t(c);
    const auto throttled =
        t.exec1("SELECT count(*) FROM api_audit WHERE status = 429")[0].as<long>();
    const auto calls = t.exec1("SELECT count(*) FROM api_audit WHERE api = 'notion'")[0].as<long>();
    MESSAGE("notion calls=" << calls << " responses 429=" << throttled);
    CHECK(throttled == 0);
  }
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    if (static_cast<int>(i) == leader_index) continue;
    replicas[i]->signal(SIGTERM);
    CHECK(replicas[i]->wait_for_exit(std::chrono::seconds(15)) == 0);
  }
  std::error_code ec;
  fs::remove_all(scenario_dir, ec);
}
