#pragma once
// The command line: parses arguments and dispatches to one subcommand.
namespace ngsync::daemon {

// Returns the process exit code. 0 success, 1 runtime failure, 2 invalid config or usage.
int run_cli(int argc, char** argv);

}  // namespace ngsync::daemon
