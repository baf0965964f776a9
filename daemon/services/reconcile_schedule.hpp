#pragma once
// The schedule of reconcile passes in `ngsync run`: one slice pass (daemon/engine/reconciler.hpp)
// per interval, on the replica that holds the reconcile lease.
#include <functional>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/sync/mapping_binding.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

// Runs a slice pass of reconcile() every c.sync.reconcile_interval until *stopping, skipping the
// passes when `may_run` (set when several replicas share the database) says another replica leads.
boost::asio::awaitable<void> run_periodic_reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, sync::mapping_binding>& mappings, const config::config& c,
    const bool* stopping, std::string own_github_login, std::function<bool()> may_run = {});

}  // namespace ngsync::engine
