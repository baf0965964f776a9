// The storage ports' operations that do more than one statement in their transaction, against a
// real Postgres: a poll's batch with the watermark, and a reconcile action with its job.
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/blocking.hpp"
#include "storage/cursor_store.hpp"
#include "storage/poll_port.hpp"
#include "storage/reconcile_port.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

namespace {

job_spec job(const std::string& page) {
  job_spec s;
  s.kind = "sync_page";
  s.unique_key = "sync:" + page;
  s.page_key = page;
  return s;
}

std::int64_t jobs(database& db) {
  return db.run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return t.exec("SELECT count(*) FROM jobs")[0][0].as<std::int64_t>();
  });
}

std::optional<poll_cursor> cursor(database& db, const std::string& ds) {
  return db.read_sync([ds](transaction t) { return cursor_store::get(t, ds); });
}

sys_time whole_us(sys_time t) {
  return from_epoch_us(to_epoch_us(t));
}

}  // namespace

TEST_CASE("poll port: only the last batch moves the watermark; one that saw nothing keeps it") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  job_queue queue(db);
  poll_port polls(db, queue, "ds-1");
  const auto t0 = whole_us(std::chrono::system_clock::now() - 1h);

  // An earlier batch: its jobs, and no cursor yet.
  CHECK(blocking(polls.enqueue({job("a"), job("b")}, std::nullopt)) == 2);
  CHECK_FALSE(cursor(db, "ds-1"));
  CHECK_FALSE(blocking(polls.watermark()));

  // A batch written again (a retry) merges into the waiting jobs.
  CHECK(blocking(polls.enqueue({job("a"), job("b")}, std::nullopt)) == 2);
  CHECK(jobs(db) == 2);

  // The last batch carries the watermark and its pages.
  const watermark_move last{t0, 3, 120s};
  CHECK(blocking(polls.enqueue({job("b"), job("c")}, last)) == 2);
  CHECK(jobs(db) == 3);
  CHECK(blocking(polls.watermark()) == t0);
  CHECK(cursor(db, "ds-1")->pages_seen == 3);

  // A poll that saw nothing keeps the stored watermark, and clears an error.
  blocking(polls.record_error("429"));
  CHECK(cursor(db, "ds-1")->last_error == "429");
  CHECK(blocking(polls.enqueue({}, watermark_move{std::nullopt, 0, 120s})) == 0);
  CHECK(blocking(polls.watermark()) == t0);
  CHECK_FALSE(cursor(db, "ds-1")->last_error);

  // The first poll of an empty data source starts from now, less the overlap.
  poll_port empty(db, queue, "ds-2");
  const auto before = std::chrono::system_clock::now();
  CHECK(blocking(empty.enqueue({}, watermark_move{std::nullopt, 0, 120s})) == 0);
  const auto after = std::chrono::system_clock::now();
  const auto kept = blocking(empty.watermark());
  REQUIRE(kept);
  CHECK(*kept >= whole_us(before - 120s - 1us));
  CHECK(*kept <= after - 120s + 1us);
  CHECK(jobs(db) == 3);
}

TEST_CASE("reconcile port: an action's link write and its job commit together, or neither") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings());
  job_queue queue(db);
  reconcile_port reconciles(db, queue);

  ngsync::sync::adopt_issue adopt;
  adopt.page_id = "page-1";
  adopt.data_source_id = "ds-1";
  adopt.mapping = "roadmap";
  adopt.repo = "org/repo";
  adopt.number = 7;
  adopt.node_id = "I_7";
  adopt.html_url = "https://github.com/org/repo/issues/7";
  blocking(reconciles.carry_out(adopt, std::nullopt, job("page-1")));
  const auto links = blocking(reconciles.links_in("org/repo"));
  REQUIRE(links.size() == 1);
  CHECK(links[0].notion_page_id == "page-1");
  CHECK(links[0].issue_number == 7);
  CHECK(jobs(db) == 1);

  // A move without the link it moves fails before its job is queued: nothing commits.
  ngsync::sync::move_link move;
  move.page_id = "page-1";
  move.repo = "org/other";
  move.number = 8;
  CHECK_THROWS_AS(blocking(reconciles.carry_out(move, std::nullopt, job("page-2"))),
                  std::logic_error);
  CHECK(jobs(db) == 1);

  // With the link as the pass read it, the link moves and keeps its other columns.
  blocking(reconciles.carry_out(move, links[0], std::nullopt));
  CHECK(blocking(reconciles.links_in("org/repo")).empty());
  const auto moved = blocking(reconciles.links_in("org/other"));
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].issue_number == 8);
  CHECK(moved[0].issue_node_id == "I_7");
  CHECK(blocking(reconciles.linked_repositories()) == std::vector<std::string>{"org/other"});
}
