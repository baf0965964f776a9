#include "storage/link_port.hpp"

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

link_port::link_port(storage::database& db)
    : db_(db),
      reads_(flush_with<decltype(reads_)::entry>(
                 db,
                 [](storage::transaction t, const std::vector<std::string>& ids) {
                   return storage::link_store::get_many(t, ids);
                 }),
             64, storage::busy_linger),
      intents_(flush_with<decltype(intents_)::entry>(
                   db,
                   [](storage::transaction t, const std::vector<storage::create_intent>& rows) {
                     storage::link_store::record_create_intents(t, rows);
                     return std::vector<bool>(rows.size(), true);
                   }),
               64, storage::busy_linger),
      created_(flush_with<decltype(created_)::entry>(
                   db,
                   [](storage::transaction t, const std::vector<storage::created_issue>& rows) {
                     return storage::link_store::record_created_many(t, rows);
                   }),
               64, storage::busy_linger),
      synced_(flush_with<decltype(synced_)::entry>(
                  db,
                  [](storage::transaction t, const std::vector<storage::synced_page>& rows) {
                    return storage::link_store::mark_in_sync_many(t, rows);
                  }),
              64, storage::busy_linger) {}

net::awaitable<std::optional<storage::page_link>> link_port::get(std::string page_id) {
  co_return co_await reads_.submit(page_id);
}

net::awaitable<void> link_port::record_create_intent(storage::create_intent intent) {
  co_await intents_.submit(intent);
}

net::awaitable<void> link_port::record_created(storage::created_issue created) {
  const auto page_id = created.page_id;
  const bool found = co_await created_.submit(created);
  if (!found) throw std::runtime_error("record_created: no link row for page " + page_id);
}

net::awaitable<void> link_port::mark_in_sync(storage::synced_page synced) {
  const auto page_id = synced.page_id;
  const bool created = synced.created.has_value();
  const bool found = co_await synced_.submit(synced);
  // Without its row the new issue's number would be lost, and the next sync would create a
  // second issue. (A plain in-sync mark of a vanished link loses nothing.)
  if (!found && created)
    throw std::runtime_error("mark_in_sync: no link row for page " + page_id +
                             " to record its new issue in");
}

net::awaitable<std::optional<page_link>> link_port::find_by_issue(std::string repo,
                                                                  std::int64_t number) {
  auto read = [repo, number](transaction t) {
    return link_store::find_by_issue(t, repo, static_cast<int>(number));
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> link_port::save(page_link link) {
  auto write = [link](transaction t) { link_store::upsert(t, link); };
  co_await db_.write(std::move(write));
}

net::awaitable<void> link_port::mark_error(std::string page_id, std::string message,
                                           std::string run) {
  auto write = [page_id, message, run](transaction t) {
    link_store::mark_error(t, page_id, message, run);
  };
  co_await db_.write(std::move(write));
}

namespace {
void insert_error_row(transaction t, const std::string& page_id,
                      const std::string& data_source_id) {
  page_link l;
  l.notion_page_id = page_id;
  l.data_source_id = data_source_id;
  l.sync_status = sync::link_status::error;
  link_store::upsert(t, l);
}
}  // namespace

net::awaitable<void> link_port::mark_error_creating(std::string page_id, std::string data_source_id,
                                                    std::string message, std::string run) {
  auto write = [page_id, data_source_id, message, run](transaction t) {
    if (!link_store::get(t, page_id)) insert_error_row(t, page_id, data_source_id);
    link_store::mark_error(t, page_id, message, run);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> link_port::ensure_error_row(std::string page_id, std::string data_source_id) {
  auto write = [page_id, data_source_id](transaction t) {
    if (!link_store::get(t, page_id)) insert_error_row(t, page_id, data_source_id);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> link_port::adopt_if_unlinked(page_link link) {
  auto write = [link](transaction t) {
    const auto current = link_store::get(t, link.notion_page_id);
    if (!current || (!current->issue_number && !current->create_attempt_id))
      link_store::upsert(t, link);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> link_port::record_github_write(std::string page_id,
                                                    boost::json::object written_to_github) {
  auto write = [page_id, written = std::move(written_to_github)](transaction t) {
    link_store::merge_provenance(t, page_id, written, boost::json::object());
    link_store::invalidate_hash(t, page_id);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> link_port::mark_verified(std::string page_id, sync_outcome outcome) {
  auto write = [page_id, outcome](transaction t) { link_store::mark_in_sync(t, page_id, outcome); };
  co_await db_.autocommit(std::move(write));  // one statement
}

net::awaitable<void> link_port::record_trash_hold(std::string page_id,
                                                  boost::json::object seen_on_github,
                                                  std::optional<bool> flip_to_open,
                                                  std::string message, std::string run) {
  auto write = [page_id, seen = std::move(seen_on_github), flip_to_open, message,
                run](transaction t) {
    link_store::merge_provenance(t, page_id, seen, boost::json::object());
    if (flip_to_open == true) link_store::mark_trash_reopened(t, page_id, message, run);
    if (flip_to_open == false) link_store::clear_error(t, page_id, run);
  };
  co_await db_.write(std::move(write));
}

}  // namespace ngsync::storage
