#pragma once
// One function per subcommand. Each returns the process exit code (see cli.hpp).
#include <optional>
#include <string>

#include "core/config/config.hpp"

namespace ngsync::daemon {

int command_check_config(const config::config& c);
int command_migrate(const config::config& c);
int command_status(const config::config& c, bool json);
int command_retry_dead(const config::config& c, std::optional<long long> id,
                       const std::string& kind, bool all);
int command_run(const config::config& c);
int command_sync_once(const config::config& c);
int command_plan(const config::config& c);
// Two-way sync (issue 7): one reconciliation pass; prints what it found and did.
int command_reconcile(const config::config& c, bool dry_run);
// Prints the pending Notion webhook verification token(s) (never logged), exit 1 when none.
int command_show_notion_verification(const config::config& c);
// Makes the pending Notion verification token (the one with `id`, or the only one) the active
// key; prints its fingerprint, never the token. Exit 1 when there is nothing to confirm.
int command_confirm_notion_token(const config::config& c, std::optional<long long> id);
// Checks the Notion schema of every mapping; `apply` adds missing write-back properties.
int command_setup_notion(const config::config& c, bool apply);

}  // namespace ngsync::daemon
