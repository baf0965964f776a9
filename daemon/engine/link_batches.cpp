#include "daemon/engine/link_batches.hpp"

#include <exception>
#include <stdexcept>
#include <vector>

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

template <class Result>
struct row_outcome {
  Result result{};
  std::exception_ptr error;
};

// Starts `batched` (one statement for every row of `entries`) on a pool connection; the
// awaitable yields one outcome per row. A statement error changes nothing (autocommit), so the
// rows are then tried one by one and only a row that fails again carries the error. A lost
// connection fails the whole attempt: the database retries it, which every batched statement
// allows (each is idempotent). Not a coroutine: g++ 12 mis-handles by-value class parameters
// of coroutine templates, so the flushes below only co_await what this returns.
template <class Entry, class Batched>
auto run_rows(storage::database& db, const std::vector<Entry>& entries, Batched batched) {
  using item_type = decltype(entries.front().item);
  using result_type = decltype(entries.front().result);
  std::vector<item_type> items;
  items.reserve(entries.size());
  for (const auto& e : entries) items.push_back(e.item);
  auto work = [items = std::move(items), batched](pqxx::connection& c) {
    std::vector<row_outcome<result_type>> out(items.size());
    auto run = [&](const std::vector<item_type>& rows) {
      pqxx::nontransaction t(c);  // one statement: autocommit
      return batched(t, rows);
    };
    try {
      auto results = run(items);
      for (std::size_t i = 0; i < items.size(); ++i) out[i].result = results[i];
      return out;
    } catch (const std::exception& e) {
      if (storage::is_connection_loss(e)) throw;
      if (items.size() == 1) {
        out[0].error = std::current_exception();
        return out;
      }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      try {
        out[i].result = run({items[i]}).front();
      } catch (const std::exception& e) {
        if (storage::is_connection_loss(e)) throw;
        out[i].error = std::current_exception();
      }
    }
    return out;
  };
  return db.run(std::move(work));
}

template <class Entry, class Outcome>
void hand_out(std::vector<Entry>& entries, std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].result = std::move(outcomes[i].result);
    entries[i].error = outcomes[i].error;
  }
}

// A group_commit flush that writes its batch with `batched`.
template <class Entry, class Batched>
auto flush_with(storage::database& db, Batched batched) {
  return [pool = &db, batched](std::vector<Entry>& entries) -> net::awaitable<void> {
    auto op = run_rows(*pool, entries, batched);
    auto outcomes = co_await std::move(op);
    hand_out(entries, outcomes);
  };
}

}  // namespace

link_batches::link_batches(storage::database& db)
    : reads_(flush_with<decltype(reads_)::entry>(
          db, [](pqxx::transaction_base& t, const std::vector<std::string>& ids) {
            return storage::link_store::get_many(t, ids);
          }), 64, storage::busy_linger),
      intents_(flush_with<decltype(intents_)::entry>(
          db, [](pqxx::transaction_base& t, const std::vector<storage::create_intent>& rows) {
            storage::link_store::record_create_intents(t, rows);
            return std::vector<bool>(rows.size(), true);
          }), 64, storage::busy_linger),
      created_(flush_with<decltype(created_)::entry>(
          db, [](pqxx::transaction_base& t, const std::vector<storage::created_issue>& rows) {
            return storage::link_store::record_created_many(t, rows);
          }), 64, storage::busy_linger),
      synced_(flush_with<decltype(synced_)::entry>(
          db, [](pqxx::transaction_base& t, const std::vector<storage::synced_page>& rows) {
            return storage::link_store::mark_in_sync_many(t, rows);
          }), 64, storage::busy_linger) {}

net::awaitable<std::optional<storage::page_link>> link_batches::get(std::string page_id) {
  co_return co_await reads_.submit(page_id);
}

net::awaitable<void> link_batches::record_create_intent(storage::create_intent intent) {
  co_await intents_.submit(intent);
}

net::awaitable<void> link_batches::record_created(storage::created_issue created) {
  const auto page_id = created.page_id;
  const bool found = co_await created_.submit(created);
  if (!found) throw std::runtime_error("record_created: no link row for page " + page_id);
}

net::awaitable<void> link_batches::mark_in_sync(storage::synced_page synced) {
  const auto page_id = synced.page_id;
  const bool created = synced.created.has_value();
  const bool found = co_await synced_.submit(synced);
  // Without its row the new issue's number would be lost, and the next sync would create a
  // second issue. (A plain in-sync mark of a vanished link loses nothing.)
  if (!found && created)
    throw std::runtime_error("mark_in_sync: no link row for page " + page_id +
                             " to record its new issue in");
}

}  // namespace ngsync::engine
