#pragma once
// Reconcile's verdicts (sync-model.md §1): for each thing a pass read, what it found, the line
// the report says about it (with "would " in a dry run) and what to do about it. Pure: the
// engine (daemon/engine/reconciler.cpp) reads GitHub, Notion and the link table, asks here, and
// carries the action out.
//   marker but no link        -> adopt (link row + a sync of the page, which backfills Notion)
//   link, issue gone (404/410) -> the link is marked in error
//   link, issue transferred    -> the link moves to the issue's new place
//   link, no marker any more   -> a sync of the page with its hash forgotten
//   link, fields drifted       -> the same job a webhook makes (a github_issue_event)
//   link, page gone or trashed -> a sync of the page (it closes the issue per close_on_trash),
//                                 or the link in error
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/github/issue_model.hpp"
#include "core/sync/issue_kind.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/link_state.hpp"

namespace ngsync::sync {

enum class finding_kind {
  in_order,                // linked, marked, matching what the daemon last wrote
  drifted,                 // linked, marked, differing from the last write
  marker_lost,             // linked, but the issue no longer carries the page's marker
  adopted,                 // the daemon's marked issue without a link
  foreign_marker,          // a page's marker in an issue someone else opened: never linked
  marker_page_missing,     // the marker names a page that does not exist
  marker_page_unreadable,  // the page the marker names answered something that is not a page
  outside_mappings,        // the marker's page belongs to no mapping
  issue_gone,              // the link's issue answers 404/410 or an unfollowable redirect
  transferred,             // the link's issue answered from another repository or number
  page_present,            // the link's page is there
  page_gone,               // the link's page is gone or in the trash
};

// The actions a finding asks for. A dry run asks for none.
struct no_action {
  friend bool operator==(const no_action&, const no_action&) = default;
};
// A new link for an issue found by its marker (or the number onto a link still without one),
// then a sync of its page.
struct adopt_issue {
  std::string page_id, data_source_id, mapping;
  std::string repo;
  std::int64_t number = 0;
  std::string node_id, html_url;
  issue_kind kind = issue_kind::issue;
  friend bool operator==(const adopt_issue&, const adopt_issue&) = default;
};
// What a webhook for the issue would have queued: a missed webhook is exactly what drift means.
struct enqueue_github_event {
  std::string repo;
  std::int64_t number = 0;
  std::string page_id;
  friend bool operator==(const enqueue_github_event&, const enqueue_github_event&) = default;
};
struct enqueue_page_sync {
  std::string page_id, data_source_id, mapping;
  bool forget_hash = false;  // so the sync compares every field, not just a changed page
  friend bool operator==(const enqueue_page_sync&, const enqueue_page_sync&) = default;
};
struct mark_link_error {
  std::string page_id, message;
  friend bool operator==(const mark_link_error&, const mark_link_error&) = default;
};
struct move_link {
  std::string page_id, repo;
  std::int64_t number = 0;
  std::string html_url;
  friend bool operator==(const move_link&, const move_link&) = default;
};
using reconcile_action = std::variant<no_action, adopt_issue, enqueue_github_event,
                                      enqueue_page_sync, mark_link_error, move_link>;

struct reconcile_finding {
  finding_kind kind = finding_kind::in_order;
  std::string sentence;  // the report's line; empty when there is nothing to say
  reconcile_action action;
};

// A link as reconcile judges it.
struct reconciled_link {
  std::string page_id, data_source_id;
  std::string repo;  // as stored, lower case
  std::int64_t number = 0;
  std::optional<last_written_values> written;  // the record of the daemon's last write
  bool trash_reopened = false;
};

// The mapping a page's data source belongs to, as reconcile needs it.
struct page_mapping {
  std::string name;
  bool close_on_trash = true;
};

// A Notion page as a read answered it.
enum class page_presence { present, trashed, missing, unreadable };
struct page_answer {
  page_presence presence = page_presence::present;
  std::string id, data_source_id;  // as read (empty unless present or trashed)
};

struct reconcile_context {
  std::string own_github_login;  // only issues it opened are adopted by their marker
  bool dry_run = false;
};

// A marked issue of `repo` without a link: a finding when someone else opened it (never linked),
// else nullopt, and the page its marker names is read for adoption_finding.
std::optional<reconcile_finding> foreign_marker_finding(std::string_view repo,
                                                        const github::github_issue& issue,
                                                        const reconcile_context& ctx);

// The daemon's marked issue without a link, once the page its marker names was read: adopted
// when the page exists in a mapping. `mapping`: the mapping of the page's data source.
reconcile_finding adoption_finding(std::string_view repo, const github::github_issue& issue,
                                   const page_answer& page,
                                   const std::optional<page_mapping>& mapping,
                                   const reconcile_context& ctx);

// A linked issue that carries a marker (found by the scan in `repo`, or read for its link):
// in order, or drifted from what the daemon last wrote.
reconcile_finding drift_finding(std::string_view repo, const github::github_issue& issue,
                                const reconciled_link& link, const reconcile_context& ctx);

// The link's issue as read: transferred, without the marker, or as drift_finding says.
// `mapping`: the mapping of the link's data source (none: a sync has nowhere to run).
reconcile_finding linked_issue_finding(const reconciled_link& link,
                                       const github::github_issue& issue,
                                       const std::optional<page_mapping>& mapping,
                                       const reconcile_context& ctx);

// The link's issue did not answer: gone (sync::issue_gone's reason and the HTTP status).
reconcile_finding issue_gone_finding(const reconciled_link& link, issue_gone_reason reason,
                                     unsigned status, const reconcile_context& ctx);

// The link's page as read: there, or gone or trashed (a sync that closes the issue when the
// mapping closes on trash, else the link in error).
reconcile_finding page_finding(const reconciled_link& link, page_presence presence,
                               const std::optional<page_mapping>& mapping,
                               const reconcile_context& ctx);

// What a link adopted by a pass becomes, given the page's link as the table holds it when the
// adoption commits (another job may have linked the page since the pass read it).
enum class adoption_write {
  sync_only,      // the page is linked to an issue already: keep that link, just sync
  record_number,  // the page has a link without an issue: the issue's number goes onto it
  new_link,       // no link: a new one
};
adoption_write adoption_write_for(bool page_linked, bool link_has_issue);

struct reconcile_report {
  int repositories = 0;
  int marked_issues = 0;  // issues carrying a page marker
  int in_order = 0;       // linked and matching
  int adopted = 0;
  int issues_gone = 0;
  int transferred = 0;  // the issue answered from another repository/number: link moved
  int pages_gone = 0;
  int drift = 0;
  int foreign_marked = 0;  // a page's marker in an issue someone else opened: reported only
  int links_verified = 0;  // links whose issue and page were read this pass
  std::vector<std::string> findings;  // one line per finding, what was (or would be) done

  std::string summary() const;
};

// Counts the finding into the report and adds its line.
void count_finding(reconcile_report& report, const reconcile_finding& finding);

// A repository the pass scanned, with the marked issues its scan found.
void count_repository(reconcile_report& report, std::size_t marked_issues);

// The links whose verification the pass records, and the pass's start that the next slice's
// marker scan starts from. A dry run records neither: it changes nothing.
std::vector<std::string> verified_to_record(std::vector<std::string> page_ids,
                                            const reconcile_context& ctx);
std::optional<std::chrono::system_clock::time_point> pass_to_record(
    std::chrono::system_clock::time_point started, const reconcile_context& ctx);

}  // namespace ngsync::sync
