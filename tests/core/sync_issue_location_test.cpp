// Where an issue lives, from its html_url: the check that notices a transferred issue.
#include <doctest/doctest.h>

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
