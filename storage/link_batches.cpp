#include "storage/link_batches.hpp"

#include <exception>
#include <stdexcept>
#include <vector>

#include "storage/batched_rows.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

namespace {

// Writes the items of `entries` with `batched`, one statement for all (storage/batched_rows).
template <class Entry, class Batched>
auto run_rows(storage::database& db, const std::vector<Entry>& entries, Batched batched) {
  using item_type = decltype(entries.front().item);
  std::vector<item_type> items;
  items.reserve(entries.size());
  for (const auto& e : entries) items.push_back(e.item);
  return storage::write_rows(db, std::move(items), batched);
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
          db, [](storage::transaction t, const std::vector<std::string>& ids) {
            return storage::link_store::get_many(t, ids);
          }), 64, storage::busy_linger),
      intents_(flush_with<decltype(intents_)::entry>(
          db, [](storage::transaction t, const std::vector<storage::create_intent>& rows) {
            storage::link_store::record_create_intents(t, rows);
            return std::vector<bool>(rows.size(), true);
          }), 64, storage::busy_linger),
      created_(flush_with<decltype(created_)::entry>(
          db, [](storage::transaction t, const std::vector<storage::created_issue>& rows) {
            return storage::link_store::record_created_many(t, rows);
          }), 64, storage::busy_linger),
      synced_(flush_with<decltype(synced_)::entry>(
          db, [](storage::transaction t, const std::vector<storage::synced_page>& rows) {
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
