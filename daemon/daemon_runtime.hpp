#pragma once
// Wires the daemon together from the configuration (the composition root: the HTTP server and
// webhook receivers, the API stack, the queue, the pollers and workers of daemon/engine) and
// runs it in one of its modes. It lives in daemon/, beside the commands that call it, because
// it wires; daemon/engine carries the sync out and includes nothing from here.
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
