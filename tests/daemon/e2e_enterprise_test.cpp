// End to end, issue #21 item 6: the real ngsync binary against the sandbox laid out like GitHub
// Enterprise Server (ngsync-sandbox --github-prefix /api/v3): github.base_url is
// https://127.0.0.1:PORT/api/v3, REST lives under it, GraphQL at /api/graphql (not
// /api/v3/graphql, which answers 404 as GHES does), and web URLs are https://127.0.0.1:PORT/...
#include <doctest/doctest.h>

#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready for Dev
const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready for Dev
const std::string roadmap_source = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";

// The Projects scenario, plus a "GitHub Repository" text property on the data source.
std::string scenario_with_repository_property(const std::filesystem::path& dir) {
  auto s = json::parse(
               read_file(std::string(NGSYNC_SOURCE_DIR) + "/tests/daemon/scenarios/projects.json"))
               .as_object();
  for (auto& db : s["notion"].as_object()["databases"].as_array()) {
    for (auto& src : db.as_object()["data_sources"].as_array()) {
      if (src.at("id").as_string() != roadmap_source) continue;
      src.as_object()["properties"].as_object()["GitHub Repository"] = "rich_text";
    }
  }
  std::filesystem::create_directories(dir);
  const auto path = dir / "enterprise.json";
  std::ofstream(path) << json::serialize(s);
  return path.string();
}

sandbox_env_options enterprise_options() {
  sandbox_env_options o;
  o.scenario_file = "projects.json";
  o.github_prefix = "/api/v3";
  o.mapping_extra =
      "      project:\n        owner: acme\n        number: 1\n        fields:\n"
      "          Status: Status\n";
  return o;
}

json::array board_items(const sandbox_env& env) {
  auto s = env.control_get("/control/state");
  for (const auto& p : s.at("emulators").at("github").at("projects").as_array()) {
    if (p.at("number").as_int64() == 1) return p.at("items").as_array();
  }
  FAIL("no project 1 in the sandbox");
  return {};
}

bool on_board(const sandbox_env& env, std::int64_t issue) {
  const std::string key = "acme/roadmap#" + std::to_string(issue);
  for (const auto& it : board_items(env)) {
    if (it.at("issue").as_string() == key) return true;
  }
  return false;
}

// "https://127.0.0.1:PORT/api/v3" -> "https://127.0.0.1:PORT"
std::string origin_of(const std::string& rest_base) {
  REQUIRE(rest_base.ends_with("/api/v3"));
  return rest_base.substr(0, rest_base.size() - std::string("/api/v3").size());
}

}  // namespace

TEST_CASE("GHES layout: issues are created over /api/v3 and added to the board over /api/graphql") {
  sandbox_env env(enterprise_options());
  REQUIRE(env.github_url().ends_with("/api/v3"));
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);

  auto n = env.property(login_page, "GitHub Issue Number");
  REQUIRE_MESSAGE(n.is_number(), "page has no issue number: " << r.output);
  const auto number = n.to_number<std::int64_t>();
  CHECK(env.issues().count(number) == 1);
  CHECK(on_board(env, number));
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
  // The web URL written back is the Enterprise host's, without the API prefix.
  CHECK(
      env.property(login_page, "GitHub Issue URL") ==
      json::value(origin_of(env.github_url()) + "/acme/roadmap/issues/" + std::to_string(number)));

  // GraphQL was reached at /api/graphql; nothing went to the /api/v3/graphql of old.
  const auto counts = env.call_counts("github");
  CHECK(counts.contains("POST /graphql"));
  CHECK_FALSE(counts.contains("POST /api/v3/graphql"));
  CHECK(counts.contains("POST /repos/{o}/{r}/issues"));
}

TEST_CASE(
    "GHES layout: a pasted https://HOST/owner/repo names the repository; github.com does not") {
  auto o = enterprise_options();
  const auto scratch =
      std::filesystem::temp_directory_path() / ("ngsync-e2e-ghes-" + std::to_string(::getpid()));
  o.scenario_file = scenario_with_repository_property(scratch);
  o.mapping_github = "{repository_property: GitHub Repository}";
  sandbox_env env(o);
  std::filesystem::remove_all(scratch);
  const std::string origin = origin_of(env.github_url());
  env.act(
      "notion", "edit_page",
      {{"page_id", login_page}, {"properties", {{"GitHub Repository", origin + "/Acme/roadmap"}}}});
  env.act("notion", "edit_page",
          {{"page_id", runbook_page},
           {"properties", {{"GitHub Repository", "https://github.com/acme/roadmap"}}}});

  auto r = env.run_ngsync("sync-once");
  CHECK_MESSAGE(r.exit_code == 4, r.output);  // the github.com page is in error

  auto n = env.property(login_page, "GitHub Issue Number");
  REQUIRE_MESSAGE(n.is_number(), "page has no issue number: " << r.output);
  CHECK(env.issues().count(n.to_number<std::int64_t>()) == 1);
  CHECK(on_board(env, n.to_number<std::int64_t>()));
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));

  CHECK(env.property(runbook_page, "GitHub Sync Status") == json::value("Error"));
  const std::string error = env.property(runbook_page, "GitHub Sync Error").as_string().c_str();
  CHECK_MESSAGE(error.find("is on github.com, but the GitHub synced here is " +
                           origin.substr(std::string("https://").size())) != std::string::npos,
                error);
  CHECK(env.property(runbook_page, "GitHub Issue Number").is_null());
}
