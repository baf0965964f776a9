// The group-committed link writes of page syncs running at once, against a real Postgres: many
// jobs' rows in one statement, and a row that fails leaves the others written and carries its
// own error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "storage/link_port.hpp"
#include "tests/storage/scratch_database.hpp"

namespace net = boost::asio;
using namespace std::chrono_literals;
using ngsync::storage::link_port;
using ngsync::storage::testing::scratch_database;
namespace storage = ngsync::storage;

TEST_CASE("link batches: concurrent syncs' link writes are committed together, errors per row") {
  scratch_database sdb;
  sdb.migrate();
  storage::database_settings s;
  s.url = sdb.url();
  s.threads = 2;
  storage::database db(s);
  link_port links(db);
  net::io_context io;
  const auto t0 = storage::from_epoch_us(storage::to_epoch_us(std::chrono::system_clock::now()));
  constexpr int pages = 24;
  std::vector<std::string> failures(pages);
  std::vector<bool> found_after(pages, false);
  for (int i = 0; i < pages; ++i) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          const std::string page = "page-" + std::to_string(i);
          try {
            const auto before = co_await links.get(page);
            CHECK_FALSE(before);
            // Pages 5 and 10 never record an intent: recording their issue must fail.
            if (i != 5 && i != 10) {
              const storage::create_intent intent{page, "ds-1", "Org/Repo", "attempt-" + page, t0};
              co_await links.record_create_intent(intent);
            }
            // Pages 6 and 8 both claim issue #1006: the unique index lets only one have it.
            const int number = i == 8 ? 1006 : 1000 + i;
            const storage::created_issue created{
                page, number, "I_" + page,
                "https://github.com/org/repo/issues/" + std::to_string(number),
                ngsync::sync::issue_kind::issue};
            // Odd pages record the issue on its own, even ones with the in-sync state.
            if (i % 2 == 1) co_await links.record_created(created);
            storage::sync_outcome o;
            o.notion_last_edited = t0;
            o.synced_fields_hash = "hash-" + page;
            o.sync_run_id = "run-1";
            o.synced_at = t0 + 1s;
            o.written_to_github = {{"title", "Title " + page}};
            storage::synced_page synced{page, o};
            if (i % 2 == 0) synced.created = created;
            co_await links.mark_in_sync(synced);
            const auto after = co_await links.get(page);
            found_after[i] = after && after->sync_status == ngsync::sync::link_status::in_sync &&
                             after->issue_number == number &&
                             after->synced_fields_hash == "hash-" + page &&
                             after->written_to_github.at("title").as_string() == "Title " + page;
          } catch (const std::exception& e) {
            failures[i] = e.what();
          }
        },
        net::detached);
  }
  io.run();
  for (int i = 0; i < pages; ++i) {
    CAPTURE(i);
    if (i == 5) {
      CHECK(failures[i].find("no link row for page page-5") != std::string::npos);
    } else if (i == 10) {
      CHECK(failures[i].find("no link row for page page-10 to record its new issue in") !=
            std::string::npos);
    } else if (i == 8) {
      CHECK(failures[i].find("page_links_issue") != std::string::npos);  // the unique index
    } else {
      CHECK(failures[i].empty());
      CHECK(found_after[i]);
    }
  }
  auto c = sdb.connect();
  pqxx::work t(*c);
  CHECK(t.exec1("SELECT count(*) FROM page_links")[0].as<int>() == pages - 2);
  CHECK(t.exec1("SELECT count(*) FROM page_links WHERE sync_status = 'in_sync'")[0].as<int>() ==
        pages - 3);
  const auto page8 = t.exec1(
      "SELECT issue_number IS NULL, sync_status FROM page_links WHERE notion_page_id = 'page-8'");
  CHECK(page8[0].as<bool>());
  CHECK(page8[1].as<std::string>() == "pending");
  CHECK(t.exec1("SELECT github_repo FROM page_links WHERE notion_page_id = 'page-3'")[0]
            .as<std::string>() == "org/repo");
}
