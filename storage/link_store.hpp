#pragma once
// The link between one Notion page and its GitHub issue (table page_links): what was synced,
// the creation intent that makes issue creation happen once, and per-field provenance.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/page_outcome.hpp"
#include "core/sync/page_sync_steps.hpp"
#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

struct page_link {
  std::string notion_page_id;
  std::string data_source_id;
  std::optional<sys_time> notion_last_edited;
  std::optional<std::string> synced_fields_hash;
  std::optional<std::string> github_repo;  // "org/repo", stored lower-cased
  std::optional<int> issue_number;
  std::optional<std::string> issue_node_id;
  std::optional<std::string> issue_html_url;
  sync::issue_kind kind = sync::issue_kind::issue;
  sync::link_status sync_status = sync::link_status::pending;
  std::optional<std::string> last_error;
  std::optional<std::string> last_sync_run_id;
  std::optional<sys_time> last_synced_at;
  std::optional<std::string> create_attempt_id;
  std::optional<sys_time> create_intent_at;
  boost::json::object written_to_github;  // {"field": {"value": .., "at": ..}}
  boost::json::object written_to_notion;
  boost::json::array conflict_log;
  // The page is in the Notion trash and a person reopened its issue: a known difference, shown
  // as the error, that neither side's sync undoes (set only while sync_status is error).
  bool trash_reopened = false;
};

// The link as the planner reads it (storage/link_values.cpp).
sync::link_state state_of(const page_link& l);
// The link as a page's sync reads it (core/sync/page_sync_steps.hpp).
sync::link_reading reading_of(const page_link& l);

// What a successful sync of one page leaves behind.
struct sync_outcome {
  std::optional<sys_time> notion_last_edited;
  std::string synced_fields_hash;
  std::string sync_run_id;
  sys_time synced_at;
  boost::json::object written_to_github;  // merged key by key into the stored object
  boost::json::object written_to_notion;
};

// The in-sync record core/sync/page_outcome decided, as the link stores it.
sync_outcome outcome_of(const sync::in_sync_record& r, std::string sync_run_id);

// One row of the batched forms below (group commit: many jobs' writes in one statement).
struct create_intent {
  std::string page_id, data_source_id, repo, attempt_id;
  sys_time at;
};
struct created_issue {
  std::string page_id;
  int issue_number = 0;
  std::string node_id, html_url;
  sync::issue_kind kind = sync::issue_kind::issue;
};
// An issue a page's sync created or adopted, as the link records it.
created_issue created_of(std::string page_id, const sync::issue_created& issue);
struct synced_page {
  std::string page_id;
  sync_outcome outcome;
  // Set when this sync created the issue: its number is written with the in-sync state.
  std::optional<created_issue> created;
};

// A link's sync state as a poll reads it.
struct link_sync_state {
  std::string sync_status;
  std::optional<sys_time> notion_last_edited;
  std::optional<sys_time> last_synced_at;
};

class link_store {
 public:
  static std::optional<page_link> get(transaction t, const std::string& page_id,
                                      bool for_update = false);
  static std::optional<page_link> find_by_issue(transaction t, const std::string& repo,
                                                int issue_number);
  // Writes every column of `link` (insert or replace).
  static void upsert(transaction t, const page_link& link);
  // Linked pages whose last sync ended in error (the ops_pages_in_error view).
  static std::int64_t count_pages_in_error(transaction t);
  // What a poll needs to know of the links of a batch of pages, in one statement: pages
  // without a link are absent from the map.
  static std::map<std::string, link_sync_state> sync_states(
      transaction t, const std::vector<std::string>& page_ids);
  // Every repository some link has an issue in (lower case, each once).
  static std::vector<std::string> linked_repositories(transaction t);
  // Step 1 of creating an issue (sync-model.md §3), committed before the POST.
  static void record_create_intent(transaction t, const std::string& page_id,
                                   const std::string& data_source_id, const std::string& repo,
                                   const std::string& attempt_id, sys_time at);
  // Step 3: the issue exists. The intent stays for the record.
  static void record_created(transaction t, const std::string& page_id, int issue_number,
                             const std::string& node_id, const std::string& html_url,
                             const std::string& kind = "issue");
  static void mark_in_sync(transaction t, const std::string& page_id, const sync_outcome& outcome);
  static void mark_error(transaction t, const std::string& page_id, const std::string& error,
                         const std::string& sync_run_id);
  // The error that says a trashed page's issue was reopened on GitHub (page_link::trash_reopened).
  static void mark_trash_reopened(transaction t, const std::string& page_id,
                                  const std::string& message, const std::string& sync_run_id);

  // Back to in_sync without a new sync outcome: the error no longer holds (the hash and the
  // provenance stay as they are).
  static void clear_error(transaction t, const std::string& page_id,
                          const std::string& sync_run_id);

  // --- Batched forms: the same writes for many pages in one statement, for group commit. A
  // batch may not name a page twice (one running job per page guarantees it); on any error
  // the statement changed nothing and the caller retries the rows one by one.
  // The links of `page_ids`, in the same order (nullopt: none).
  static std::vector<std::optional<page_link>> get_many(transaction t,
                                                        const std::vector<std::string>& page_ids);
  static void record_create_intents(transaction t, const std::vector<create_intent>& intents);
  // For each row, whether its link existed (record_created throws instead).
  static std::vector<bool> record_created_many(transaction t,
                                               const std::vector<created_issue>& rows);
  // One flag per row: whether the page has a link row (a row without one changes nothing).
  static std::vector<bool> mark_in_sync_many(transaction t, const std::vector<synced_page>& rows);

  // --- Two-way sync (GitHub -> Notion) and reconciliation ---
  // Merges key by key into the provenance objects (what a GitHub event mirrored into Notion, and
  // the GitHub values that the Notion -> GitHub direction must then treat as already written).
  static void merge_provenance(transaction t, const std::string& page_id,
                               const boost::json::object& written_to_github,
                               const boost::json::object& written_to_notion);
  // Appends one decision to conflict_log, keeping the newest `keep` entries.
  static void append_conflict(transaction t, const std::string& page_id,
                              const boost::json::object& entry, int keep = 50);
  // Forgets the synced hash, so the next sync of the page compares every field with GitHub
  // (used to restore Notion-owned fields someone changed on GitHub, and for drift).
  static void invalidate_hash(transaction t, const std::string& page_id);
  // Every link that has an issue in `repo` (lower case).
  static std::vector<page_link> list_by_repo(transaction t, const std::string& repo);

  // --- Sliced reconciliation (migration 0016) ---
  // Links that have an issue.
  static std::int64_t count_verifiable(transaction t);
  // The `limit` links with an issue verified longest ago (never verified first).
  static std::vector<page_link> due_for_verification(transaction t, int limit);
  // Records that a reconcile pass verified these links at `at`.
  static void mark_verified(transaction t, const std::vector<std::string>& page_ids, sys_time at);
  // When the last periodic reconcile pass started (nullopt: none yet), and recording a new one.
  static std::optional<sys_time> last_reconcile_pass(transaction t);
  static void record_reconcile_pass(transaction t, sys_time started);
};

}  // namespace ngsync::storage
