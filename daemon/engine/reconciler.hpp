#pragma once
// Reconciliation, the safety net of sync-model.md §1: compares each mapped repository's issues
// that carry the page marker with the link table and with Notion, and repairs what hints missed:
//   marker but no link        -> adopt (link row + a sync of the page, which backfills Notion)
//   link, issue gone (404/410) -> the link is marked in error
//   link, issue transferred    -> the 301 is followed and the link moves to the new place
//   link, page gone or trashed -> a sync of the page (it closes the issue per close_on_trash),
//                                 or the link in error when the page no longer exists at all
//   link, fields drifted       -> a sync of the page with its hash forgotten
// A dry run reads the same things and changes nothing.
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "daemon/engine/mapping_binding.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

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

// full: the marker scan lists every issue, and every link's issue and page are read (the cost
// grows with the database; `ngsync reconcile`). slice: the marker scan lists the issues updated
// since the previous pass, and only the links due soonest are read (sync/reconcile_budget.hpp):
// the periodic passes of `ngsync run` and the pass at the end of `sync-once`.
enum class reconcile_mode { full, slice };

struct reconcile_options {
  bool dry_run = false;
  reconcile_mode mode = reconcile_mode::full;
  // The daemon's GitHub login: only issues it opened are adopted by their marker.
  std::string own_github_login;
};

boost::asio::awaitable<reconcile_report> reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, mapping_binding>& mappings, const config::config& c,
    reconcile_options options);

// Runs a slice pass of reconcile() every c.sync.reconcile_interval until *stopping, skipping the
// passes when `may_run` (set when several replicas share the database) says another replica leads.
boost::asio::awaitable<void> run_periodic_reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, mapping_binding>& mappings, const config::config& c,
    const bool* stopping, std::string own_github_login, std::function<bool()> may_run = {});

}  // namespace ngsync::engine
