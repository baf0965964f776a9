// Golden values of what the link table stores: page_links.synced_fields_hash
// (hash_synced_fields) and the last-written body_revision (content_revision, also the issue
// body's Last-Notion-Revision marker). They are compared with freshly computed values on every
// sync, so a change in their computation (serialization, case folding, set order, the digest
// library) would make every linked page look changed at once: one GitHub write per page, and
// the body marker of every issue rewritten.
//
// The expected values were computed outside ngsync (Python's hashlib over the serialization
// documented in core/sync/synced_fields.cpp) and are literal on purpose: never regenerate them
// from the code under test.
//
// If one of them must change, the change is a format change, not a test fix:
//   1. bump the version line ("ngsync-synced-fields-v1") so old and new hashes can never
//      compare equal by accident;
//   2. ship a migration plan with it: either a numbered migration (or a one-off job) that
//      recomputes synced_fields_hash / body_revision for every link from the values last
//      written, or a planner rule that treats a stored hash of the old version as "unknown" and
//      re-hashes on the next sync without a GitHub write when the issue already matches;
//   3. then update the literals here, and say in the commit which plan was taken.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "core/sync/link_state.hpp"
#include "core/sync/synced_fields.hpp"

using namespace ngsync::sync;

namespace {

synced_fields page(std::string title, std::string body) {
  synced_fields f;
  f.repo = "acme/widgets";
  f.title = std::move(title);
  f.page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  f.page_url = "https://www.notion.so/Fix-login-dcdc805c85fa4155a55c20fc28771af7";
  f.body_markdown = std::move(body);
  return f;
}

}  // namespace

TEST_CASE("golden: the stored synced-fields hash of fixed pages never changes") {
  SUBCASE("ASCII title, body, labels and an assignee") {
    auto f = page("Fix login", "Steps:\n- open /login\n");
    f.labels = {"bug", "ui"};
    f.assignees = {"alice"};
    CHECK(hash_synced_fields(f) ==
          "675f5d10c750c6043f0093485ec459afec0ecef549c1a3143d680c18323d2a58");
  }
  SUBCASE("the same page with labels reordered, re-cased, padded and repeated") {
    auto f = page("Fix login", "Steps:\n- open /login\n");
    f.labels = {"UI", " Bug ", "bug"};
    f.assignees = {"Alice"};
    CHECK(hash_synced_fields(f) ==
          "675f5d10c750c6043f0093485ec459afec0ecef549c1a3143d680c18323d2a58");
  }
  SUBCASE("multi-byte UTF-8: lengths are counted in bytes") {
    auto f = page("Überprüfen: 日本語 ✓", "Grüße 👋 — 中文\n");
    f.labels = {"bug"};
    CHECK(hash_synced_fields(f) ==
          "569e29abec22d3a70a7d98432bd7afa1d14e1cebfae88abee50211ca1349363c");
  }
  SUBCASE("empty body, no labels, no assignees") {
    CHECK(hash_synced_fields(page("Empty page", "")) ==
          "97b74b5055a3d4c84e62ec3f186afabfebb7c5974d8698c9e854f7b9641fc022");
  }
  SUBCASE("body sync off (the text is not hashed), a draft PR closed as not planned") {
    auto f = page("Empty page", "ignored");
    f.sync_body = false;
    f.kind = issue_kind::draft_pr;
    f.state = desired_state::closed_not_planned;
    CHECK(hash_synced_fields(f) ==
          "754e7c4cbe6d79ef8313b4a946517cb0c2c419dda6bba13c2f73708a887914c5");
  }
}

TEST_CASE("golden: the stored body revision of fixed bodies never changes") {
  CHECK(content_revision("") == "e3b0c44298fc1c14");
  CHECK(content_revision("Steps:\n- open /login\n") == "a81671da7ba573b6");
  CHECK(content_revision("Grüße 👋 — 中文\n") == "6f8aba6a329f9b12");
  // What the link's last-written record keeps: the revision of the body, or of nothing when
  // body sync is off.
  auto f = page("Fix login", "Steps:\n- open /login\n");
  CHECK(written_values_of(f, "2026-12-07T00:00:00Z").body_revision == "a81671da7ba573b6");
  f.sync_body = false;
  CHECK(written_values_of(f, "2026-12-07T00:00:00Z").body_revision == "e3b0c44298fc1c14");
}
