#pragma once
// A helper process for crash tests: this test binary again, running one helper test case that is
// skipped otherwise (--no-skip -tc=NAME), with one environment variable set and its stdout on a
// pipe. Reading has a deadline, and the helper is SIGKILLed and reaped when the object goes away,
// so a failed REQUIRE or a helper that never reports cannot leave it running or hang the test.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ngsync::storage::testing {

class helper_process {
 public:
  helper_process(const std::string& test_case, const std::string& env_name,
                 const std::string& env_value) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args = {exe, "--no-skip", "-tc=" + test_case};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::setenv(env_name.c_str(), env_value.c_str(), 1);
    const int rc = ::posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), environ);
    ::unsetenv(env_name.c_str());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    fd_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      ::close(fd_);
      throw std::runtime_error("spawn " + exe + ": " + std::strerror(rc));
    }
  }
  ~helper_process() {
    kill();
    reap();
    if (fd_ >= 0) ::close(fd_);
  }
  helper_process(const helper_process&) = delete;
  helper_process& operator=(const helper_process&) = delete;

  // The helper's output until a whole line containing `marker` has arrived, or until the output
  // ends or `timeout` passes (then the marker's line is missing from what is returned).
  std::string read_line_with(const std::string& marker, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto complete = [&] {
      const auto at = text_.find(marker);
      return at != std::string::npos && text_.find('\n', at) != std::string::npos;
    };
    while (!complete()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      char buf[256];
      const auto n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      text_.append(buf, static_cast<std::size_t>(n));
    }
    return text_;
  }

  void kill() {
    if (pid_ > 0 && !status_) ::kill(pid_, SIGKILL);
  }
  // The wait status once the helper has ended (within 10 s of a SIGKILL), else nullopt.
  std::optional<int> reap() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (pid_ > 0 && !status_ && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        status_ = status;
      } else if (r < 0 && errno != EINTR) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string text_;
  std::optional<int> status_;
};

}  // namespace ngsync::storage::testing
