// The poller in-process (support/engine_harness.hpp): what a poll enqueues, what it costs, and
// that a settled workspace costs only its two queries (live pages and the trash).
#include <doctest/doctest.h>

#include <string>

#include <boost/json.hpp>

#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready
const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready

}  // namespace

TEST_CASE("engine: a first poll enqueues the pages meant for GitHub; their jobs sync them") {
  engine_harness h;
  auto first = h.poll();
  CHECK(first.pages_seen == 3);
  CHECK(first.jobs_enqueued == 2);  // the two Ready pages; Backlog is not meant for GitHub yet
  CHECK(first.pages_skipped == 1);
  CHECK(first.queries == 2);  // the live pages, then the trash since the watermark
  CHECK(h.drain().completed == 2);
  CHECK(h.issues().size() == 3);
  CHECK(h.property(login_page, "GitHub Sync Status") == json::value("Success"));
  CHECK(h.property(runbook_page, "GitHub Sync Status") == json::value("Success"));
}

TEST_CASE("engine: a poll after a person's edit enqueues that page, and its sync reaches GitHub") {
  engine_harness h;
  h.poll();
  h.drain();
  h.act("notion", "edit_page",
        {{"page_id", login_page}, {"properties", json::object{{"Status", "Complete"}}}});
  auto again = h.poll();
  CHECK(again.jobs_enqueued >= 1);
  h.drain();
  const auto n = h.property(login_page, "GitHub Issue Number").to_number<std::int64_t>();
  CHECK(h.issues().at(n).at("state") == "closed");
  // The trash query of the same poll finds a page trashed since the watermark.
  h.act("notion", "trash_page", {{"page_id", runbook_page}});
  h.poll();
  h.drain();
  const auto m = h.property(runbook_page, "GitHub Issue Number").to_number<std::int64_t>();
  CHECK(h.issues().at(m).at("state_reason") == "not_planned");
}
