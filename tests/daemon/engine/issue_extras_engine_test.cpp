// The issue extras in-process (tests/daemon/engine/support/engine_harness.hpp): the board item
// and its fields, the milestone, the status snapshot comment and the mirrored Notion comments,
// carried out through the engine's ports against the sandbox's GitHub (REST and GraphQL
// Projects) and Notion (page comments), on a scratch database. Milliseconds each.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;
using ngsync::test::engine_harness_options;

namespace {

constexpr const char* login_page = "a1000000-0000-4000-8000-000000000001";    // Ready for Dev
constexpr const char* runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready for Dev
constexpr const char* snapshot_marker = "<!-- ngsync:status-snapshot -->";

engine_harness_options extras(const std::string& mapping_extra) {
  engine_harness_options o;
  o.scenario = "tests/daemon/scenarios/projects.json";
  o.mapping_extra = mapping_extra;
  return o;
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::int64_t issue_number_of(const engine_harness& h, const std::string& page_id) {
  auto v = h.property(page_id, "GitHub Issue Number");
  REQUIRE_MESSAGE(v.is_number(), "the page shows no issue number");
  return v.to_number<std::int64_t>();
}

// The comments of one issue of acme/roadmap whose body holds `needle`, oldest first.
std::vector<json::object> comments_with(const engine_harness& h, std::int64_t issue,
                                        const std::string& needle = "") {
  std::vector<json::object> out;
  const std::string suffix = "/issues/" + std::to_string(issue);
  const auto repo = h.repo_state();
  for (const auto& c : repo.at("comments").as_array()) {
    const auto url = str(c.at("issue_url"));
    const bool of_issue = url.size() >= suffix.size() &&
                          url.compare(url.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (of_issue && str(c.at("body")).find(needle) != std::string::npos) {
      out.push_back(c.as_object());
    }
  }
  return out;
}

// The values of the issue's item on project 1, or nullopt when it is not on the board.
std::optional<json::object> board_item(engine_harness& h, std::int64_t issue) {
  const auto s = h.sandbox().find("github")->state();
  const std::string key = "acme/roadmap#" + std::to_string(issue);
  for (const auto& p : s.at("projects").as_array()) {
    if (p.at("number").as_int64() != 1) continue;
    for (const auto& it : p.at("items").as_array()) {
      if (it.at("issue").as_string() == key) return it.at("values").as_object();
    }
  }
  return std::nullopt;
}

// A Milestone select on the pages (login: v1, runbook: v2); the repository has only v1.
void with_milestones(json::object& s) {
  auto& source = s["notion"]
                     .as_object()["databases"]
                     .as_array()[0]
                     .as_object()["data_sources"]
                     .as_array()[0]
                     .as_object();
  source["properties"].as_object()["Milestone"] =
      json::object{{"type", "select"}, {"options", json::array{"v1", "v2"}}};
  for (auto& p : s["notion"].as_object()["pages"].as_array()) {
    auto& page = p.as_object();
    if (page["id"] == json::value(login_page)) page["properties"].as_object()["Milestone"] = "v1";
    if (page["id"] == json::value(runbook_page)) page["properties"].as_object()["Milestone"] = "v2";
  }
  s["github"].as_object()["repos"].as_array()[0].as_object()["milestones"] =
      json::array{json::object{{"number", 1}, {"title", "v1"}}};
}

}  // namespace

TEST_CASE("engine: extras: a page's milestone is set on its issue; a missing one is its error") {
  auto o = extras("      milestone_property: Milestone\n");
  o.edit_scenario = with_milestones;
  engine_harness h(o);

  h.sync(login_page);
  const auto login = h.issues().at(issue_number_of(h, login_page));
  REQUIRE(login.at("milestone").is_object());
  CHECK(login.at("milestone").at("title") == "v1");
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
  CHECK(h.extras().counters().milestones_set == 1);

  h.sync(runbook_page);
  const auto runbook = h.issues().at(issue_number_of(h, runbook_page));
  CHECK(runbook.at("milestone").is_null());
  CHECK(str(h.property(runbook_page, "GitHub Sync Status")) == "Error");
  CHECK(str(h.property(runbook_page, "GitHub Sync Error")) ==
        "milestone 'v2' does not exist in acme/roadmap");
  CHECK(h.sent("POST /repos/acme/roadmap/milestones") == 0);  // not created unless allowed

  // Set once: the next sync of the login page neither reads milestones nor patches the issue.
  const auto reads = h.sent("GET /repos/acme/roadmap/milestones");
  const auto patches = h.sent("PATCH /repos/acme/roadmap/issues");
  h.sync(login_page);
  CHECK(h.sent("GET /repos/acme/roadmap/milestones") == reads);
  CHECK(h.sent("PATCH /repos/acme/roadmap/issues") == patches);
}

TEST_CASE("engine: extras: the status snapshot comment is written once and edited in place") {
  engine_harness h(extras("      status_snapshot_comment: true\n"));
  h.sync(login_page);
  const auto n = issue_number_of(h, login_page);
  auto snapshots = comments_with(h, n, snapshot_marker);
  REQUIRE(snapshots.size() == 1);
  const auto id = snapshots[0].at("id").as_int64();
  const auto first_body = str(snapshots[0].at("body"));
  CHECK(first_body.find(login_page) != std::string::npos);
  CHECK(first_body.find("\"docs\"") == std::string::npos);
  CHECK(str(snapshots[0].at("user").at("login")) == "ngsync-bot");

  // Nothing changed: nothing is written.
  const auto posts = h.sent("POST /repos/acme/roadmap/issues/" + std::to_string(n) + "/comments");
  h.sync(login_page);
  CHECK(h.sent("PATCH /repos/acme/roadmap/issues/comments") == 0);

  h.act("notion", "edit_page",
        {{"page_id", login_page}, {"properties", {{"Tags", json::array{"bug", "docs"}}}}});
  h.sync(login_page);
  snapshots = comments_with(h, n, snapshot_marker);
  REQUIRE(snapshots.size() == 1);
  CHECK(snapshots[0].at("id").as_int64() == id);
  CHECK(str(snapshots[0].at("body")).find("\"docs\"") != std::string::npos);
  CHECK(h.sent("PATCH /repos/acme/roadmap/issues/comments/" + std::to_string(id)) == 1);
  CHECK(h.sent("POST /repos/acme/roadmap/issues/" + std::to_string(n) + "/comments") == posts);
  CHECK(comments_with(h, n).size() == 1);
  CHECK(h.extras().counters().snapshots_written == 2);
}

TEST_CASE("engine: extras: a Notion comment is mirrored once, also after its record is lost") {
  engine_harness h(extras("      mirror_comments: true\n"));
  h.sync(login_page);
  const auto n = issue_number_of(h, login_page);
  CHECK(comments_with(h, n).empty());

  auto added = h.act("notion", "add_comment", {{"page_id", login_page}, {"text", "Safari too"}});
  const std::string marker = "<!-- ngsync:notion-comment:" + str(added.at("id")) + " -->";
  // Someone pastes the marker into a comment of their own: it is not taken as the mirror.
  h.act("github", "add_comment",
        {{"repo", "acme/roadmap"}, {"number", n}, {"body", "quoting " + marker}, {"as", "ada-l"}});

  h.sync(login_page);
  auto mirrored = comments_with(h, n, "Safari too");
  REQUIRE(mirrored.size() == 1);
  CHECK(str(mirrored[0].at("body")).find(marker) != std::string::npos);
  CHECK(str(mirrored[0].at("user").at("login")) == "ngsync-bot");
  const auto comments_path = "POST /repos/acme/roadmap/issues/" + std::to_string(n) + "/comments";
  const auto posts = h.sent(comments_path);

  SUBCASE("recorded: a later sync does not list the issue's comments again") {
    const auto lists = h.sent("GET /repos/acme/roadmap/issues/" + std::to_string(n) + "/comments");
    h.sync(login_page);
    CHECK(h.sent("GET /repos/acme/roadmap/issues/" + std::to_string(n) + "/comments") == lists);
  }
  SUBCASE("the record lost: the daemon's marker on GitHub keeps it from posting again") {
    h.forget_mirrored_comments(login_page);
    h.sync(login_page);
    h.sync(login_page);
  }
  CHECK(comments_with(h, n, "Safari too").size() == 1);
  CHECK(h.sent(comments_path) == posts);
  CHECK(h.extras().counters().comments_mirrored == 1);
}

TEST_CASE(
    "engine: extras: the issue lands on the board with its field; an unknown option is "
    "the page's error") {
  SUBCASE("a field with the page's option") {
    engine_harness h(
        extras("      project:\n        owner: acme\n        number: 1\n        fields:\n"
               "          Status: Status\n"));
    h.sync(login_page);
    const auto n = issue_number_of(h, login_page);
    auto item = board_item(h, n);
    REQUIRE(item);
    CHECK(item->at("Status").at("name") == "Ready for Dev");
    CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");

    h.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", json::object{{"Status", "In Progress"}}}});
    h.sync(login_page);
    item = board_item(h, n);
    REQUIRE(item);
    CHECK(item->at("Status").at("name") == "In Progress");
    CHECK(h.extras().counters().project_items_added == 1);
    CHECK(h.extras().counters().project_fields_set == 2);
    CHECK(h.extras().counters().project_refreshes == 0);
  }
  SUBCASE("a field without it: on the board, the field unset, the page in error") {
    engine_harness h(
        extras("      project:\n        owner: acme\n        number: 1\n        fields:\n"
               "          Status: Stage\n"));
    h.sync(login_page);
    const auto item = board_item(h, issue_number_of(h, login_page));
    REQUIRE(item);
    CHECK_FALSE(item->contains("Stage"));
    CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Error");
    CHECK(str(h.property(login_page, "GitHub Sync Error")) ==
          "project field 'Stage' has no option 'Ready for Dev'");
    CHECK(h.extras().counters().project_refreshes == 1);  // the board read again, once
  }
}

TEST_CASE("engine: extras: a board changed since it was read is read again, once") {
  engine_harness h(
      extras("      project:\n        owner: acme\n        number: 1\n        fields:\n"
             "          Status: Stage\n"));
  h.sync(login_page);  // the board is read and kept; Stage has no 'Ready for Dev' yet
  const auto n = issue_number_of(h, login_page);
  REQUIRE(str(h.property(login_page, "GitHub Sync Status")) == "Error");
  const auto refreshes = h.extras().counters().project_refreshes;
  auto stage = [&] {
    const auto item = board_item(h, n);
    REQUIRE(item);
    return item->contains("Stage") ? str(item->at("Stage").at("name")) : std::string();
  };
  auto add_option = [&](const std::string& name) {
    h.act("github", "add_project_option",
          {{"owner", "acme"}, {"number", 1}, {"field", "Stage"}, {"name", name}});
  };

  // Options added since: the kept board lacks them, the board read again has them.
  add_option("Ready for Dev");
  add_option("In Progress");
  h.sync(login_page);
  CHECK(stage() == "Ready for Dev");
  CHECK(h.extras().counters().project_refreshes == refreshes + 1);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
  CHECK(str(h.property(login_page, "GitHub Sync Error")).empty());

  // A person edits an option, so GitHub gives it a new id: the kept id is refused as not
  // belonging to the field, the board is read again and the value set with the new id.
  h.act("github", "rename_project_option",
        {{"owner", "acme"},
         {"number", 1},
         {"field", "Stage"},
         {"option", "In Progress"},
         {"new_name", "In Progress"}});
  h.act("notion", "edit_page",
        {{"page_id", login_page}, {"properties", json::object{{"Status", "In Progress"}}}});
  h.sync(login_page);
  CHECK(stage() == "In Progress");
  CHECK(h.extras().counters().project_refreshes == refreshes + 2);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
}
