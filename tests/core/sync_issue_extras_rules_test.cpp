// The issue extras' rules (core/sync/issue_extras_rules.hpp): what the snapshot comment says and
// when it changes, how a mirrored comment reads, which comment is the daemon's, which project
// fields a page sets, clears, skips or cannot have, the milestone it asks for, and a stale id.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/hash/sha256.hpp"
#include "core/sync/issue_extras_rules.hpp"
#include "tests/core/support/page_values.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using ngsync::test::text_property;
namespace json = boost::json;

namespace {

config::mapping extras_mapping() {
  config::mapping m;
  m.title_property = "Name";
  m.status_property = "Status";
  m.labels_property = "Tags";
  m.milestone_property = "Release";
  config::project_settings s;
  s.owner = "acme";
  s.number = 1;
  s.fields = {{"Status", "Status"}, {"Estimate", "Points"}, {"Team", "Team"}};
  m.project = s;
  return m;
}

notion::notion_page extras_page() {
  notion::notion_page p;
  p.id = "a1000000-0000-4000-8000-000000000001";
  p.properties["Name"] = text_property(notion::property_type::title, "Fix login");
  p.properties["Status"] = text_property(notion::property_type::status, "Ready");
  p.properties["Release"] = text_property(notion::property_type::select, "v1.2");
  auto tags = text_property(notion::property_type::multi_select, "");
  tags.names = {"bug", "ui"};
  tags.is_empty = false;
  p.properties["Tags"] = tags;
  auto estimate = text_property(notion::property_type::number, "");
  estimate.number = 3;
  estimate.is_empty = false;
  p.properties["Estimate"] = estimate;
  p.properties["Team"] = text_property(notion::property_type::select, "");
  p.properties["Notes"] = text_property(notion::property_type::rich_text, "not synced");
  return p;
}

github::comment comment(std::int64_t id, std::string body, std::string login) {
  return {id, std::move(body), std::move(login)};
}

github::project_board board() {
  github::project_board b;
  b.id = "PVT_1";
  b.title = "Roadmap";
  b.fields.push_back({"F_status", "Status", "SINGLE_SELECT", {{"Ready", "opt_ready"}}, {}});
  b.fields.push_back({"F_points", "Points", "NUMBER", {}, {}});
  return b;
}

}  // namespace

TEST_CASE("core: issue extras: a mapping wants extras only when it names one") {
  config::mapping m;
  CHECK_FALSE(extras_wanted(m));
  auto with = [&](auto set) {
    config::mapping x;
    set(x);
    return extras_wanted(x);
  };
  CHECK(with([](config::mapping& x) { x.project = config::project_settings{}; }));
  CHECK(with([](config::mapping& x) { x.milestone_property = "Release"; }));
  CHECK(with([](config::mapping& x) { x.mirror_comments = true; }));
  CHECK(with([](config::mapping& x) { x.status_snapshot_comment = true; }));
  CHECK_FALSE(with([](config::mapping& x) { x.create_missing_milestones = true; }));
}

TEST_CASE("core: issue extras: the snapshot holds each synced property once, as plain values") {
  const auto snap = status_snapshot(extras_page(), extras_mapping());
  CHECK(snap.at("notion_page_id") == "a1000000-0000-4000-8000-000000000001");
  const auto& f = snap.at("fields").as_object();
  CHECK(f.size() == 6);  // Name, Status, Tags, Release, Estimate, Team; Status only once
  CHECK(f.at("Name") == "Fix login");
  CHECK(f.at("Tags") == json::array{"bug", "ui"});
  CHECK(f.at("Estimate") == 3.0);
  CHECK(f.at("Team").is_null());  // empty select
  CHECK_FALSE(f.contains("Notes"));

  notion::property_value person;
  person.type = notion::property_type::people;
  person.people = {{"u1", "Ada", ""}, {"u2", "", ""}};
  CHECK(property_json(person) == json::array{"Ada", "u2"});
  notion::property_value box;
  box.type = notion::property_type::checkbox;
  box.checkbox = true;
  CHECK(property_json(box) == true);
  notion::property_value when;
  when.type = notion::property_type::date;
  when.date = notion::date_value{"2026-12-01", std::nullopt, std::nullopt};
  CHECK(property_json(when) == "2026-12-01");
}

TEST_CASE("core: issue extras: the snapshot comment changes only with a synced value") {
  const auto m = extras_mapping();
  auto page = extras_page();
  const auto first = snapshot_comment_of(page, m);
  CHECK(first.body.rfind(snapshot_marker, 0) == 0);
  CHECK(first.body.find("**Notion Status Snapshot**") != std::string::npos);
  CHECK(first.body.find("```json\n{\"notion_page_id\":") != std::string::npos);
  CHECK(first.hash == hash::sha256_hex(first.body));

  page.properties["Notes"].text = "edited, but not synced";
  CHECK(snapshot_comment_of(page, m).hash == first.hash);
  page.properties["Status"].text = "In Progress";
  const auto second = snapshot_comment_of(page, m);
  CHECK(second.hash != first.hash);
  CHECK(second.body.find("\"Status\":\"In Progress\"") != std::string::npos);
}

TEST_CASE("core: issue extras: a mirrored comment carries its own marker and no other") {
  CHECK(notion_comment_marker("c-1") == "<!-- ngsync:notion-comment:c-1 -->");
  const auto body = mirrored_comment_body("Looks good", "c-1");
  CHECK(body == "Looks good\n\n_Comment mirrored from Notion_\n<!-- ngsync:notion-comment:c-1 -->");
  // A comment quoting another comment's marker, or the snapshot's, cannot pass for it.
  const auto quoting = mirrored_comment_body(
      "see <!-- ngsync:notion-comment:c-9 --> and <!-- ngsync:status-snapshot -->", "c-2");
  CHECK(quoting.find(notion_comment_marker("c-9")) == std::string::npos);
  CHECK(quoting.find(snapshot_marker) == std::string::npos);
  CHECK(quoting.find(notion_comment_marker("c-2")) != std::string::npos);
}

