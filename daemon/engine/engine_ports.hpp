#pragma once
// What the engine reaches outside itself besides Postgres: Notion, GitHub (REST, and GraphQL for
// the project board) and the clock. The product's ports (daemon/services/caller_ports) go through
// the rate-limited callers; the engine's tests (tests/daemon/engine/) use the same ports with the
// callers sending to the sandbox's emulators in-process. Postgres is no port: the engine's tests
// run on a real one, as every test here does (the guide's "real over mock").
#include <chrono>
#include <memory>
#include <string>

#include "core/github/github_port.hpp"
#include "core/github/project_port.hpp"
#include "core/notion/notion_port.hpp"

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

}  // namespace ngsync::engine
