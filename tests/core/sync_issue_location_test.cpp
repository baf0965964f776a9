// Where an issue lives, from its html_url: the check that notices a transferred issue.
#include <doctest/doctest.h>

#include "core/api/api_failure.hpp"
#include "core/sync/issue_location.hpp"

using namespace ngsync::sync;

TEST_CASE("an issue's location is read from its html_url") {
  CHECK(location_of("https://github.com/Acme/Roadmap/issues/12") ==
        issue_location{"acme/roadmap", 12});
  CHECK(location_of("https://github.com/acme/roadmap/pull/7") == issue_location{"acme/roadmap", 7});
  CHECK(location_of("https://ghe.example.com/acme/roadmap/issues/3?x=1") ==
        issue_location{"acme/roadmap", 3});
  CHECK_FALSE(location_of("https://github.com/acme/roadmap"));
  CHECK_FALSE(location_of("https://github.com/acme/roadmap/issues/abc"));
  CHECK_FALSE(location_of("https://github.com/acme/roadmap/issues/0"));
  CHECK_FALSE(location_of("not a url"));
  CHECK_FALSE(location_of(""));
}

TEST_CASE("a transferred issue is noticed; the same place (any case) is not a move") {
  CHECK_FALSE(moved_location("https://github.com/Acme/Roadmap/issues/12", "acme/roadmap", 12));
  auto moved = moved_location("https://github.com/acme/archive/issues/3", "acme/roadmap", 12);
  REQUIRE(moved);
  CHECK(moved->repo == "acme/archive");
  CHECK(moved->number == 3);
  CHECK(moved_location("https://github.com/acme/roadmap/issues/13", "acme/roadmap", 12));
  CHECK_FALSE(moved_location("", "acme/roadmap", 12));  // nothing known: no move
}

namespace {

ngsync::api::api_failure failed_read(
    unsigned status, ngsync::api::failure_kind kind = ngsync::api::failure_kind::permanent) {
  ngsync::api::api_failure f;
  f.kind = kind;
  f.api = "github";
  f.operation = "get issue";
  f.status = status;
  return f;
}

}  // namespace

TEST_CASE("an issue is gone when GitHub answers 404, 410 or a redirect it could not follow") {
  CHECK(issue_gone(failed_read(404)) == issue_gone_reason::missing);
  CHECK(issue_gone(failed_read(410)) == issue_gone_reason::deleted);
  for (unsigned redirect : {301U, 302U, 307U, 308U}) {
    CAPTURE(redirect);
    CHECK(issue_gone(failed_read(redirect)) == issue_gone_reason::moved);
  }
}

TEST_CASE("any other failure of an issue read says nothing about the issue") {
  for (unsigned status : {0U, 401U, 403U, 422U}) {
    CAPTURE(status);
    CHECK_FALSE(issue_gone(failed_read(status)));
  }
  CHECK_FALSE(issue_gone(failed_read(502, ngsync::api::failure_kind::transient)));
  CHECK_FALSE(issue_gone(failed_read(404, ngsync::api::failure_kind::throttled)));
}

TEST_CASE("a gone issue's message names it and why") {
  CHECK(gone_message("acme/app", 4, issue_gone_reason::deleted, 410) ==
        "issue acme/app#4 was deleted on GitHub");
  CHECK(gone_message("acme/app", 4, issue_gone_reason::missing, 404) ==
        "issue acme/app#4 is gone from GitHub");
  CHECK(gone_message("acme/app", 4, issue_gone_reason::moved, 308) ==
        "issue acme/app#4 was moved or transferred on GitHub (HTTP 308) and the redirect could "
        "not be followed");
}
