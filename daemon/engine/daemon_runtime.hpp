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

}  // namespace ngsync::engine
