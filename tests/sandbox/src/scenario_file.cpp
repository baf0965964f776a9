// YAML scalars become JSON numbers, booleans or null when they read as such (plain style only).
#include "tests/sandbox/src/scenario_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace ngsync::sandbox {

namespace json = boost::json;

namespace {

json::value from_yaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      json::array a;
      for (const auto& item : n) a.push_back(from_yaml(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json::object o;
      for (const auto& kv : n) o[kv.first.as<std::string>()] = from_yaml(kv.second);
      return o;
    }
    case YAML::NodeType::Scalar: {
      const auto s = n.Scalar();
      if (n.Tag() == "!") return json::value(s);  // quoted: always a string
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      try {
        std::size_t used = 0;
        const long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        const double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (const std::exception&) {
      }
      return json::value(s);
    }
  }
  return nullptr;
}

}  // namespace

json::value read_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read scenario file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto text = ss.str();
  const bool yaml = path.size() > 5 && (path.ends_with(".yaml") || path.ends_with(".yml"));
  if (yaml) {
    try {
      return from_yaml(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      throw std::runtime_error(path + ": " + e.what());
    }
  }
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) throw std::runtime_error(path + ": invalid JSON: " + ec.message());
  return v;
}

}  // namespace ngsync::sandbox
