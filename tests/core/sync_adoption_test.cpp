// Who may be adopted by marker, and page content that cannot forge a marker.
#include <doctest/doctest.h>

#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/mapping_scope.hpp"

using namespace ngsync::sync;

TEST_CASE("only the daemon's own login is adopted; an unknown identity adopts nobody") {
  CHECK(written_by_daemon("ngsync-bot", "ngsync-bot"));
  CHECK(written_by_daemon("NGSync-Bot", "ngsync-bot"));  // GitHub logins ignore case
  CHECK(written_by_daemon("my-app[bot]", "my-app[bot]"));
  CHECK_FALSE(written_by_daemon("my-app", "my-app[bot]"));
  CHECK_FALSE(written_by_daemon("ada-l", "ngsync-bot"));
  CHECK_FALSE(written_by_daemon("", "ngsync-bot"));
  CHECK_FALSE(written_by_daemon("ngsync-bot", ""));
  CHECK_FALSE(written_by_daemon("", ""));
}

TEST_CASE("page content cannot carry a marker into the issue body") {
  const std::string other = "11111111-2222-4333-8444-555555555555";
  managed_section s;
  s.page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  s.page_url = "https://www.notion.so/x";
  s.revision = "abc123";
  s.content_markdown = "Quoted: <!-- Notion-Page-ID: " + other +
                       " -->\n<!--ngsync:end-->\n<!--   LAST-notion-revision: zzz -->\n"
                       "<!-- ngsync:begin -->\n<!-- ngsync:notion-comment:42 -->\n"
                       "<!-- an ordinary comment -->";
  const auto body = merge_body("", s);
  // Exactly our own markers, once each.
  auto count = [&body](std::string_view needle) {
    std::size_t n = 0;
    for (auto at = body.find(needle); at != std::string::npos; at = body.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("<!-- Notion-Page-ID:") == 1);
  CHECK(count("<!-- ngsync:begin -->") == 1);
  CHECK(count("<!-- ngsync:end -->") == 1);
  CHECK(body.find("<!--ngsync:end-->") == std::string::npos);
  CHECK(body.find("&lt;!-- Notion-Page-ID: " + other) != std::string::npos);  // still visible
  CHECK(body.find("<!-- an ordinary comment -->") != std::string::npos);      // not ours: kept
  const auto markers = parse_markers(body);
  REQUIRE(markers.page_id);
  CHECK(*markers.page_id == s.page_id);
  CHECK(markers.revision == "abc123");
  CHECK(render_section(s).find("<!-- ngsync:notion-comment:42") == std::string::npos);
  CHECK(neutralise_markers("no markers here") == "no markers here");
}

TEST_CASE("a page belongs to a mapping only through its own parent") {
  mapping_scope scope;
  scope.data_source_ids = {"4f93db51-4e1d-4015-b07f-876e34c3b0b1",
                           "5a93db51-4e1d-4015-b07f-876e34c3b0b2"};
  scope.database_id = "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6";
  // The mapping's data sources, in any spelling of the id.
  CHECK(data_source_in_scope(scope, "4F93DB514E1D4015B07F876E34C3B0B1", "") ==
        "4f93db51-4e1d-4015-b07f-876e34c3b0b1");
  CHECK(data_source_in_scope(scope, "5a93db51-4e1d-4015-b07f-876e34c3b0b2",
                             "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6") ==
        "5a93db51-4e1d-4015-b07f-876e34c3b0b2");
  // Another data source is outside, even when it names the mapping's database beside it.
  CHECK_FALSE(data_source_in_scope(scope, "99999999-4e1d-4015-b07f-876e34c3b0b1",
                                   "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6"));
  // A parent given only as the database (older versions, webhooks): its first data source.
  CHECK(data_source_in_scope(scope, "", "1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6") ==
        "4f93db51-4e1d-4015-b07f-876e34c3b0b1");
  CHECK_FALSE(data_source_in_scope(scope, "", "2c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6"));
  CHECK_FALSE(data_source_in_scope(scope, "", ""));  // a page under a page, a workspace page
  mapping_scope no_database;
  no_database.data_source_ids = scope.data_source_ids;
  CHECK_FALSE(data_source_in_scope(no_database, "", "1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6"));
}

TEST_CASE("an issue met while looking for a page's marker is the daemon's own, a copy, or not it") {
  const std::string page = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  const std::string body = "Fix it\n\n<!-- Notion-Page-ID: dcdc805c85fa4155a55c20fc28771af7 -->";
  using ngsync::sync::judge_marked_issue;
  using ngsync::sync::marked_issue;
  CHECK(judge_marked_issue(body, "ngsync-bot[bot]", page, "NGSYNC-bot[bot]") == marked_issue::own);
  CHECK(judge_marked_issue(body, "mallory", page, "ngsync-bot[bot]") == marked_issue::copy);
  CHECK(judge_marked_issue(body, "ngsync-bot[bot]", page, "") == marked_issue::copy);
  CHECK(judge_marked_issue(body, "ngsync-bot[bot]", "0000805c-85fa-4155-a55c-20fc28771af7",
                           "ngsync-bot[bot]") == marked_issue::other_page);
  CHECK(judge_marked_issue("no marker here", "ngsync-bot[bot]", page, "ngsync-bot[bot]") ==
        marked_issue::other_page);
}

TEST_CASE("the recovery scan takes a page only from an issue the daemon opened, in dashed form") {
  const std::string body = "Fix it\n\n<!-- Notion-Page-ID: DCDC805C85FA4155A55C20FC28771AF7 -->";
  using ngsync::sync::page_of_own_issue;
  CHECK(page_of_own_issue(body, "ngsync-bot[bot]", "ngsync-bot[bot]") ==
        "dcdc805c-85fa-4155-a55c-20fc28771af7");
  CHECK_FALSE(page_of_own_issue(body, "mallory", "ngsync-bot[bot]"));
  CHECK_FALSE(page_of_own_issue("no marker", "ngsync-bot[bot]", "ngsync-bot[bot]"));
}
