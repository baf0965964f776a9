// Synced-fields hash, sync_run_id, repository names, write-back JSON and plan printing.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/hash/sha256.hpp"
#include "core/sync/repo_name.hpp"
#include "core/sync/sync_action.hpp"
#include "core/sync/sync_run_id.hpp"
#include "core/sync/synced_fields.hpp"

using namespace ngsync::sync;
namespace json = boost::json;

namespace {

synced_fields sample() {
  synced_fields f;
  f.repo = "acme/widgets";
  f.title = "Fix login";
  f.page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  f.page_url = "https://www.notion.so/x";
  f.body_markdown = "body";
  f.labels = {"bug", "ui"};
  f.assignees = {"alice"};
  return f;
}

}  // namespace

TEST_CASE("sha256_hex matches the known digest") {
  CHECK(ngsync::hash::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(content_revision("abc") == "ba7816bf8f01cfea");
}

TEST_CASE("the synced-fields hash is stable under set order and changes with every synced field") {
  const auto base = hash_synced_fields(sample());
  CHECK(base.size() == 64);
  CHECK(base == hash_synced_fields(sample()));

  auto reordered = sample();
  reordered.labels = {"UI", "bug", "bug"};
  reordered.assignees = {"Alice"};
  CHECK(hash_synced_fields(reordered) == base);

  auto changes = std::vector<synced_fields>(9, sample());
  changes[0].repo = "acme/other";
  changes[1].kind = issue_kind::draft_pr;
  changes[2].title = "Fix login!";
  changes[3].body_markdown = "body2";
  changes[4].labels = {"bug"};
  changes[5].assignees = {};
  changes[6].state = desired_state::closed_completed;
  changes[7].state = desired_state::closed_not_planned;
  changes[8].sync_body = false;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    CAPTURE(i);
    CHECK(hash_synced_fields(changes[i]) != base);
  }
  // Field boundaries are unambiguous.
  auto a = sample(), b = sample();
  a.title = "ab";
  a.body_markdown = "c";
  b.title = "a";
  b.body_markdown = "bc";
  CHECK(hash_synced_fields(a) != hash_synced_fields(b));
  // With body sync off the content does not count.
  a = sample();
  b = sample();
  a.sync_body = b.sync_body = false;
  b.body_markdown = "other";
  CHECK(hash_synced_fields(a) == hash_synced_fields(b));
}

TEST_CASE("canonical name sets") {
  CHECK(canonical_name_set({"b", " a ", "B", "", "c"}) == std::vector<std::string>{"a", "b", "c"});
  CHECK(same_name_set({"Bug", "ui"}, {"UI", "bug"}));
  CHECK_FALSE(same_name_set({"bug"}, {"bug", "ui"}));
}

TEST_CASE("sync_run_id is deterministic per page and minute") {
  const auto id =
      make_sync_run_id("dcdc805c-85fa-4155-a55c-20fc28771af7", "2022-09-01T04:35:00.000Z");
  CHECK(id == "dcdc805c85fa4155a55c20fc28771af7-20220901T0435");
  CHECK(make_sync_run_id("DCDC805C85FA4155A55C20FC28771AF7", "2022-09-01T04:35:59.999Z") == id);
  CHECK(make_sync_run_id("dcdc805c-85fa-4155-a55c-20fc28771af7", "2022-09-01T04:36:00.000Z") != id);
  const auto odd = make_sync_run_id("not-a-uuid", "garbage");
  CHECK(odd == make_sync_run_id("not-a-uuid", "garbage"));
  CHECK(odd.size() == 32 + 1 + 12);
}

TEST_CASE("repository names are validated and normalised") {
  CHECK(parse_repo_name(" Acme/Widgets ")->full() == "acme/widgets");
  CHECK(parse_repo_name("https://github.com/Acme/widgets.git")->full() == "acme/widgets");
  CHECK(parse_repo_name("github.com/acme/my_repo.js/")->full() == "acme/my_repo.js");
  for (const char* bad : {"", "acme", "acme/", "/repo", "a/b/c", "ac me/repo", "-acme/repo",
                          "acme/..", "acme/re po", "https://gitlab.com/a/b"}) {
    CAPTURE(bad);
    auto r = parse_repo_name(bad);
    CHECK(r.has_error());
    if (r.has_error()) CHECK_FALSE(r.error().message.empty());
  }
  CHECK_THROWS_AS(parse_repo_name("nope").value(), std::invalid_argument);
}

