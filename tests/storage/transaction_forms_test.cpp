// The transaction forms code outside storage/ uses (storage::database read/write/autocommit/
// on_session): what each commits, and that the async form hands back the same values.
#include <doctest/doctest.h>

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "storage/batched_rows.hpp"
#include "storage/database.hpp"
#include "storage/migrator.hpp"
#include "storage/page_notices.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::scratch_database;

namespace {

const sys_time t0{std::chrono::seconds(1'796'565'480)};

void notice(transaction t, const std::string& page) {
  page_notices::record(t, page, {"GitHub answered 503", false, t0, 1});
}

std::set<std::string> noticed(database& db) {
  return db.read_sync([](transaction t) { return page_notices::noticed_pages(t); });
}

}  // namespace

TEST_CASE(
    "database: write commits when the work returns, and nothing when it "
    "throws") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  db.write_sync([](transaction t) { notice(t, "page-a"); });
  CHECK_THROWS_AS(db.write_sync([](transaction t) {
    notice(t, "page-b");
    throw std::runtime_error("the work failed after its write");
  }),
                  std::runtime_error);
  CHECK(noticed(db) == std::set<std::string>{"page-a"});
  // A value comes back from a write as from a read.
  CHECK(db.write_sync([](transaction t) { return page_notices::clear(t, "page-a"); }));
  CHECK(noticed(db).empty());
}

TEST_CASE(
    "database: read is read-only; autocommit keeps each statement that "
    "succeeded") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  CHECK_THROWS(db.read_sync([](transaction t) { notice(t, "page-a"); }));
  CHECK(noticed(db).empty());
  CHECK_THROWS(db.autocommit_sync([](transaction t) {
    notice(t, "page-a");
    t.sql().exec("SELECT no_such_column FROM page_notices");
  }));
  CHECK(noticed(db) == std::set<std::string>{"page-a"});
}

TEST_CASE(
    "database: on_session hands over the connection for work with its "
    "own transactions") {
  scratch_database sdb;
  database db(sdb.settings());
  CHECK_FALSE(db.on_session_sync([](session s) { return schema_is_current(s); }));
  db.on_session_sync([](session s) { migrate(s); });
  CHECK(db.on_session_sync([](session s) { return schema_is_current(s); }));
}

TEST_CASE("database: the awaitable forms resume the caller with the work's value") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  boost::asio::io_context io;
  auto body = [&]() -> boost::asio::awaitable<std::set<std::string>> {
    co_await db.write([](transaction t) { notice(t, "page-a"); });
    co_await db.autocommit([](transaction t) { notice(t, "page-b"); });
    co_return co_await db.read([](transaction t) { return page_notices::noticed_pages(t); });
  };
  auto done = boost::asio::co_spawn(io, body(), boost::asio::use_future);
  io.run();
  CHECK(done.get() == std::set<std::string>{"page-a", "page-b"});
}

TEST_CASE(
    "write_rows: a failing batch is retried row by row and only the bad "
    "row fails") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  // The batch writes its rows in turn; a row "bad" fails it (the rows before it stay written:
  // autocommit, and each write is an idempotent upsert, as the real batched statements are).
  auto batched = [](transaction t, const std::vector<std::string>& pages) {
    std::vector<bool> out;
    for (const auto& p : pages) {
      if (p == "bad") t.sql().exec("SELECT 1/0");
      notice(t, p);
      out.push_back(true);
    }
    return out;
  };
  boost::asio::io_context io;
  auto done = boost::asio::co_spawn(
      io, write_rows(db, std::vector<std::string>{"page-a", "bad", "page-c"}, batched),
      boost::asio::use_future);
  io.run();
  const auto outcomes = done.get();
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0].result);
  CHECK_FALSE(outcomes[0].error);
  CHECK(outcomes[1].error);
  CHECK(outcomes[2].result);
  CHECK(noticed(db) == std::set<std::string>{"page-a", "page-c"});
}
