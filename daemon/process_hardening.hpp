#pragma once
// Keeps the tokens a process holds out of crash dumps: no core file, and no ptrace attach or
// /proc/<pid>/mem read by other processes of the same user. Every ngsync command holds secrets
// (API tokens, the database URL), so main() calls this first. The systemd unit sets
// LimitCORE=0 as well; this covers Docker, cron and a shell.
namespace ngsync::daemon {

// Sets RLIMIT_CORE to 0 (soft and hard) and PR_SET_DUMPABLE to 0. Returns false when either
// call failed (the process goes on: refusing to run would not make it safer).
bool forbid_core_dumps() noexcept;

}  // namespace ngsync::daemon
