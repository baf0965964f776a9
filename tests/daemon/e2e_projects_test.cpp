// End to end, issue #8: the real ngsync binary against the sandbox's GraphQL Projects (v2)
// emulator. A created issue lands on the board with its fields set, a status move changes the
// column, an unknown option is an error on the page, and the snapshot comment is edited in place.
// Also: number, date, text and iteration fields; removal when closed; and a running daemon whose
// cached option id went stale (a person renamed the option) re-reads the board and retries.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";  // Ready for Dev

sandbox_env_options board_options(const std::string& field, bool snapshot = false) {
  sandbox_env_options o;
  o.scenario_file = "projects.json";
  o.mapping_extra =
      "      project:\n        owner: acme\n        number: 1\n        fields:\n"
      "          Status: " +
      field + "\n";
  if (snapshot) o.mapping_extra += "      status_snapshot_comment: true\n";
  return o;
}

// The board's items from the sandbox's state.
json::array board_items(const sandbox_env& env) {
  auto s = env.control_get("/control/state");
  for (const auto& p : s.at("emulators").at("github").at("projects").as_array()) {
    if (p.at("number").as_int64() == 1) return p.at("items").as_array();
  }
  FAIL("no project 1 in the sandbox");
  return {};
}

std::string item_value(const json::array& items, std::int64_t issue, const std::string& field) {
  const std::string key = "acme/roadmap#" + std::to_string(issue);
  for (const auto& it : items) {
    if (it.at("issue").as_string() != key) continue;
    const auto& values = it.at("values").as_object();
    auto* v = values.if_contains(field);
    if (!v) return "";
    return v->at("name").as_string().c_str();
  }
  return "<not on the board>";
}

// The item of `issue` on the board, or nullopt when it is not on the board.
std::optional<json::object> item_of(const json::array& items, std::int64_t issue) {
  const std::string key = "acme/roadmap#" + std::to_string(issue);
  for (const auto& it : items) {
    if (it.at("issue").as_string() == key) return it.at("values").as_object();
  }
  return std::nullopt;
}

// A mapping with several project fields (Notion property -> field of the same name).
sandbox_env_options fields_options(const std::vector<std::string>& fields,
                                   const std::string& extra = "") {
  sandbox_env_options o;
  o.scenario_file = "projects.json";
  o.mapping_extra =
      "      project:\n        owner: acme\n        number: 1\n" + extra + "        fields:\n";
  for (const auto& f : fields) o.mapping_extra += "          " + f + ": " + f + "\n";
  return o;
}

// A port nobody listens on right now, for the running daemon's health server.
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

std::int64_t issue_number_of(const sandbox_env& env, const std::string& page_id) {
  auto v = env.property(page_id, "GitHub Issue Number");
  REQUIRE_MESSAGE(v.is_number(), "page has no issue number");
  return v.to_number<std::int64_t>();
}

}  // namespace

TEST_CASE("a new issue lands on the board with its Status field; a status move changes it") {
  sandbox_env env(board_options("Status"));
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto n = issue_number_of(env, login_page);
  auto items = board_items(env);
  CHECK(item_value(items, n, "Status") == "Ready for Dev");
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));

  // A second run with nothing changed sends no mutation: the board stays as it is.
  const auto before = items.size();
  r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(board_items(env).size() == before);

  env.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", {{"Status", "In Progress"}}}});
  r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(item_value(board_items(env), n, "Status") == "In Progress");
}

