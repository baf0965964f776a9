#pragma once
// The link table as the engine uses it: awaitable operations that take and return the link's
// values, so no engine code opens a transaction for a link. The reads and writes of the page
// syncs running at once are group-committed: while one statement is in flight, the next gathers
// every job that reached the same step, so a busy initial sync reads and writes many links per
// round trip. A quiet daemon sends each alone at once. Each caller still resumes only after its own
// row is committed (the creation intent before the POST, sync-model.md §3), so nothing about
// durability changes.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"
#include "storage/group_commit.hpp"
#include "storage/link_store.hpp"

namespace ngsync::storage {

class link_port {
 public:
  explicit link_port(storage::database& db);

  boost::asio::awaitable<std::optional<storage::page_link>> get(std::string page_id);
  boost::asio::awaitable<void> record_create_intent(storage::create_intent intent);
  // Throws when the page has no link row (its intent is gone).
  boost::asio::awaitable<void> record_created(storage::created_issue created);
  // Also records the issue when `synced.created` is set; throws when the link row is gone.
  boost::asio::awaitable<void> mark_in_sync(storage::synced_page synced);

  // The rest, one transaction each.
  boost::asio::awaitable<std::optional<page_link>> find_by_issue(std::string repo,
                                                                 std::int64_t number);
  // The link's row as given (an issue's new place after a transfer).
  boost::asio::awaitable<void> save(page_link link);
  // A page's sync ended in an error the page shows; the row is made first when the page has none
  // (an error before any issue: a refused correlation, a page the planner rejects).
  boost::asio::awaitable<void> mark_error(std::string page_id, std::string message,
                                          std::string run);
  boost::asio::awaitable<void> mark_error_creating(std::string page_id, std::string data_source_id,
                                                   std::string message, std::string run);
  // A row in error for a page that has none, so its refusal is recorded; a row is left alone.
  boost::asio::awaitable<void> ensure_error_row(std::string page_id, std::string data_source_id);
  // An issue the page names, adopted only while the page is still unlinked: a row with an issue
  // or a create in flight keeps its own; an error row left by an earlier refusal gives way.
  boost::asio::awaitable<void> adopt_if_unlinked(page_link link);
  // What the daemon just wrote to GitHub (provenance), with the hash forgotten: a replan or a
  // retry compares with this write, not the one before it.
  boost::asio::awaitable<void> record_github_write(std::string page_id,
                                                   boost::json::object written_to_github);
  // Verified unchanged: the in-sync record of a page whose plan had nothing to do.
  boost::asio::awaitable<void> mark_verified(std::string page_id, sync_outcome outcome);
  // A trashed page's issue moved on GitHub: a person's values recorded as GitHub's, and the
  // trash_reopened state set (with `message`) or cleared when `flip_to_open` says so.
  boost::asio::awaitable<void> record_trash_hold(std::string page_id,
                                                 boost::json::object seen_on_github,
                                                 std::optional<bool> flip_to_open,
                                                 std::string message, std::string run);

 private:
  database& db_;
  storage::group_commit<std::string, std::optional<storage::page_link>> reads_;
  storage::group_commit<storage::create_intent, bool> intents_;
  storage::group_commit<storage::created_issue, bool> created_;
  storage::group_commit<storage::synced_page, bool> synced_;
};

}  // namespace ngsync::storage
