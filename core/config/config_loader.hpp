#pragma once
// Reads ngsync's YAML configuration into the typed model, collecting *every* problem (unknown
// keys, wrong types, missing keys, bad durations, bad repository names, duplicate mappings,
// missing environment variables) with the file, line, column and key of each.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"

namespace ngsync::config {

struct config_error {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  int column = 0;   // 1-based; 0 when unknown
  std::string key;  // dotted path, e.g. sync.mappings[0].github.repository
  std::string message;

  // "file:line:column: key: message"
  std::string to_string() const;
};

struct load_result {
  std::optional<config> value;  // set only when errors is empty
  std::vector<config_error> errors;
  // Valid but worth an operator's look (an API base URL on a host other than the API's own).
  std::vector<config_error> warnings;
};

// Looks up an environment variable; injected so tests need not touch the process environment.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_environment(const std::string& name);

// What the loader must resolve. Commands that only touch the database (migrate, status,
// retry-dead) do not need the API tokens, so operators can run them without those secrets.
enum class secrets_needed { all, database_only };

load_result load_config_file(const std::string& path, const env_lookup& env = process_environment,
                             secrets_needed needed = secrets_needed::all);
load_result load_config_text(std::string_view yaml, const std::string& file_name,
                             const env_lookup& env = process_environment,
                             secrets_needed needed = secrets_needed::all);

// The config path the command line uses: --config, else $NGSYNC_CONFIG, else the default.
std::string default_config_path(const std::optional<std::string>& from_flag);

}  // namespace ngsync::config
