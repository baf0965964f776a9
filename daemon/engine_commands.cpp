// Subcommands that run the sync engine.
#include <iostream>

#include "daemon/cli.hpp"
#include "daemon/commands.hpp"

namespace ngsync::daemon {
namespace {
int not_yet(const char* name) {
  std::cerr << "ngsync: '" << name
            << "' is not available yet in this build: the sync engine has not landed\n";
  return exit_unavailable;
}
}  // namespace

int command_run(const config::config&) { return not_yet("run"); }
int command_sync_once(const config::config&) { return not_yet("sync-once"); }
int command_plan(const config::config&) { return not_yet("plan"); }

}  // namespace ngsync::daemon
