#pragma once
// Runs the real ngsync binary (or any command) from tests and captures its output and exit code.
#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ngsync::test {

struct process_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// `command` is run by /bin/sh; stderr is merged into the captured output.
inline process_result run_command(const std::string& command) {
  process_result r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
