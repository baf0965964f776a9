// Which failed answers mean "the page was trashed after it was read" (chaos bug 6): Notion's 400
// on a write to an archived page, read through classify() from the body Notion sends.
#include <doctest/doctest.h>

#include "core/api/api_failure.hpp"

namespace api = ngsync::api;
namespace rl = ngsync::ratelimit;

namespace {

api::api_failure failure_of(const std::string& api_name, unsigned status, std::string body) {
  rl::api_result r;
  ngsync::http::response resp;
  resp.status = status;
  resp.body = std::move(body);
  r.response = std::move(resp);
  r.attempts = 1;
  return api::classify(api_name, "update page", r);
}

}  // namespace

TEST_CASE("a write to an archived page is recognised; other 400s are not") {
  const auto archived = failure_of(
      "notion", 400,
      R"({"object":"error","status":400,"code":"validation_error","message":"Can't edit block that is archived. You must unarchive the block before editing."})");
  CHECK(archived.kind == api::failure_kind::permanent);
  CHECK(api::is_archived_page_edit(archived));

  const auto other = failure_of(
      "notion", 400,
      R"({"object":"error","status":400,"code":"validation_error","message":"Sync Status is not a property that exists."})");
  CHECK_FALSE(api::is_archived_page_edit(other));

  const auto not_found = failure_of(
      "notion", 404,
      R"({"object":"error","status":404,"code":"object_not_found","message":"archived or missing"})");
  CHECK_FALSE(api::is_archived_page_edit(not_found));

  const auto github = failure_of("github", 400, R"({"message":"archived repository"})");
  CHECK_FALSE(api::is_archived_page_edit(github));
}
