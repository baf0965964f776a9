#pragma once
// What the engine reaches outside itself besides Postgres: Notion, GitHub (REST, and GraphQL for
// the project board) and the clock. The product's ports (caller_ports) go through the
// rate-limited callers; the engine's tests (tests/daemon/engine/) use the same ports with the
// callers sending to the sandbox's emulators in-process. Postgres is no port: the engine's tests
// run on a real one, as every test here does (the guide's "real over mock").
#include <chrono>
#include <memory>
#include <string>

#include "core/github/github_port.hpp"
#include "core/github/graphql_client.hpp"
#include "core/github/project_port.hpp"
#include "core/notion/notion_port.hpp"

namespace ngsync::ratelimit {
class api_caller;
}

namespace ngsync::engine {

class engine_ports {
 public:
  engine_ports() = default;
  virtual ~engine_ports() = default;
  // An interface: used through references, never copied or moved.
  engine_ports(const engine_ports&) = delete;
  engine_ports& operator=(const engine_ports&) = delete;
  engine_ports(engine_ports&&) = delete;
  engine_ports& operator=(engine_ports&&) = delete;
  // The APIs for one sync run: `run` tags each call's audit row ("" for none).
  virtual std::unique_ptr<notion::notion_port> notion(std::string run) = 0;
  virtual std::unique_ptr<github::github_port> github(std::string run) = 0;
  virtual std::unique_ptr<github::project_port> projects(std::string run) = 0;
  // Wall-clock time: what the sync records as when it read and wrote.
  virtual std::chrono::system_clock::time_point now() = 0;
};

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
