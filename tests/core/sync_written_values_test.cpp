// What the link records as written to GitHub: the values sent, plus the name lists GitHub's
// answer showed when it applied fewer (it drops labels and assignees silently without push
// access). Comparisons with GitHub use what it held; an unchanged page does not ask again.
#include <doctest/doctest.h>

#include "core/sync/link_state.hpp"

using namespace ngsync::sync;

namespace {

synced_fields wanted() {
  synced_fields f;
  f.repo = "acme/widgets";
  f.title = "Fix login";
  f.labels = {"bug", "UI"};
  f.assignees = {"alice"};
  return f;
}

const std::string at = "2026-12-07T02:00:00Z";

}  // namespace

TEST_CASE(
    "written values: a write that sent no name list, or had it all applied, records the request") {
  CHECK(written_values_of(wanted(), at, github_applied_names{}) == written_values_of(wanted(), at));
  github_applied_names all;
  all.labels = std::vector<std::string>{"ui", "BUG"};  // GitHub's case and order
  all.assignees = std::vector<std::string>{"Alice"};
  const auto w = written_values_of(wanted(), at, all);
  CHECK(w == written_values_of(wanted(), at));
  CHECK(labels_on_github(w) == std::vector<std::string>{"bug", "UI"});
  CHECK(dropped_by_github(w).empty());
  CHECK_FALSE(dropped_names_message(w, "acme/widgets").has_value());
}

TEST_CASE("written values: what GitHub dropped is kept beside what was sent") {
  github_applied_names shown;
  shown.labels = std::vector<std::string>{};  // no push access: all dropped
  shown.assignees = std::vector<std::string>{"alice"};
  const auto w = written_values_of(wanted(), at, shown);
  CHECK(w.labels == std::vector<std::string>{"bug", "UI"});  // what Notion asked for
  CHECK(labels_on_github(w).empty());                        // what the issue holds
  CHECK(assignees_on_github(w) == std::vector<std::string>{"alice"});
  CHECK_FALSE(w.assignees_applied.has_value());
  CHECK(dropped_by_github(w) == std::vector<std::string>{"label bug", "label UI"});
  const auto message = dropped_names_message(w, "acme/widgets");
  REQUIRE(message.has_value());
  CHECK(message->find("GitHub did not apply label bug, label UI on acme/widgets") == 0);
  CHECK(message->find("push access") != std::string::npos);
}

TEST_CASE("written values: a dropped assignee alone is named") {
  github_applied_names shown;
  shown.assignees = std::vector<std::string>{};
  const auto w = written_values_of(wanted(), at, shown);
  CHECK(dropped_by_github(w) == std::vector<std::string>{"assignee alice"});
  CHECK(labels_on_github(w) == w.labels);
}