TEST_CASE("an option the board does not have is an error on the page, not a crash") {
  sandbox_env env(board_options("Stage"));
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 4, r.output);  // sync-once: pages are in error
  const auto n = issue_number_of(env, login_page);
  CHECK(item_value(board_items(env), n, "Stage") == "");  // on the board, the field unset
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Error"));
  const std::string error = env.property(login_page, "GitHub Sync Error").as_string().c_str();
  CHECK(error.find("no option 'Ready for Dev'") != std::string::npos);

  // The same error is not written again: a second run leaves the page alone (no loop), also
  // after the minute has turned (Notion's last_edited_time has minute precision; under ASan the
  // two runs straddled a minute by chance, so the test now always makes them).
  const auto edited = env.page(login_page).at("last_edited_time");
  env.control_post("/control/clock/advance", json::object{{"ms", 61'000}});
  r = env.run_ngsync("sync-once");
  CHECK(r.exit_code == 4);
  CHECK_MESSAGE(env.page(login_page).at("last_edited_time") == edited, r.output);
}

TEST_CASE("number, date, text and iteration fields follow their Notion properties") {
  sandbox_env env(fields_options({"Status", "Estimate", "Due", "Notes", "Sprint"}));
  env.act(
      "notion", "edit_page",
      {{"page_id", login_page},
       {"properties",
        {{"Estimate", 3}, {"Due", "2026-12-01"}, {"Notes", "Needs QA"}, {"Sprint", "Sprint 1"}}}});
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto n = issue_number_of(env, login_page);
  auto item = item_of(board_items(env), n);
  REQUIRE(item);
  CHECK(item->at("Status").at("name") == json::value("Ready for Dev"));
  CHECK(item->at("Estimate").to_number<double>() == 3.0);
  CHECK(item->at("Due") == json::value("2026-12-01"));
  CHECK(item->at("Notes") == json::value("Needs QA"));
  CHECK(item->at("Sprint").at("title") == json::value("Sprint 1"));
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));

  // New values replace the old; an emptied property clears its field.
  env.act("notion", "edit_page",
          {{"page_id", login_page},
           {"properties",
            {{"Estimate", 5.5},
             {"Due", "2027-01-15"},
             {"Notes", json::object{{"rich_text", json::array{}}}},
             {"Sprint", "Sprint 2"}}}});
  r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  item = item_of(board_items(env), n);
  REQUIRE(item);
  CHECK(item->at("Estimate").to_number<double>() == 5.5);
  CHECK(item->at("Due") == json::value("2027-01-15"));
  CHECK_FALSE(item->contains("Notes"));
  CHECK(item->at("Sprint").at("title") == json::value("Sprint 2"));
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
}

TEST_CASE("remove_when_closed: closing the issue takes its item off the board") {
  sandbox_env env(fields_options({"Status"}, "        remove_when_closed: true\n"));
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto n = issue_number_of(env, login_page);
  REQUIRE(item_of(board_items(env), n));

  env.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", {{"Status", "Complete"}}}});
  r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(env.issues().at(n).at("state") == json::value("closed"));
  CHECK_FALSE(item_of(board_items(env), n));
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
  // The other page's item stays.
  const auto other = issue_number_of(env, "a1000000-0000-4000-8000-000000000003");
  CHECK(item_of(board_items(env), other));
}

TEST_CASE("a running daemon whose cached option id went stale reads the board again") {
  const int port = free_port();
  auto options = fields_options({"Status"});
  options.config_extra = "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n";
  sandbox_env env(options);
  env.write_config("  token_env: GITHUB_TOKEN\n  own_login: ngsync-bot\n");
  child_process daemon(
      std::vector<std::string>{ngsync_binary(), "--config", env.config_path().string(), "run"},
      std::map<std::string, std::optional<std::string>>{
          {"NOTION_TOKEN", "secret_sandbox_notion_token"},
          {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
          {"DATABASE_URL", env.database_url()}},
      (env.dir() / "ngsync.log").string());
  auto wait_for_status = [&](std::int64_t n, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline && daemon.running()) {
      if (item_value(board_items(env), n, "Status") == want) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  };
  std::int64_t n = 0;
  for (int i = 0; i < 150 && n == 0 && daemon.running(); ++i) {
    auto v = env.property(login_page, "GitHub Issue Number");
    if (v.is_number()) n = v.to_number<std::int64_t>();
    if (n == 0) std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(n != 0, daemon.log());
  REQUIRE_MESSAGE(wait_for_status(n, "Ready for Dev"), daemon.log());

  // A person edits the option the page moves to next: GitHub gives it a new id, so the id the
  // daemon cached with the board no longer belongs to the field.
  auto renamed = env.act("github", "rename_project_option",
                         {{"owner", "acme"},
                          {"number", 1},
                          {"field", "Status"},
                          {"option", "In Progress"},
                          {"new_name", "In Progress"}});
  const auto& made = renamed.at("result");
  REQUIRE(made.at("id") != made.at("old_id"));
  env.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", {{"Status", "In Progress"}}}});
  CHECK_MESSAGE(wait_for_status(n, "In Progress"), daemon.log());
  const auto log = daemon.log();
  CHECK_MESSAGE(log.find("project id stale") != std::string::npos, log);
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
  CHECK(env.property(login_page, "GitHub Sync Error") == json::value(""));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_for_exit(10s).value_or(-1) == 0);
}
