// The sync's job payloads (core/sync/sync_hint.hpp). Users' queues hold jobs written by older
// versions, so the format is pinned here: a change that breaks these literals breaks them.
#include <doctest/doctest.h>

#include <stdexcept>

#include <boost/json.hpp>

#include "core/sync/sync_hint.hpp"

using namespace ngsync;
using namespace ngsync::sync;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto seen = std::chrono::system_clock::time_point(1'765'000'000'123ms);

sync_page_hint poll_hint() {
  sync_page_hint h;
  h.page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  h.data_source_id = "248104cd-477e-80af-bc30-000bcd7b2b8a";
  h.mapping = "roadmap";
  h.page = json::parse(R"({"object":"page","id":"dcdc805c-85fa-4155-a55c-20fc28771af7"})");
  h.source = "poll";
  h.seen_at = seen;
  return h;
}

}  // namespace

TEST_CASE("sync hint: a sync_page payload is written exactly as queued jobs hold it") {
  CHECK(json::serialize(to_payload(poll_hint(), seen + 1h)) ==
        R"({"page_id":"dcdc805c-85fa-4155-a55c-20fc28771af7",)"
        R"("data_source_id":"248104cd-477e-80af-bc30-000bcd7b2b8a","mapping":"roadmap",)"
        R"("source":"poll","page":{"object":"page","id":"dcdc805c-85fa-4155-a55c-20fc28771af7"},)"
        R"("seen_at_ms":1765000000123})");
  CHECK(unique_key(poll_hint()) == "page:dcdc805c-85fa-4155-a55c-20fc28771af7");
  CHECK(page_key(poll_hint()) == "dcdc805c-85fa-4155-a55c-20fc28771af7");
}

TEST_CASE("sync hint: a queued sync_page payload still parses") {
  // As a webhook hint of an earlier version left it in the queue (Postgres's jsonb key order).
  const auto h = hint_from_payload(json::parse(
      R"({"page_id": "p-1", "mapping": "roadmap", "source": "webhook", "seen_at_ms": 1765000000123,)"
      R"( "data_source_id": "ds-1"})"));
  CHECK(h.page_id == "p-1");
  CHECK(h.data_source_id == "ds-1");
  CHECK(h.mapping == "roadmap");
  CHECK(h.source == "webhook");
  CHECK_FALSE(h.page);
  CHECK(h.seen_at == seen);
}

TEST_CASE("sync hint: a sync_page hint survives the round trip") {
  const auto h = poll_hint();
  const auto back = hint_from_payload(to_payload(h, seen + 1h));
  CHECK(back.page_id == h.page_id);
  CHECK(back.data_source_id == h.data_source_id);
  CHECK(back.mapping == h.mapping);
  CHECK(back.source == h.source);
  REQUIRE(back.page);
  CHECK(*back.page == *h.page);
  CHECK(back.seen_at == h.seen_at);
  CHECK(back.sync_run_id.empty());  // travels beside the payload, on the job
}

TEST_CASE("sync hint: a new hint is stamped with the time it is written, to the millisecond") {
  auto h = poll_hint();
  h.seen_at.reset();
  h.page.reset();
  h.source = "reconcile";
  const auto back = hint_from_payload(to_payload(h, seen + 456us));
  CHECK(back.seen_at == seen);
  CHECK_FALSE(back.page);
  CHECK(back.source == "reconcile");
}

TEST_CASE("sync hint: a payload that is not a sync_page hint is refused with its reason") {
  CHECK_THROWS_WITH_AS(hint_from_payload(json::parse(R"({"page_id":"p","mapping":"m"})")),
                       "sync_page payload without 'data_source_id'", std::invalid_argument);
  CHECK_THROWS_WITH_AS(hint_from_payload(json::parse(R"({"page_id":7})")),
                       "sync_page payload without 'page_id'", std::invalid_argument);
  CHECK_THROWS_AS(hint_from_payload(json::parse("[1]")), std::invalid_argument);
  // Optional fields of the wrong type are left at their defaults rather than refused.
  const auto h = hint_from_payload(json::parse(
      R"({"page_id":"p","data_source_id":"d","mapping":"m","source":1,"page":"x","seen_at_ms":"y"})"));
  CHECK(h.source == "poll");
  CHECK_FALSE(h.page);
  CHECK_FALSE(h.seen_at);
}

TEST_CASE("sync hint: a github_issue_event payload is pinned and round-trips") {
  const github_event_job e{"acme/roadmap",
                           42,
                           "dcdc805c-85fa-4155-a55c-20fc28771af7",
                           "closed",
                           "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                           "octocat"};
  CHECK(
      json::serialize(to_payload(e)) ==
      R"({"repo":"acme/roadmap","number":42,"page_id":"dcdc805c-85fa-4155-a55c-20fc28771af7",)"
      R"("action":"closed","delivery":"72d3162e-cc78-11e3-81ab-4c9367dc0958","sender":"octocat"})");
  CHECK(unique_key(e) == "github-issue:acme/roadmap#42");
  CHECK(page_key(e) == "dcdc805c-85fa-4155-a55c-20fc28771af7");
  const auto back = github_event_from_payload(to_payload(e));
  CHECK(back.repo == e.repo);
  CHECK(back.number == e.number);
  CHECK(back.page_id == e.page_id);
  CHECK(back.action == e.action);
  CHECK(back.delivery == e.delivery);
  CHECK(back.sender == e.sender);
}

TEST_CASE("sync hint: a github_issue_event payload needs its repo and number") {
  CHECK_THROWS_AS(github_event_from_payload(json::parse(R"({"number":42})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(github_event_from_payload(json::parse(R"({"repo":"","number":42})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(github_event_from_payload(json::parse(R"({"repo":"a/b","number":"42"})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(github_event_from_payload(json::parse("null")), std::invalid_argument);
  // Reconcile's event: no delivery, no sender.
  const auto e = github_event_from_payload(
      json::parse(R"({"repo":"a/b","number":7,"page_id":"p","action":"reconcile"})"));
  CHECK(e.action == "reconcile");
  CHECK(e.delivery.empty());
  CHECK(e.sender.empty());
}
