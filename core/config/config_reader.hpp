#pragma once
// Internal to the configuration loader: the error-collecting YAML reader its section readers
// share (config_loader.cpp). Not an interface for anything else.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/config/config_loader.hpp"
#include "core/config/values.hpp"

namespace ngsync::config::loading {

// Walks the YAML tree with the schema in code: each section lists the keys it knows, reads
// them with their types, and records an error (with position) for anything else. Reading goes
// on after an error so one run reports every problem.
class reader {
 public:
  reader(std::string file, const env_lookup& env, std::vector<config_error>& errors,
         std::vector<config_error>& warnings, secrets_needed needed)
      : file_(std::move(file)), env_(env), errors_(errors), warnings_(warnings), needed_(needed) {}

  void warning(const YAML::Node& at, const std::string& key, std::string message) {
    warnings_.push_back(entry(at, key, std::move(message)));
  }

  // A problem at the node's position in the file (line and column are 1-based).
  config_error entry(const YAML::Node& at, const std::string& key, std::string message) const {
    config_error e{file_, 0, 0, key, std::move(message)};
    if (at.IsDefined() && at.Mark().line >= 0) {
      e.line = at.Mark().line + 1;
      e.column = at.Mark().column + 1;
    }
    return e;
  }

  bool api_secrets() const { return needed_ == secrets_needed::all; }

  void error(const YAML::Node& at, const std::string& key, std::string message) {
    errors_.push_back(entry(at, key, std::move(message)));
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // A section must be a mapping; its keys must be among `allowed`.
  bool section(const YAML::Node& node, const std::string& path,
               std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
      error(node, path, "must be a mapping of keys to values");
      return false;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const auto name = it->first.as<std::string>("");
      bool known = false;
      for (auto a : allowed) known = known || a == name;
      if (!known) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error(it->first, join(path, name), fmt::format("unknown key (known keys here: {})", list));
      }
    }
    return true;
  }

  // Returns the child when present and not null; records "missing" when required.
  YAML::Node child(const YAML::Node& parent, const std::string& key, const std::string& path,
                   bool required) {
    if (!parent.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node n = parent[key];
    if ((!n.IsDefined() || n.IsNull()) && required) {
      error(parent, join(path, key), "required key is missing");
    }
    if (!n.IsDefined() || n.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
    return n;
  }

  bool scalar(const YAML::Node& n, const std::string& key, const char* what) {
    if (!n.IsScalar()) {
      error(n, key, fmt::format("must be {}", what));
      return false;
    }
    return true;
  }

  void str(const YAML::Node& parent, const std::string& path, const std::string& key,
           std::string& out, bool required = false) {
    auto n = child(parent, key, path, required);
    if (!n.IsDefined() || !scalar(n, join(path, key), "a string")) return;
    out = n.Scalar();
    if (required && out.empty()) error(n, join(path, key), "must not be empty");
  }

  void boolean(const YAML::Node& parent, const std::string& path, const std::string& key,
               bool& out) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined() || !scalar(n, join(path, key), "true or false")) return;
    bool v = false;
    if (!YAML::convert<bool>::decode(n, v)) {
      error(n, join(path, key), fmt::format("must be true or false, not '{}'", n.Scalar()));
      return;
    }
    out = v;
  }

  template <class Int>
  void integer(const YAML::Node& parent, const std::string& path, const std::string& key, Int& out,
               long long min, long long max) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined() || !scalar(n, join(path, key), "an integer")) return;
    long long v = 0;
    if (!YAML::convert<long long>::decode(n, v)) {
      error(n, join(path, key), fmt::format("must be an integer, not '{}'", n.Scalar()));
      return;
    }
    if (v < min || v > max) {
      error(n, join(path, key), fmt::format("must be between {} and {}, not {}", min, max, v));
      return;
    }
    out = static_cast<Int>(v);
  }

  void number(const YAML::Node& parent, const std::string& path, const std::string& key,
              double& out, double min) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined() || !scalar(n, join(path, key), "a number")) return;
    double v = 0;
    if (!YAML::convert<double>::decode(n, v)) {
      error(n, join(path, key), fmt::format("must be a number, not '{}'", n.Scalar()));
      return;
    }
    if (v < min) {
      error(n, join(path, key), fmt::format("must be at least {}", min));
      return;
    }
    out = v;
  }

  template <class Duration>
  void duration(const YAML::Node& parent, const std::string& path, const std::string& key,
                Duration& out) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined() || !scalar(n, join(path, key), "a duration such as 30s")) return;
    auto d = parse_duration(n.Scalar());
    if (!d) {
      error(n, join(path, key),
            fmt::format("'{}' is not a duration (use a number with a unit: 250ms, 30s, 5m, 1h, 7d)",
                        n.Scalar()));
      return;
    }
    out = std::chrono::duration_cast<Duration>(*d);
  }

  void byte_size(const YAML::Node& parent, const std::string& path, const std::string& key,
                 std::size_t& out) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined() || !scalar(n, join(path, key), "a size such as 1MiB")) return;
    auto v = parse_byte_size(n.Scalar());
    if (!v || *v == 0) {
      error(n, join(path, key),
            fmt::format("'{}' is not a size (use bytes or KiB/MiB/GiB)", n.Scalar()));
      return;
    }
    out = static_cast<std::size_t>(*v);
  }

  void string_list(const YAML::Node& parent, const std::string& path, const std::string& key,
                   std::vector<std::string>& out) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined()) return;
    if (!n.IsSequence()) {
      error(n, join(path, key), "must be a list of strings");
      return;
    }
    out.clear();
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) {
        error(n[i], fmt::format("{}[{}]", join(path, key), i), "must be a string");
        continue;
      }
      out.push_back(n[i].Scalar());
    }
  }

  void string_map(const YAML::Node& parent, const std::string& path, const std::string& key,
                  std::map<std::string, std::string>& out) {
    auto n = child(parent, key, path, false);
    if (!n.IsDefined()) return;
    if (!n.IsMap()) {
      error(n, join(path, key), "must be a mapping of strings to strings");
      return;
    }
    out.clear();
    for (auto it = n.begin(); it != n.end(); ++it) {
      const auto k = it->first.as<std::string>("");
      if (!it->second.IsScalar()) {
        error(it->second, join(join(path, key), k), "must be a string");
        continue;
      }
      out[k] = it->second.Scalar();
    }
  }

  // `key` names an environment variable holding a secret. Resolves it when `needed`.
  void secret_from_env(const YAML::Node& parent, const std::string& path, const std::string& key,
                       std::string& env_name, secret& out, bool needed) {
    str(parent, path, key, env_name);
    if (!needed) return;
    if (env_name.empty()) {
      error(parent, join(path, key), "must name an environment variable");
      return;
    }
    auto value = env_(env_name);
    if (!value || value->empty()) {
      auto at = child(parent, key, path, false);
      error(at.IsDefined() ? at : parent, join(path, key),
            fmt::format("environment variable {} is not set", env_name));
      return;
    }
    out = secret(*value);
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const env_lookup& env_;
  std::vector<config_error>& errors_;
  std::vector<config_error>& warnings_;
  secrets_needed needed_;
};

}  // namespace ngsync::config::loading
