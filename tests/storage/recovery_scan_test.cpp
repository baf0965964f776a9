// The recovery scan's record (issue 19): the links a scan found and the row saying it ran are
// written together or not at all, and only the first of several scans of a repository counts.
#include <doctest/doctest.h>

#include "storage/link_store.hpp"
#include "storage/recovery_scan.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::scratch_database;

namespace {

const std::string ds = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
const std::string page_a = "a1000000-0000-4000-8000-000000000001";
const std::string page_b = "a1000000-0000-4000-8000-000000000002";

int count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction t(c);
  return t.exec1(sql)[0].as<int>();
}

scan_need need(pqxx::connection& c, const std::string& repo) {
  pqxx::read_transaction t(c);
  return recovery_scan::need(t, repo);
}

}  // namespace

TEST_CASE("recovery scan: links and the scan row commit together, and only once") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  const std::vector<recovered_issue> found{
      {page_a, 7, "I_7", "https://github.com/acme/roadmap/issues/7",
       ngsync::sync::issue_kind::issue},
      {page_b, 8, "I_8", "https://github.com/acme/roadmap/issues/8",
       ngsync::sync::issue_kind::issue}};

  CHECK(need(*c, "Acme/Roadmap") == scan_need::needed);

  // A transaction that does not commit (a crash after the reads) leaves neither links nor row.
  {
    pqxx::work t(*c);
    CHECK(recovery_scan::record(t, "acme/roadmap", ds, found));
    t.abort();
  }
  CHECK(count(*c, "SELECT count(*) FROM page_links") == 0);
  CHECK(need(*c, "acme/roadmap") == scan_need::needed);

  // Page b already has its own row (a create in flight): it keeps it.
  {
    pqxx::work t(*c);
    link_store::record_create_intent(t, page_b, ds, "acme/roadmap", "attempt-1",
                                     std::chrono::system_clock::now());
    t.commit();
  }
  {
    pqxx::work t(*c);
    int linked = -1;
    CHECK(recovery_scan::record(t, "ACME/roadmap", ds, found, &linked));
    CHECK(linked == 1);
    t.commit();
  }
  CHECK(need(*c, "acme/roadmap") == scan_need::done);
  {
    pqxx::read_transaction t(*c);
    auto a = link_store::get(t, page_a);
    REQUIRE(a);
    CHECK(*a->issue_number == 7);
    CHECK(*a->github_repo == "acme/roadmap");
    CHECK(a->sync_status == ngsync::sync::link_status::pending);
    auto b = link_store::get(t, page_b);
    REQUIRE(b);
    CHECK_FALSE(b->issue_number);  // untouched
  }
  CHECK(count(*c, "SELECT issues_found FROM repo_recovery_scans") == 2);

  // A second scan (another process that read GitHub meanwhile) records nothing.
  {
    pqxx::work t(*c);
    int linked = -1;
    CHECK_FALSE(recovery_scan::record(
        t, "acme/roadmap", ds,
        {{"a1000000-0000-4000-8000-000000000009", 9, "I_9", "u", ngsync::sync::issue_kind::issue}},
        &linked));
    CHECK(linked == 0);
    t.commit();
  }
  CHECK(count(*c, "SELECT count(*) FROM page_links WHERE issue_number IS NOT NULL") == 1);
  CHECK(count(*c, "SELECT count(*) FROM repo_recovery_scans") == 1);
}

TEST_CASE("recovery scan: a database that links issues in the repository needs none") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  {
    pqxx::work t(*c);
    page_link l;
    l.notion_page_id = page_a;
    l.data_source_id = ds;
    l.github_repo = "acme/roadmap";
    l.issue_number = 3;
    link_store::upsert(t, l);
    t.commit();
  }
  CHECK(need(*c, "acme/roadmap") == scan_need::unneeded);
  CHECK(need(*c, "acme/other") == scan_need::needed);
  {
    pqxx::work t(*c);
    CHECK(recovery_scan::record_unneeded(t, "acme/roadmap"));
    CHECK_FALSE(recovery_scan::record_unneeded(t, "acme/roadmap"));
    t.commit();
  }
  CHECK(need(*c, "acme/roadmap") == scan_need::done);
}
