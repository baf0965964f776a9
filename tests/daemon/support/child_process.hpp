#pragma once
// Long-running child processes for operations tests (the sandbox, `ngsync run`): started with
// extra environment variables, output to a log file, stopped by signal and reaped with a timeout.
// Every child this starts is killed by its pid when the object goes away.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ngsync::test {

class child_process {
 public:
  // `argv[0]` is a path. `env` adds to (or overrides) this process's environment; a value of
  // std::nullopt removes the variable. stdout and stderr go to `log_path`.
  child_process(std::vector<std::string> argv,
                const std::map<std::string, std::optional<std::string>>& env, std::string log_path)
      : log_path_(std::move(log_path)) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
      std::string kv(*e);
      const auto eq = kv.find('=');
      if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) {
      if (v)
        merged[k] = *v;
      else
        merged.erase(k);
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("spawn " + argv[0] + ": " + std::strerror(rc));
  }
  ~child_process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait_for_exit(std::chrono::seconds(5));
    }
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    if (exit_code_) return false;
    reap(WNOHANG);
    return !exit_code_;
  }
  void signal(int sig) {
    if (running()) ::kill(pid_, sig);
  }
  // The exit code (128 + signal when killed), or nullopt if it still runs after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_ && std::chrono::steady_clock::now() < deadline) {
      reap(WNOHANG);
      if (!exit_code_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
  }
  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  void reap(int flags) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, flags);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }

  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// Waits until `path` exists and is non-empty (a ready file), or the timeout passes.
inline bool wait_for_file(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace ngsync::test
