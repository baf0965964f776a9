#include "storage/recovery_scan.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>

namespace ngsync::storage {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The scan row, first: the primary key lets one process of several record the scan.
bool claim_row(pqxx::transaction_base& t, const std::string& repo, int issues_found) {
  const auto r = t.exec_params(
      "INSERT INTO repo_recovery_scans (repo, issues_found) VALUES ($1, $2)"
      " ON CONFLICT (repo) DO NOTHING RETURNING repo",
      lower(repo), issues_found);
  return !r.empty();
}

}  // namespace

scan_need recovery_scan::need(transaction tx, const std::string& repo) {
  pqxx::transaction_base& t = tx.sql();
  const auto r = t.exec_params(
      "SELECT EXISTS (SELECT 1 FROM repo_recovery_scans WHERE repo = $1),"
      " EXISTS (SELECT 1 FROM page_links WHERE github_repo = $1 AND issue_number IS NOT NULL)",
      lower(repo));
  if (r[0][0].as<bool>()) return scan_need::done;
  return r[0][1].as<bool>() ? scan_need::unneeded : scan_need::needed;
}

bool recovery_scan::record_unneeded(transaction tx, const std::string& repo) {
  pqxx::transaction_base& t = tx.sql();
  return claim_row(t, repo, 0);
}

bool recovery_scan::record(transaction tx, const std::string& repo,
                           const std::string& data_source_id,
                           const std::vector<recovered_issue>& found, int* linked) {
  pqxx::transaction_base& t = tx.sql();
  if (linked) *linked = 0;
  if (!claim_row(t, repo, static_cast<int>(found.size()))) return false;
  for (const auto& f : found) {
    // No hash and no provenance: the page's next sync compares everything with the issue.
    const auto r = t.exec_params(
        "INSERT INTO page_links (notion_page_id, data_source_id, github_repo, issue_number,"
        " issue_node_id, issue_html_url, kind, sync_status) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " 'pending') ON CONFLICT DO NOTHING RETURNING notion_page_id",
        f.page_id, data_source_id, lower(repo), f.issue_number, f.issue_node_id, f.issue_html_url,
        sync::to_string(f.kind));
    if (linked && !r.empty()) ++*linked;
  }
  return true;
}

}  // namespace ngsync::storage