TEST_CASE("pasted repository URLs: the configured web host is accepted, any other refused") {
  const std::string ghe = "ghe.example.com";
  CHECK(parse_repo_name("https://ghe.example.com/Acme/Widgets", ghe)->full() == "acme/widgets");
  CHECK(parse_repo_name("HTTPS://GHE.example.com/acme/widgets.git/", ghe)->full() ==
        "acme/widgets");
  CHECK(parse_repo_name("ghe.example.com/acme/widgets", ghe)->full() == "acme/widgets");
  CHECK(parse_repo_name("acme/widgets", ghe)->full() == "acme/widgets");
  // A host with a port (a GHES on a non-default port, the sandbox on loopback).
  CHECK(parse_repo_name("https://127.0.0.1:8443/acme/roadmap", "127.0.0.1:8443")->full() ==
        "acme/roadmap");

  // github.com is another GitHub when a GHES is configured, and the other way round.
  auto other = parse_repo_name("https://github.com/acme/widgets", ghe);
  REQUIRE(other.has_error());
  CHECK(other.error().message ==
        "\"https://github.com/acme/widgets\" is on github.com, but the GitHub synced here is "
        "ghe.example.com (expected owner/repo or https://ghe.example.com/owner/repo)");
  auto ghes_on_dotcom = parse_repo_name("https://ghe.example.com/acme/widgets");
  REQUIRE(ghes_on_dotcom.has_error());
  CHECK(ghes_on_dotcom.error().message.find("is on ghe.example.com, but the GitHub synced here "
                                            "is github.com") != std::string::npos);
  for (const char* bad :
       {"https://gitlab.com/acme/widgets", "gitlab.com/acme/widgets",
        "https://127.0.0.1:9999/acme/roadmap", "https://ghe.example.com.evil.io/acme/widgets",
        "http://ghe.example.com", "https://ghe.example.com/acme/widgets/issues/3"}) {
    CAPTURE(bad);
    auto r = parse_repo_name(bad, ghe);
    CHECK(r.has_error());
  }
  // An owner with a dot is a bad owner, not a host (nothing follows to be owner/repo).
  auto dotted = parse_repo_name("acme.corp/widgets", ghe);
  REQUIRE(dotted.has_error());
  CHECK(dotted.error().message.find("invalid GitHub owner name") != std::string::npos);
}

TEST_CASE("write-back JSON uses the configured property names and Notion's value shapes") {
  write_back_properties names;
  names.issue_number = "Issue";
  names.issue_url = "Issue URL";
  names.sync_status = "Sync Status";
  names.sync_status_type = sync_status_property_type::status;
  names.last_sync_at = "Last Sync";
  names.sync_error = "Sync Error";

  write_back_action wb;
  wb.use_created_issue = true;
  wb.status = sync_status_value::success;
  wb.last_sync_at = "2026-11-25T10:00:00Z";
  wb.error_text = "";
  const auto props =
      notion_write_back_properties(wb, names, 42, "https://github.com/a/b/issues/42");
  CHECK(
      json::serialize(props) ==
      R"({"Issue":{"number":42},"Issue URL":{"url":"https://github.com/a/b/issues/42"},)"
      R"("Sync Status":{"status":{"name":"Success"}},"Last Sync":{"date":{"start":"2026-11-25T10:00:00Z"}},)"
      R"("Sync Error":{"rich_text":[]}})");

  write_back_action err;
  err.status = sync_status_value::error;
  err.error_text = std::string(2500, 'e');
  names.sync_status_type = sync_status_property_type::select;
  const auto e = notion_write_back_properties(err, names);
  CHECK(e.at("Sync Status").at("select").at("name") == "Error");
  CHECK(e.at("Sync Error").at("rich_text").at(0).at("text").at("content").as_string().size() ==
        2000);
  CHECK_FALSE(e.contains("Issue"));

  write_back_properties none;
  CHECK(notion_write_back_properties(wb, none, 1, "u").empty());
}

TEST_CASE("plans print one line per action") {
  sync_plan plan;
  plan.sync_run_id = "run-1";
  CHECK(describe(plan) == "run run-1\n  nothing to do\n");
  update_issue_action u;
  u.repo = "acme/widgets";
  u.number = 12;
  u.title = "New \"title\"";
  u.state = state_change{ngsync::github::issue_state::closed, "completed"};
  plan.actions.push_back(u);
  plan.actions.push_back(mark_error_action{"bad repo"});
  plan.warnings.push_back("unmapped");
  CHECK(describe(plan) ==
        "run run-1\n  update acme/widgets#12 title=\"New \\\"title\\\"\" close:completed\n"
        "  error: bad repo\n  warning: unmapped\n");
}
