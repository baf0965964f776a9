// group_commit in virtual time (tests/support/virtual_time.hpp): flush round trips, arrivals and
// the linger are timers on the test's clock, so batches and their start times are exact.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "storage/group_commit.hpp"
#include "tests/support/virtual_time.hpp"

namespace net = boost::asio;
using ngsync::storage::group_commit;
using ngsync::test::virtual_clock;
using ngsync::test::virtual_timer;
using namespace std::chrono_literals;

namespace {

// A flush that takes a while, as a round trip does, and records each batch it was given and
// when (virtual milliseconds since `start`).
struct recorded_flushes {
  virtual_clock::time_point start = virtual_clock::now();
  std::vector<std::vector<int>> batches;
  std::vector<long> started_ms;

  long now_ms() const {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(virtual_clock::now() - start)
            .count());
  }
};

using int_committer = group_commit<int, int, virtual_timer>;

net::awaitable<void> record_then_wait(recorded_flushes& seen,
                                      const std::vector<int_committer::entry>& entries,
                                      std::chrono::milliseconds round_trip) {
  std::vector<int> items;
  items.reserve(entries.size());
  for (const auto& e : entries) items.push_back(e.item);
  seen.batches.push_back(items);
  seen.started_ms.push_back(seen.now_ms());
  virtual_timer wait(co_await net::this_coro::executor, round_trip);
  co_await wait.async_wait(net::use_awaitable);
}

// Everything here is in-process: 1 ms steps, no real waiting.
bool run(net::io_context& io) {
  return ngsync::test::run_in_virtual_time(io, {1ms, 0us, 1min});
}

}  // namespace

TEST_CASE("group commit: items arriving during a flush go together in the next one") {
  net::io_context io;
  recorded_flushes seen;
  int_committer squares(
      [&](std::vector<int_committer::entry>& entries) -> net::awaitable<void> {
        co_await record_then_wait(seen, entries, std::chrono::milliseconds(20));
        for (auto& e : entries) {
          if (e.item == 13) e.error = std::make_exception_ptr(std::runtime_error("unlucky"));
          e.result = e.item * e.item;
        }
      },
      4);
  std::vector<int> results(10, -1);
  std::vector<std::string> errors(10);
  for (int i = 0; i < 10; ++i) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          const int item = i + 5;  // 5..14; 13 fails
          try {
            results[i] = co_await squares.submit(item);
          } catch (const std::exception& e) {
            errors[i] = e.what();
          }
        },
        net::detached);
  }
  REQUIRE(run(io));
  // The first item goes alone at once; the nine that arrived meanwhile follow in batches of at
  // most 4, in arrival order, one after the other.
  REQUIRE(seen.batches.size() == 4);
  CHECK(seen.started_ms == std::vector<long>{0, 20, 40, 60});
  CHECK(seen.batches[0] == std::vector<int>{5});
  CHECK(seen.batches[1] == std::vector<int>{6, 7, 8, 9});
  CHECK(seen.batches[2] == std::vector<int>{10, 11, 12, 13});
  CHECK(seen.batches[3] == std::vector<int>{14});
  for (int i = 0; i < 10; ++i) {
    if (i + 5 == 13) {
      CHECK(errors[i] == "unlucky");
      CHECK(results[i] == -1);
    } else {
      CHECK(errors[i].empty());
      CHECK(results[i] == (i + 5) * (i + 5));
    }
  }
}

TEST_CASE("group commit: a flush that throws fails its own batch only") {
  net::io_context io;
  using committer = group_commit<int, bool>;
  int flushes = 0;
  committer writes([&](std::vector<committer::entry>& entries) -> net::awaitable<void> {
    ++flushes;
    co_await net::post(co_await net::this_coro::executor, net::use_awaitable);  // a round trip
    if (entries.front().item == 1) throw std::runtime_error("connection lost");
    for (auto& e : entries) e.result = true;
  });
  std::vector<std::string> outcome(3);
  for (int i = 0; i < 3; ++i) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          const int item = i + 1;
          try {
            outcome[i] = co_await writes.submit(item) ? "ok" : "false";
          } catch (const std::exception& e) {
            outcome[i] = e.what();
          }
        },
        net::detached);
  }
  io.run();
  CHECK(flushes == 2);
  CHECK(outcome[0] == "connection lost");
  CHECK(outcome[1] == "ok");
  CHECK(outcome[2] == "ok");
  // Quiet again: the next item is flushed alone, at once.
  bool later = false;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        const int item = 7;
        later = co_await writes.submit(item);
      },
      net::detached);
  io.restart();
  io.run();
  CHECK(later);
  CHECK(flushes == 3);
}

TEST_CASE("group commit: a busy committer lingers for more items, a quiet one does not") {
  net::io_context io;
  recorded_flushes seen;
  int_committer echo(
      [&](std::vector<int_committer::entry>& entries) -> net::awaitable<void> {
        co_await record_then_wait(seen, entries, std::chrono::milliseconds(20));
        for (auto& e : entries) e.result = e.item;
      },
      64, std::chrono::milliseconds(100));
  // Each flush takes 20 ms. Item 1 arrives at 0 ms, 2 and 3 at 5 and 6 ms (during 1's flush; a
  // millisecond apart, as timers due at the same instant fire in no set order), 4 at 30 ms
  // (during the next flush), 5 at 50 ms, and 6 long after the rest.
  const std::vector<std::pair<int, int>> arrivals{{1, 0},  {2, 5},  {3, 6},
                                                  {4, 30}, {5, 50}, {6, 600}};
  virtual_clock::duration quiet_wait{};
  for (const auto& arrival : arrivals) {
    const int item = arrival.first;
    const int at_ms = arrival.second;
    net::co_spawn(
        io,
        [&, item, at_ms]() -> net::awaitable<void> {
          virtual_timer until(co_await net::this_coro::executor, std::chrono::milliseconds(at_ms));
          co_await until.async_wait(net::use_awaitable);
          const auto submitted = virtual_clock::now();
          CHECK(co_await echo.submit(item) == item);
          if (item == 6) quiet_wait = virtual_clock::now() - submitted;
        },
        net::detached);
  }
  REQUIRE(run(io));
  // 1 goes alone at once (0 ms), as the first item of a quiet committer does; 2 and 3 arrived
  // during its flush and go next, at once (20 ms; the batch before held one item). That batch
  // held two, so the next flush lingers 100 ms after it ends (40 ms): 4 and 5, 20 ms apart, go
  // together at 140 ms. Then the committer is quiet, and 6 goes at once, alone (600 ms).
  REQUIRE(seen.batches.size() == 4);
  CHECK(seen.batches[0] == std::vector<int>{1});
  CHECK(seen.batches[1] == std::vector<int>{2, 3});
  CHECK(seen.batches[2] == std::vector<int>{4, 5});
  CHECK(seen.batches[3] == std::vector<int>{6});
  CHECK(seen.started_ms == std::vector<long>{0, 20, 140, 600});
  CHECK(quiet_wait == 20ms);  // its 20 ms flush, no linger before it
}
