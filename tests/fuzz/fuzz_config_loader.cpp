// Fuzzes the configuration loader with arbitrary YAML text: every problem must come back as a
// config_error (file, line, column, key), never as an exception or a crash.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/config/config_loader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;

namespace {
std::optional<std::string> fake_env(const std::string& name) {
  if (name.starts_with("UNSET")) return std::nullopt;
  return "value-of-" + name;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto yaml = fuzz::as_text(data, size);
  for (auto needed : {config::secrets_needed::all, config::secrets_needed::database_only}) {
    const auto r = config::load_config_text(yaml, "fuzz.yaml", fake_env, needed);
    fuzz::require(r.value.has_value() == r.errors.empty(), "a value exactly when no errors");
    for (const auto& e : r.errors) (void)e.to_string();
  }
  return 0;
}
