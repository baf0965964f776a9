// Subcommands of the two-way sync (issue 7): reconcile, and the Notion verification token.
#include <iostream>

#include "daemon/cli.hpp"
#include "daemon/commands.hpp"
#include "daemon/engine/daemon_runtime.hpp"
#include "storage/database.hpp"
#include "storage/webhook_deliveries.hpp"

namespace ngsync::daemon {

int command_reconcile(const config::config& c, bool dry_run) {
  return engine::run_reconcile(c, dry_run);
}

int command_show_notion_verification(const config::config& c) {
  storage::database_settings s;
  s.url = c.database.url.reveal();
  s.threads = 1;
  s.application_name = "ngsync-cli";
  storage::database db(s);
  auto token = db.run_sync([](pqxx::connection& conn) {
    pqxx::read_transaction t(conn);
    return storage::webhook_deliveries::notion_verification_token(t);
  });
  if (!token) {
    std::cerr << "no Notion webhook verification token received yet: create the subscription in "
                 "Notion with this daemon's /webhooks/notion URL, then run this again\n";
    return exit_failure;
  }
  // The one place the token is shown: the operator's terminal, on request.
  std::cout << *token << "\n";
  return exit_ok;
}

}  // namespace ngsync::daemon
