#pragma once
// Shared helpers for the libFuzzer targets: splitting one input into parts, and a check that
// aborts (a finding) when a property the code promises does not hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace ngsync::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text before the first '\n' and the rest (the rest is empty when there is no '\n').
inline std::pair<std::string_view, std::string_view> split_first_line(std::string_view in) {
  const auto nl = in.find('\n');
  if (nl == std::string_view::npos) return {in, {}};
  return {in.substr(0, nl), in.substr(nl + 1)};
}

// A broken promise is a bug like a crash: abort so libFuzzer saves the input.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

}  // namespace ngsync::fuzz
