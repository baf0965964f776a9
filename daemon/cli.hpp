#pragma once
// The command line: parses arguments, loads the configuration, sets up logging and dispatches
// to one subcommand (run, sync-once, plan, migrate, check-config, status, retry-dead, version).
namespace ngsync::daemon {

// Exit codes, stable for scripts and systemd.
enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,        // a runtime failure (database unreachable, migration refused, ...)
  exit_bad_config = 2,     // invalid configuration or command-line usage
  exit_pages_in_error = 4  // sync-once finished, and some pages ended in error
};

int run_cli(int argc, char** argv);

}  // namespace ngsync::daemon
