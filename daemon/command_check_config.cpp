#include <iostream>

#include "daemon/cli.hpp"
#include "daemon/commands.hpp"

namespace ngsync::daemon {

// Reaching here means the file loaded without a problem; print what it means, never a secret.
int command_check_config(const config::config& c) {
  std::cout << c.source_path << ": OK\n";
  std::cout << "  notion   " << c.notion.base_url << " (version " << c.notion.version
            << ", token from $" << c.notion.token_env << ")\n";
  std::cout << "  github   " << c.github.base_url << " (api " << c.github.api_version << ", "
            << (c.github.app ? "GitHub App " + c.github.app->client_id
                             : "token from $" + c.github.token_env)
            << ")\n";
  std::cout << "  database url from $" << c.database.url_env << ", pool " << c.database.pool_size
            << "\n";
  std::cout << "  server   " << c.server.listen_address << ":" << c.server.listen_port << "\n";
  for (const auto& m : c.sync.mappings) {
    std::cout << "  mapping  " << m.name << ": "
              << (m.database_id.empty() ? "data source " + m.data_source_id
                                        : "database " + m.database_id)
              << " -> "
              << (m.repository.empty() ? "repository from property '" + m.repository_property + "'"
                                       : m.repository)
              << "\n";
    if (m.kind == sync::issue_kind::draft_pr) {
      // The head branch of each draft PR is made through the Git data API, which needs more
      // than the Issues and Pull requests permissions everything else uses.
      std::cout << "  warning  mapping " << m.name << " opens draft pull requests (base '"
                << m.draft_pr_base
                << "'): the token or GitHub App also needs Contents: Read and write, to create "
                   "a branch ngsync/<page id> with one empty commit for each\n";
    }
  }
  return exit_ok;
}

}  // namespace ngsync::daemon
