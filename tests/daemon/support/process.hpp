#pragma once
// Runs the real ngsync binary (or any command) from tests and captures its output and exit code.
#include <sys/wait.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ngsync::test {

struct process_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// How long one command may run before it is stopped: far beyond any command of the suite (a
// sync of hundreds of pages under ASan), so only a hang reaches it.
inline constexpr std::chrono::seconds command_deadline{600};

// `command` is run by /bin/sh; stderr is merged into the captured output. It runs under
// coreutils' timeout: after `deadline` it and every process it started get SIGTERM (SIGKILL 10 s
// later), and the result says so (exit code 124), so a hung command fails its test instead of
// hanging the suite.
inline process_result run_command(const std::string& command,
                                  std::chrono::seconds deadline = command_deadline) {
  process_result r;
  std::string quoted = "'";
  for (char c : command + " 2>&1") quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string wrapped =
      "timeout -k 10 " + std::to_string(deadline.count()) + " /bin/sh -c " + quoted;
  FILE* pipe = ::popen(wrapped.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (r.exit_code == 124)
    r.output += "\n[run_command: stopped after " + std::to_string(deadline.count()) + " s]";
  return r;
}

inline std::string ngsync_binary() {
  return std::string(NGSYNC_BINARY_DIR) + "/ngsync";
}

inline std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace ngsync::test
