#pragma once
// The engine's ports as the product has them: the REST and GraphQL clients over the daemon's
// rate-limited API callers, and the system clock. The engine's tests use them too, with the
// callers sending to the sandbox's emulators in-process.
#include "core/github/graphql_client.hpp"
#include "daemon/engine/engine_ports.hpp"

namespace ngsync::ratelimit {
class api_caller;
}

namespace ngsync::engine {

// The product's ports: the real REST and GraphQL clients over the daemon's callers, and the
// system clock.
class caller_ports final : public engine_ports {
 public:
  caller_ports(ratelimit::api_caller& notion, ratelimit::api_caller& github)
      : notion_(notion), github_(github) {}
  std::unique_ptr<notion::notion_port> notion(std::string run) override;
  std::unique_ptr<github::github_port> github(std::string run) override;
  std::unique_ptr<github::project_port> projects(std::string run) override;
  std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }

 private:
  ratelimit::api_caller& notion_;
  ratelimit::api_caller& github_;
  github::graphql_points_budget graphql_budget_;  // the credential's GraphQL points, per process
};

}  // namespace ngsync::engine
