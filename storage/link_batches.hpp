#pragma once
// The link reads and writes of the page syncs running at once, group-committed: while one
// statement is in flight, the next gathers every job that reached the same step, so a busy
// initial sync reads and writes many links per round trip. A quiet daemon sends each alone at
// once. Each caller still resumes only after its own row is committed (the creation intent
// before the POST, sync-model.md §3), so nothing about durability changes.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"
#include "storage/group_commit.hpp"
#include "storage/link_store.hpp"

namespace ngsync::storage {

class link_batches {
 public:
  explicit link_batches(storage::database& db);

  boost::asio::awaitable<std::optional<storage::page_link>> get(std::string page_id);
  boost::asio::awaitable<void> record_create_intent(storage::create_intent intent);
  // Throws when the page has no link row (its intent is gone).
  boost::asio::awaitable<void> record_created(storage::created_issue created);
  // Also records the issue when `synced.created` is set; throws when the link row is gone.
  boost::asio::awaitable<void> mark_in_sync(storage::synced_page synced);

 private:
  storage::group_commit<std::string, std::optional<storage::page_link>> reads_;
  storage::group_commit<storage::create_intent, bool> intents_;
  storage::group_commit<storage::created_issue, bool> created_;
  storage::group_commit<storage::synced_page, bool> synced_;
};

}  // namespace ngsync::engine
