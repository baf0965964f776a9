// Reconcile's findings carried out in-process (support/engine_harness.hpp), for an action the
// other engine cases do not reach: a sync with the page's hash forgotten. (A link that moves with
// a transferred issue needs a second repository: e2e_twoway_test.cpp.)
// What each finding is and says is tested as values in tests/core/sync_reconcile_findings_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <boost/json.hpp>

#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";  // NOLINT(cert-err58-cpp)

std::int64_t number_of(const engine_harness& h, const std::string& page_id) {
  auto v = h.property(page_id, "GitHub Issue Number");
  REQUIRE_MESSAGE(v.is_number(), "the page shows no issue number");
  return v.to_number<std::int64_t>();
}

bool said(const ngsync::engine::reconcile_report& r, const std::string& words) {
  return std::ranges::any_of(
      r.findings, [&](const std::string& f) { return f.find(words) != std::string::npos; });
}

}  // namespace

TEST_CASE("engine: reconcile gives an issue whose marker a person removed its section back") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  h.act("github", "edit_issue",
        {{"repo", "acme/roadmap"},
         {"number", n},
         {"body", "A person's own description."},
         {"as", "ada-l"}});
  auto dry = h.reconcile(ngsync::engine::reconcile_mode::full, true);
  CHECK(dry.drift == 1);
  CHECK(said(dry, "acme/roadmap#" + std::to_string(n) + " carries no marker for page " +
                      login_page + "; would sync the page"));
  auto body = [&] { return std::string(h.issues().at(n).at("body").as_string()); };
  CHECK(body() == "A person's own description.");  // the dry run changed nothing
  auto report = h.reconcile();  // the sync it queued (hash forgotten) runs, as a worker would
  CHECK(report.drift == 1);
  CHECK(body().find("Notion-Page-ID: " + login_page) != std::string::npos);
  CHECK(h.reconcile().in_order == 1);
}
