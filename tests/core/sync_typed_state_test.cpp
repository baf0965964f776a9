// The sync's states are enums; each has one spelling in storage or on the page, converted in one
// place each way. The spellings are pinned: stored rows and Notion options depend on them.
#include <doctest/doctest.h>

#include "core/sync/link_state.hpp"
#include "core/sync/sync_action.hpp"
#include "core/sync/synced_fields.hpp"

using namespace ngsync::sync;

TEST_CASE("typed state: a link's status round-trips through its stored text") {
  CHECK(std::string(to_string(link_status::pending)) == "pending");
  CHECK(std::string(to_string(link_status::in_sync)) == "in_sync");
  CHECK(std::string(to_string(link_status::error)) == "error");
  for (auto s : {link_status::pending, link_status::in_sync, link_status::error}) {
    CAPTURE(to_string(s));
    CHECK(link_status_from(to_string(s)) == s);
  }
  CHECK_FALSE(link_status_from("In_Sync"));
  CHECK_FALSE(link_status_from(""));
}

TEST_CASE("typed state: an issue's kind round-trips through its stored text") {
  CHECK(std::string(to_string(issue_kind::issue)) == "issue");
  CHECK(std::string(to_string(issue_kind::draft_pr)) == "draft_pr");
  for (auto k : {issue_kind::issue, issue_kind::draft_pr}) {
    CAPTURE(to_string(k));
    CHECK(issue_kind_from(to_string(k)) == k);
  }
  CHECK_FALSE(issue_kind_from("pull_request"));
}

TEST_CASE("typed state: the page's sync status round-trips through the option's name") {
  CHECK(std::string(to_string(sync_status_value::pending)) == "Pending");
  CHECK(std::string(to_string(sync_status_value::success)) == "Success");
  CHECK(std::string(to_string(sync_status_value::error)) == "Error");
  for (auto v :
       {sync_status_value::pending, sync_status_value::success, sync_status_value::error}) {
    CAPTURE(to_string(v));
    CHECK(sync_status_value_from(to_string(v)) == v);
  }
  CHECK_FALSE(sync_status_value_from("Done"));  // a status someone else set
  CHECK_FALSE(sync_status_value_from("error"));
}

TEST_CASE("typed state: the issue state on record round-trips through its stored text") {
  CHECK(std::string(to_string(desired_state::open)) == "open");
  CHECK(std::string(to_string(desired_state::closed_completed)) == "closed:completed");
  CHECK(std::string(to_string(desired_state::closed_not_planned)) == "closed:not_planned");
  for (auto s :
       {desired_state::open, desired_state::closed_completed, desired_state::closed_not_planned}) {
    CAPTURE(to_string(s));
    CHECK(desired_state_from(to_string(s)) == s);
  }
  CHECK_FALSE(desired_state_from("closed"));
}
