// End to end, what a page shows while its sync is in trouble (issue 19 item 2) and what an idle
// daemon costs (issue 19 item 5): the real `ngsync run` against the real sandbox process.
#include <fstream>
#include <algorithm>
#include <ctime>
#include <map>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready for Dev
const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready for Dev

std::string text_of(const json::value& v) {
  return v.is_string() ? std::string(v.as_string().c_str()) : std::string();
}

// A port nobody listens on right now: `run` serves /metrics, and other daemons on this machine
// may hold the default one.
int free_port() {
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

std::string own_listen(int port = free_port()) {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n";
}

// Notion PATCHes of one page, from the sandbox's call log.
int patches_of(const sandbox_env& env, const std::string& page_id) {
  int n = 0;
  const auto calls = env.control_get("/control/calls");
  for (const auto& c : calls.at("calls").as_array()) {
    if (c.at("api") != "notion" || c.at("method") != "PATCH") continue;
    if (text_of(c.at("target")).find("/v1/pages/" + page_id) != std::string::npos) ++n;
  }
  return n;
}

// Issue creations the fault rule answered 503 (faulted calls are logged, not counted per
// endpoint).
int refused_creates(const sandbox_env& env) {
  int n = 0;
  const auto calls = env.control_get("/control/calls");
  for (const auto& c : calls.at("calls").as_array()) {
    if (c.at("api") == "github" && c.at("method") == "POST" &&
        text_of(c.at("target")) == "/repos/acme/roadmap/issues" && c.at("status") == 503)
      ++n;
  }
  return n;
}

std::unique_ptr<child_process> start_run(const sandbox_env& env) {
  return std::make_unique<child_process>(
      std::vector<std::string>{ngsync_binary(), "--config", env.config_path().string(), "run"},
      std::map<std::string, std::optional<std::string>>{
          {"NOTION_TOKEN", "secret_sandbox_notion_token"},
          {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
          {"DATABASE_URL", env.database_url()}},
      (env.dir() / "run.log").string());
}

template <class F>
bool eventually(F done, std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

void edit_config(const sandbox_env& env, const std::string& from, const std::string& to) {
  auto text = read_file(env.config_path());
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(env.config_path()) << text;
}

}  // namespace

TEST_CASE("ngsync run: while GitHub answers 503 every page to create shows Pending and why, once") {
  const int port = free_port();
  sandbox_env env({.config_extra = own_listen(port)});
  // Retries every second or so, and enough of them that the jobs stay alive for the test.
  edit_config(env, "  backoff_max: 1s\n",
              "  backoff_base: 500ms\n  backoff_max: 1s\n  max_attempts: 1000\n");
  edit_config(env, "  backoff_base: 100ms\n", "");
  REQUIRE(env.run_ngsync("migrate").exit_code == 0);
  const auto issues_before = env.issues().size();  // the scenario has issues of its own
  env.control_post("/control/faults",
                   json::object{{"rules", json::array{json::object{
                                              {"api", "github"},
                                              {"method", "POST"},
                                              {"path_prefix", "/repos/acme/roadmap/issues"},
                                              {"error_rate", 1.0},
                                              {"error_status", 503}}}}});
  auto daemon = start_run(env);
  const std::vector<std::string> to_create = {login_page, runbook_page};
  auto all_pending = [&] {
    for (const auto& p : to_create) {
      if (text_of(env.property(p, "GitHub Sync Status")) != "Pending") return false;
      if (text_of(env.property(p, "GitHub Sync Error")).rfind("GitHub answered 503; retrying at ",
                                                             0) != 0)
        return false;
    }
    return true;
  };
  REQUIRE_MESSAGE(eventually(all_pending, 60s), daemon->log());
  CHECK(text_of(env.property(login_page, "GitHub Sync Error")).ends_with(" UTC"));

  // Several more retries with the same cause: no further write on the pages.
  const auto refused_seen = refused_creates(env);
  CHECK(refused_seen >= 2);
  CHECK(eventually([&] { return refused_creates(env) >= refused_seen + 6; }, 60s));
  MESSAGE("creates refused with 503 so far: ", refused_creates(env));
  for (const auto& p : to_create) {
    CHECK_MESSAGE(patches_of(env, p) == 1, p);
  }
  CHECK(env.issues().size() == issues_before);
  // Failures, not rate limits: nothing counts as held past the horizon.
  const auto metrics =
      run_command("curl -sf http://127.0.0.1:" + std::to_string(port) + "/metrics").output;
  CHECK_MESSAGE(metrics.find("\nngsync_jobs_throttled_past_horizon 0\n") != std::string::npos,
                metrics);
  const auto status = env.run_ngsync("status --json");
  REQUIRE_MESSAGE(status.exit_code == 0, status.output);
  CHECK(json::parse(status.output).at("queue").at("throttled_past_horizon") == 0);
  CHECK(env.run_ngsync("status").output.find("throttled past the horizon (60 min): 0 job(s)") !=
        std::string::npos);
  {
    pqxx::connection c(env.database_url());
    pqxx::read_transaction t(c);
    CHECK(t.exec("SELECT count(*) FROM page_notices")[0][0].as<int>() == 2);
  }

  // GitHub answers again: Success, and the error is gone (from the page and the notice table).
  env.control_post("/control/faults", json::object{{"rules", json::array{}}});
  auto all_success = [&] {
    for (const auto& p : to_create) {
      if (text_of(env.property(p, "GitHub Sync Status")) != "Success") return false;
      if (!text_of(env.property(p, "GitHub Sync Error")).empty()) return false;
    }
    return true;
  };
  CHECK_MESSAGE(eventually(all_success, 60s), daemon->log());
  CHECK(env.issues().size() == issues_before + 2);
  {
    pqxx::connection c(env.database_url());
    pqxx::read_transaction t(c);
    CHECK(t.exec("SELECT count(*) FROM page_notices")[0][0].as<int>() == 0);
  }
  daemon->signal(SIGTERM);
  CHECK(daemon->wait_for_exit(30s) == 0);
}

TEST_CASE("ngsync run: an idle workspace with pages in close statuses costs only the polls' queries") {
  // small.json plus pages that sit in a close status and never got an issue (issue 19 item 5).
  auto scenario = json::parse(read_file(std::string(NGSYNC_SOURCE_DIR) +
                                        "/tests/daemon/scenarios/small.json"));
  auto& pages = scenario.at("notion").at("pages").as_array();
  const auto source = pages.at(0).at("data_source_id");
  int i = 0;
  for (const char* status : {"Complete", "Won't do", "Complete", "Won't do"}) {
    ++i;
    pages.push_back(json::object{
        {"id", "a1000000-0000-4000-8000-0000000000c" + std::to_string(i)},
        {"data_source_id", source},
        {"properties", json::object{{"Name", "Closed without an issue " + std::to_string(i)},
                                    {"Status", status}}},
        {"markdown", "Done long ago."}});
  }
  const auto scenario_path = std::filesystem::temp_directory_path() /
                             ("ngsync-idle-" + std::to_string(::getpid()) + ".json");
  std::ofstream(scenario_path) << json::serialize(scenario);
  sandbox_env env({.scenario_file = scenario_path.string(), .config_extra = own_listen()});
  std::filesystem::remove(scenario_path);
  const auto issues_before = env.issues().size();
  auto first = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  REQUIRE(env.issues().size() == issues_before + 2);  // the two Ready pages; none for the closed

  auto daemon = start_run(env);  // poll_interval 1s
  // Past the first polls of the new process, then a quiet window.
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        return daemon->log().find("enqueued=") != std::string::npos;
                      },
                      30s),
                  daemon->log());
  // Notion's edit times have minute granularity, so a linked page is looked at once more after
  // the minute of its last write-back closed (poller.cpp, settled()). The quiet window starts
  // after that look: from then on nothing but the polls' queries may cost a call.
  std::string newest_edit;
  const auto state = env.control_get("/control/state");
  for (const auto& p : state.at("emulators").at("notion").at("pages").as_array()) {
    newest_edit = std::max(newest_edit, text_of(p.at("last_edited_time")));
  }
  REQUIRE(newest_edit.size() >= 16);
  std::tm tm{};
  REQUIRE(::strptime(newest_edit.substr(0, 16).c_str(), "%Y-%m-%dT%H:%M", &tm));
  const auto minute_closed = std::chrono::system_clock::from_time_t(::timegm(&tm)) + 60s;
  std::this_thread::sleep_until(minute_closed + 4s);
  const auto notion_before = env.call_counts("notion");
  const auto github_before = env.call_counts("github");
  std::this_thread::sleep_for(6s);
  const auto notion_after = env.call_counts("notion");
  const auto github_after = env.call_counts("github");
  daemon->signal(SIGTERM);
  CHECK(daemon->wait_for_exit(30s) == 0);

  std::map<std::string, std::int64_t> notion_delta;
  for (const auto& [k, v] : notion_after) {
    const auto before = notion_before.count(k) ? notion_before.at(k) : 0;
    if (v != before) notion_delta[k] = v - before;
  }
  std::string seen;
  for (const auto& [k, v] : notion_delta) seen += k + "=" + std::to_string(v) + " ";
  MESSAGE("notion calls in 6 s of quiet: ", seen);
  std::string polls;
  {
    std::istringstream lines(daemon->log());
    for (std::string l; std::getline(lines, l);)
      if (l.find("enqueued=") != std::string::npos || l.find("page=") != std::string::npos)
        polls += l + "\n";
  }
  REQUIRE_MESSAGE(notion_delta.size() == 1, seen << "\n" << polls.substr(0, 6000));
  const auto queries = notion_delta.at("POST /v1/data_sources/{id}/query");
  // Two queries per poll (live pages and the trash), a poll a second (a window may cut a poll).
  CHECK(queries >= 2);
  CHECK(queries <= 16);
  CHECK(notion_delta.count("GET /v1/pages/{id}/markdown") == 0);
  CHECK(notion_delta.count("GET /v1/pages/{id}") == 0);
  CHECK(github_after == github_before);
}
