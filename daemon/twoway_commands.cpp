// Subcommands of the two-way sync (issue 7): reconcile, and the Notion verification token: shown
// to the operator, and confirmed by them (issue 18).
#include <iostream>
#include <vector>

#include "core/webhooks/signature.hpp"
#include "daemon/cli.hpp"
#include "daemon/commands.hpp"
#include "daemon/daemon_runtime.hpp"
#include "storage/database.hpp"
#include "storage/notion_webhook_tokens.hpp"

namespace ngsync::daemon {

int command_reconcile(const config::config& c, bool dry_run) {
  return engine::run_reconcile(c, dry_run);
}

namespace {

storage::database_settings cli_database(const config::config& c) {
  storage::database_settings s;
  s.url = c.database.url.reveal();
  s.threads = 1;
  s.application_name = "ngsync-cli";
  return s;
}

std::string describe(const storage::notion_token_row& r) {
  return "#" + std::to_string(r.id) + " " + webhooks::key_fingerprint(r.token) + " (received " +
         r.received_at + ")";
}

}  // namespace

int command_show_notion_verification(const config::config& c) {
  storage::database db(cli_database(c));
  auto rows =
      db.read_sync([](storage::transaction t) { return storage::notion_webhook_tokens::all(t); });
  std::vector<storage::notion_token_row> pending;
  for (const auto& r : rows) {
    if (!r.active) pending.push_back(r);
  }
  // The one place tokens are shown: the operator's terminal, on request.
  if (pending.size() == 1) {
    std::cout << pending.front().token << "\n";
    return exit_ok;
  }
  if (pending.size() > 1) {
    std::cerr << pending.size()
              << " pending tokens (anyone can send a verification request): paste them into "
                 "Notion's verification one at a time; confirm the one Notion accepts with "
                 "`ngsync webhook confirm-notion-token --id N`\n";
    for (const auto& r : pending) std::cout << "#" << r.id << " " << r.token << "\n";
    return exit_ok;
  }
  if (!rows.empty()) {
    std::cerr << "no pending token; the confirmed one is " << describe(rows.front()) << "\n";
    std::cout << rows.front().token << "\n";
    return exit_ok;
  }
  std::cerr << "no Notion webhook verification token received yet: create the subscription in "
               "Notion with this daemon's /webhooks/notion URL, then run this again\n";
  return exit_failure;
}

int command_confirm_notion_token(const config::config& c, std::optional<long long> id) {
  storage::database db(cli_database(c));
  auto result = db.write_sync(
      [id](storage::transaction t) {
        return storage::notion_webhook_tokens::confirm(
            t, id ? std::optional<std::int64_t>(*id) : std::nullopt);
      },
      storage::retry_policy::once);
  using outcome = storage::notion_token_confirmation::outcome;
  switch (result.result) {
    case outcome::none_pending:
      std::cerr << "ngsync webhook confirm-notion-token: no pending token";
      if (result.replaced) std::cerr << "; the confirmed one is " << describe(*result.replaced);
      std::cerr << "\n";
      return exit_failure;
    case outcome::no_such_token:
    case outcome::ambiguous:
      std::cerr << "ngsync webhook confirm-notion-token: "
                << (result.result == outcome::ambiguous ? "several tokens are pending"
                                                        : "no pending token has that id")
                << "; say which with --id (check it against the token Notion accepted, "
                   "`ngsync status --show-notion-verification`):\n";
      for (const auto& r : result.pending) std::cerr << "  " << describe(r) << "\n";
      return exit_failure;
    case outcome::confirmed:
      break;
  }
  std::cout << "confirmed Notion webhook token " << describe(*result.confirmed)
            << ": it now checks X-Notion-Signature (running daemons pick it up within seconds)\n";
  if (result.replaced) std::cout << "replaced " << describe(*result.replaced) << "\n";
  if (result.pending.size() > 1) {
    std::cout << "discarded " << result.pending.size() - 1 << " other pending token(s)\n";
  }
  if (!c.server.notion_webhook_token_env.empty()) {
    std::cout << "note: server.notion_webhook_token_env is set, so the daemon checks signatures "
                 "with that variable's token, not this one\n";
  }
  return exit_ok;
}

}  // namespace ngsync::daemon
