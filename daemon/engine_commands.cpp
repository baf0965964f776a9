// Subcommands that run the sync engine.
#include "daemon/cli.hpp"
#include "daemon/commands.hpp"
#include "daemon/daemon_runtime.hpp"

namespace ngsync::daemon {

int command_run(const config::config& c) {
  return engine::run_daemon(c);
}
int command_sync_once(const config::config& c) {
  return engine::run_sync_once(c);
}
int command_plan(const config::config& c) {
  return engine::run_plan(c);
}

}  // namespace ngsync::daemon
