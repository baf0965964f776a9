#pragma once
// The real `ngsync-sandbox` binary for daemon-level tests: started on ephemeral ports with a
// scenario, in a temporary directory that also holds its TLS files, configs and logs.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include <boost/json.hpp>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/process.hpp"

namespace ngsync::test {

class sandbox_run {
 public:
  explicit sandbox_run(const std::string& scenario_path) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("ngsync-ops-" + std::to_string(rd() % 1000000) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    const auto ready = dir_ / "sandbox.json";
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{std::string(NGSYNC_BINARY_DIR) + "/ngsync-sandbox", "--scenario",
                                 scenario_path, "--tls-dir", (dir_ / "tls").string(),
                                 "--ready-file", ready.string()},
        std::map<std::string, std::optional<std::string>>{}, (dir_ / "sandbox.log").string());
    REQUIRE_MESSAGE(wait_for_file(ready, std::chrono::seconds(20)), process_->log());
    std::ifstream in(ready);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto info = boost::json::parse(text).as_object();
    notion_url_ = info.at("notion").at("url").as_string().c_str();
    github_url_ = info.at("github").at("url").as_string().c_str();
    control_url_ = info.at("control").at("url").as_string().c_str();
    ca_file_ = info.at("ca_file").as_string().c_str();
  }
  ~sandbox_run() {
    process_->signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(5));
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& notion_url() const { return notion_url_; }
  const std::string& github_url() const { return github_url_; }
  const std::string& control_url() const { return control_url_; }
  const std::string& ca_file() const { return ca_file_; }

  // GET /control/state, parsed.
  boost::json::object state() const {
    auto r = run_command("curl -fsS " + control_url_ + "/control/state");
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    return boost::json::parse(r.output).as_object();
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<child_process> process_;
  std::string notion_url_, github_url_, control_url_, ca_file_;
};

}  // namespace ngsync::test
