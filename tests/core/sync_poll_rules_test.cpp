// What a poll does with each page it read (core/sync/poll_rules.hpp), and its next watermark.
#include <doctest/doctest.h>

#include "core/sync/poll_rules.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using namespace std::chrono_literals;

namespace {

notion::property_value prop(notion::property_type t, std::string text) {
  notion::property_value p;
  p.type = t;
  p.text = std::move(text);
  return p;
}

mapping_rules rules() {
  mapping_rules r;
  r.title_property = "Name";
  r.status_property = "Status";
  r.fixed_repository = "acme/roadmap";
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed}};
  return r;
}

notion::notion_page page_in(const std::string& status) {
  notion::notion_page p;
  p.id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  p.properties["Name"] = prop(notion::property_type::title, "Fix the login page");
  p.properties["Status"] = prop(notion::property_type::status, status);
  return p;
}

constexpr poll_time edit = poll_time{} + 1'000'000h;

}  // namespace

TEST_CASE("poll rules: a page without a link is enqueued only when meant for GitHub") {
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit, std::nullopt, false, rules()) ==
        poll_verdict::enqueue);
  CHECK(judge_polled_page(page_in("Backlog"), edit, std::nullopt, false, rules()) ==
        poll_verdict::not_for_github);
}

TEST_CASE("poll rules: a synced edit is settled once its minute has closed, not before") {
  polled_link link{link_status::in_sync, edit, edit + 61s};
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit, link, false, rules()) ==
        poll_verdict::settled);
  // Verified inside the edit's minute: an edit later in that minute shares the timestamp.
  link.last_synced_at = edit + 20s;
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit, link, false, rules()) ==
        poll_verdict::enqueue);
  // Read again by the poll that enqueued it, after its own write-back: left to the next poll.
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit, link, true, rules()) ==
        poll_verdict::own_write_back);
  // A newer edit, an error, or an unreadable time: work to do.
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit + 60s, link, true, rules()) ==
        poll_verdict::enqueue);
  link.status = link_status::error;
  link.last_synced_at = edit + 61s;
  CHECK(judge_polled_page(page_in("Ready for Dev"), edit, link, false, rules()) ==
        poll_verdict::enqueue);
  link.status = link_status::in_sync;
  CHECK(judge_polled_page(page_in("Ready for Dev"), std::nullopt, link, false, rules()) ==
        poll_verdict::enqueue);
  // A linked page is followed whatever its status (a close, a move back).
  CHECK(judge_polled_page(page_in("Backlog"), edit + 60s, link, false, rules()) ==
        poll_verdict::enqueue);
}

TEST_CASE("poll rules: the watermark is the newest edit, or an older one held back, less overlap") {
  CHECK_FALSE(watermark_after(std::nullopt, std::nullopt, 120s));
  CHECK(watermark_after(edit, std::nullopt, 120s) == edit - 120s);
  CHECK(watermark_after(edit, edit - 300s, 120s) == edit - 420s);
  CHECK(watermark_after(edit, edit + 300s, 120s) == edit - 120s);
}

TEST_CASE("poll rules: a poll that saw nothing keeps its watermark; a first one starts from now") {
  const poll_time now = edit + 3600s;
  CHECK(watermark_kept(edit, now, 120s) == edit);
  // A first poll of an empty data source saw everything there is.
  CHECK(watermark_kept(std::nullopt, now, 120s) == now - 120s);
}

TEST_CASE("poll rules: a batch is written at once when nothing is in flight") {
  CHECK_FALSE(batch_waits({}, {"a"}, false, 3));
  CHECK_FALSE(batch_waits({}, {"a"}, true, 3));  // the last batch too: nothing to wait for
  CHECK_FALSE(batch_waits({}, {}, true, 3));
}

TEST_CASE("poll rules: the batch that carries the watermark waits for every batch in flight") {
  CHECK(batch_waits({{"a"}}, {"b"}, true, 3));
  CHECK(batch_waits({{"a"}, {"c"}}, {}, true, 3));  // even with no page of its own
}

TEST_CASE("poll rules: a batch waits while the in-flight limit is reached") {
  const pages_in_flight two{{"a"}, {"b"}};
  CHECK_FALSE(batch_waits(two, {"c"}, false, 3));
  CHECK(batch_waits(two, {"c"}, false, 2));
  // A limit below one still lets one batch be written at a time.
  CHECK(batch_waits({{"a"}}, {"c"}, false, 0));
  CHECK_FALSE(batch_waits({}, {"c"}, false, 0));
}

TEST_CASE("poll rules: a batch sharing a page with one in flight waits for it") {
  const pages_in_flight writing{{"a", "b"}, {"c"}};
  CHECK(batch_waits(writing, {"x", "b"}, false, 3));
  CHECK(batch_waits(writing, {"c"}, false, 3));
  CHECK_FALSE(batch_waits(writing, {"x", "y"}, false, 3));
}

TEST_CASE("poll rules: the marks follow the newest edit and hold at an own write-back read again") {
  poll_marks marks;
  CHECK_FALSE(marks.watermark(120s));              // nothing seen
  marks.saw(std::nullopt, poll_verdict::enqueue);  // an unreadable time moves nothing
  CHECK_FALSE(marks.watermark(120s));
  marks.saw(edit, poll_verdict::enqueue);
  marks.saw(edit - 600s, poll_verdict::settled);
  CHECK(marks.newest == edit);
  CHECK_FALSE(marks.held);
  CHECK(marks.watermark(120s) == edit - 120s);
  // Read again after its own write-back: the next poll owes it a look after its minute.
  marks.saw(edit - 300s, poll_verdict::own_write_back);
  marks.saw(edit - 60s, poll_verdict::own_write_back);
  CHECK(marks.held == edit - 300s);
  CHECK(marks.watermark(120s) == edit - 420s);
  marks.saw(edit + 60s, poll_verdict::not_for_github);
  CHECK(marks.newest == edit + 60s);
  CHECK(marks.watermark(120s) == edit - 420s);
}
