// Sliced reconciliation's storage (migration 0016): which links are due, and marking them.
#include <doctest/doctest.h>

#include "storage/link_store.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

namespace {

std::vector<std::string> ids_of(const std::vector<page_link>& links) {
  std::vector<std::string> out;
  for (const auto& l : links) out.push_back(l.notion_page_id);
  return out;
}

}  // namespace

TEST_CASE("link_store: the links due soonest, never-verified first, then the oldest") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto t0 = from_epoch_us(to_epoch_us(std::chrono::system_clock::now()));
  {
    pqxx::work t(*c);
    for (int i = 1; i <= 4; ++i) {
      const auto page = "page-" + std::to_string(i);
      link_store::record_create_intent(t, page, "ds-1", "org/repo", "a" + page, t0);
      link_store::record_created(t, page, i, "node", "https://github.com/org/repo/issues/1");
    }
    // An intent without an issue yet has nothing to verify.
    link_store::record_create_intent(t, "page-5", "ds-1", "org/repo", "a5", t0);
    t.commit();
  }
  pqxx::work t(*c);
  CHECK(link_store::count_verifiable(t) == 4);
  CHECK(ids_of(link_store::due_for_verification(t, 2)) ==
        std::vector<std::string>{"page-1", "page-2"});
  link_store::mark_verified(t, {"page-1", "page-2"}, t0);
  CHECK(ids_of(link_store::due_for_verification(t, 2)) ==
        std::vector<std::string>{"page-3", "page-4"});
  link_store::mark_verified(t, {"page-3"}, t0 + 1h);
  link_store::mark_verified(t, {"page-4"}, t0 - 1h);
  // page-4 was verified longest ago, page-3 most recently.
  CHECK(ids_of(link_store::due_for_verification(t, 10)) ==
        std::vector<std::string>{"page-4", "page-1", "page-2", "page-3"});
  link_store::mark_verified(t, {}, t0);  // nothing to mark: no statement
}

TEST_CASE("link_store: the last reconcile pass is one row, replaced") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const auto t0 = from_epoch_us(to_epoch_us(std::chrono::system_clock::now()));
  pqxx::work t(*c);
  CHECK_FALSE(link_store::last_reconcile_pass(t));
  link_store::record_reconcile_pass(t, t0);
  link_store::record_reconcile_pass(t, t0 + 10min);
  REQUIRE(link_store::last_reconcile_pass(t));
  CHECK(*link_store::last_reconcile_pass(t) == t0 + 10min);
  CHECK(t.exec1("SELECT count(*) FROM reconcile_passes")[0].as<int>() == 1);
}
