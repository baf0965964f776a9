#pragma once
// The recovery scan's record (table repo_recovery_scans, migration 0014). A database that lost
// its links (an empty one after a move, a restore gone wrong) learns the issues the daemon
// opened from GitHub once per repository, before its first create there; the links it finds and
// the row saying the scan was done are written in one transaction, so a crash leaves neither.
#include <string>
#include <vector>

#include "core/sync/synced_fields.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

// An issue the scan found: the daemon opened it, and its marker names `page_id`.
struct recovered_issue {
  std::string page_id;
  int issue_number = 0;
  std::string issue_node_id;
  std::string issue_html_url;
  sync::issue_kind kind = sync::issue_kind::issue;
};

enum class scan_need {
  done,       // a row records the scan: nothing to do
  unneeded,   // no row, but the database links issues in the repository: it lost nothing
  needed,     // neither: read GitHub before the first create
};

struct recovery_scan {
  // Whether `repo` ("owner/repo") needs its scan. A database that already links an issue in the
  // repository was not lost (or was recovered): record_unneeded() settles it without a read.
  static scan_need need(transaction t, const std::string& repo);
  // Settles a repository that needs no scan. False when a row was already there.
  static bool record_unneeded(transaction t, const std::string& repo);
  // Records the scan's links (under `data_source_id`; a page or issue already linked keeps its
  // row) and the scan row, in the caller's transaction. False, with nothing written, when
  // another process recorded the scan first. Returns through `linked` how many links are new.
  static bool record(transaction t, const std::string& repo,
                     const std::string& data_source_id, const std::vector<recovered_issue>& found,
                     int* linked = nullptr);
};

}  // namespace ngsync::storage
