#include "daemon/services/caller_ports.hpp"

#include "core/github/github_client.hpp"
#include "core/github/project_client.hpp"
#include "core/notion/notion_client.hpp"

namespace ngsync::engine {

std::unique_ptr<notion::notion_port> caller_ports::notion(std::string run) {
  return std::make_unique<notion::notion_client>(notion_, std::move(run));
}

std::unique_ptr<github::github_port> caller_ports::github(std::string run) {
  return std::make_unique<github::github_client>(github_, std::move(run));
}

std::unique_ptr<github::project_port> caller_ports::projects(std::string run) {
  return std::make_unique<github::project_client>(github_, graphql_budget_, std::move(run));
}

}  // namespace ngsync::engine
