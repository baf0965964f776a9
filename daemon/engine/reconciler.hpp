#pragma once
// Reconciliation, the safety net of sync-model.md §1: compares each mapped repository's issues
// that carry the page marker with the link table and with Notion, and repairs what hints missed.
// What a pass reads and what each answer means are core/sync's (reconcile_scope.hpp,
// reconcile_findings.hpp); this reads, asks, and carries the answer out. A dry run reads the same
// things and changes nothing.
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/sync/mapping_binding.hpp"
#include "core/sync/reconcile_findings.hpp"
#include "core/sync/reconcile_scope.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

using reconcile_report = sync::reconcile_report;
// full or slice: what each reads is said in core/sync/reconcile_scope.hpp.
using reconcile_mode = sync::reconcile_mode;

struct reconcile_options {
  bool dry_run = false;
  reconcile_mode mode = reconcile_mode::full;
  // The daemon's GitHub login: only issues it opened are adopted by their marker.
  std::string own_github_login;
};

boost::asio::awaitable<reconcile_report> reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, sync::mapping_binding>& mappings, const config::config& c,
    reconcile_options options);

}  // namespace ngsync::engine