TEST_CASE("core: issue extras: a comment is the daemon's by its marker and its author") {
  const auto marker = notion_comment_marker("c-1");
  const std::vector<github::comment> comments{
      comment(10, "copied " + marker, "mallory"),  // anyone can paste a marker
      comment(11, "unrelated", "ngsync-bot"),
      comment(12, "text\n" + marker, "NGSync-Bot"),  // logins compare without case
      comment(13, "again " + marker, "ngsync-bot"),
  };
  CHECK(own_comment_with(comments, marker, "ngsync-bot") == 12);
  CHECK(own_comment_with(comments, snapshot_marker, "ngsync-bot") == std::nullopt);
  CHECK(own_comment_with(comments, marker, "") == std::nullopt);  // unknown identity: nobody
  CHECK(own_comment_with({}, marker, "ngsync-bot") == std::nullopt);
}

TEST_CASE("core: issue extras: a stale or gone id is told from other failures") {
  api::api_failure f;
  f.kind = api::failure_kind::permanent;
  f.code = "NOT_FOUND";
  CHECK(is_not_found(f));
  f.code.clear();
  f.status = 404;
  CHECK(is_not_found(f));
  f.status = 200;
  f.message = "The single select option Id does not belong to the field";
  CHECK(is_not_found(f));
  f.message = "Resource not accessible by integration";
  f.status = 403;
  CHECK_FALSE(is_not_found(f));
  f.kind = api::failure_kind::transient;  // a 404 that will be retried is not "gone"
  f.status = 404;
  CHECK_FALSE(is_not_found(f));
}

TEST_CASE("core: issue extras: the project fields a page sets, clears, skips or cannot have") {
  const auto m = extras_mapping();
  auto page = extras_page();

  SUBCASE("a new item: values are set, empty ones skipped and recorded as empty") {
    const auto plan = plan_project_fields(page, *m.project, {});
    REQUIRE(plan.steps.size() == 2);  // by property name: Estimate, Status
    CHECK(plan.steps[0].field == "Points");
    CHECK(plan.steps[0].value == "3");
    CHECK(plan.steps[1].field == "Status");
    CHECK(plan.steps[1].value == "Ready");
    CHECK(plan.skipped == std::vector<std::string>{"Team"});
    CHECK(plan.written == json::object{{"Team", nullptr}});
    // Only the writes that succeeded are recorded: a failed one is tried again next time.
    const auto after = written_after(plan, {"Status"});
    CHECK(after == json::object{{"Team", nullptr}, {"Status", "Ready"}});
  }
  SUBCASE("an item written before: unchanged fields are skipped, an emptied one is cleared") {
    const json::object written{{"Status", "Ready"}, {"Points", "3"}, {"Team", "Core"}};
    const auto plan = plan_project_fields(page, *m.project, written);
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].field == "Team");
    CHECK(plan.steps[0].value == std::nullopt);
    CHECK(plan.steps[0].error.empty());
    CHECK(plan.skipped == std::vector<std::string>{"Points", "Status"});
    CHECK(written_after(plan, {"Team"}).at("Team").is_null());
    CHECK(written_after(plan, {}) == written);
  }
  SUBCASE("a property missing from the page is the page's error, in the fields' order") {
    page.properties.erase("Estimate");
    const auto plan = plan_project_fields(page, *m.project, {});
    REQUIRE(plan.steps.size() == 2);
    CHECK(plan.steps[0].error == "property 'Estimate' (project field 'Points') is not on the page");
    CHECK(plan.steps[1].error.empty());
    CHECK_FALSE(written_after(plan, {"Points", "Status"}).contains("Points"));
  }
}

TEST_CASE("core: issue extras: a field write on the board as read, or why it cannot be made") {
  const auto b = board();
  auto set = field_write_on(b, "status", std::string("Ready"));  // names without case
  REQUIRE(set.field);
  CHECK(set.field->id == "F_status");
  REQUIRE(set.input);
  CHECK(set.input->value.at("singleSelectOptionId") == "opt_ready");
  CHECK(set.error.empty());

  auto clear = field_write_on(b, "Points", std::nullopt);
  CHECK(clear.field);
  CHECK_FALSE(clear.input);
  CHECK(clear.error.empty());

  CHECK(field_write_on(b, "Team", std::string("Core")).error == "the project has no field 'Team'");
  CHECK(field_write_on(b, "Status", std::string("Done")).error ==
        "project field 'Status' has no option 'Done'");
  CHECK(field_write_on(b, "Points", std::string("many")).error ==
        "project field 'Points' needs a number, not 'many'");
  CHECK(unset_project_field_error("Status") == "project field 'Status' could not be set");
}

TEST_CASE("core: issue extras: the milestone a page asks for") {
  auto m = extras_mapping();
  auto page = extras_page();
  auto wish = milestone_of(page, m);
  CHECK(wish.title == "v1.2");
  CHECK(wish.error.empty());
  page.properties["Release"] = text_property(notion::property_type::select, "");
  CHECK(milestone_of(page, m).title.empty());  // none: the milestone is cleared
  m.milestone_property = "Sprint";
  CHECK(milestone_of(page, m).error == "milestone property 'Sprint' is not on the page");
  CHECK(missing_milestone_error("v9", "acme/roadmap") ==
        "milestone 'v9' does not exist in acme/roadmap");
  CHECK(join_errors({"a", "b"}) == "a; b");
  CHECK(join_errors({}).empty());
}
