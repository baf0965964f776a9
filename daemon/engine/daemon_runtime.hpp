#pragma once
// Wires the daemon together from the configuration and runs it in one of three modes:
//   run        pollers on timers, workers on the queue, the HTTP server, until SIGTERM/SIGINT
//   sync_once  one poll of every data source, drain the queue, exit (cron / CI)
//   plan       the actions the next sync would take, changing nothing
#include "core/config/config.hpp"

namespace ngsync::engine {

int run_daemon(const config::config& c);
int run_sync_once(const config::config& c);
int run_plan(const config::config& c);
// `ngsync reconcile [--dry-run]` (two-way sync, issue 7): one full reconciliation pass; prints
// the report. Enqueued jobs run in the daemon (or the next sync-once).
int run_reconcile(const config::config& c, bool dry_run);

}  // namespace ngsync::engine
