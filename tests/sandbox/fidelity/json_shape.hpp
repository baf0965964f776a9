#pragma once
// Compares the shape of two JSON documents (keys and value types, recursively), so an emulator's
// answer can be checked key for key against a recorded real response. Header-only; shared by the
// Notion and GitHub fidelity tests.
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::fidelity {

struct shape_options {
  // Paths present only in the emulator's answer that are accepted, with array indexes written
  // as [] (e.g. "$.request_id", "$.results[].parent.database_id").
  std::set<std::string> allow_extra;
  // Paths present only in the recorded answer that the emulator may omit.
  std::set<std::string> allow_missing;
  // Paths whose values are not compared at all (neither type nor content).
  std::set<std::string> ignore;
  // Whether null on one side matches any type on the other (a nullable field that happened to
  // be set in one recording and not the other).
  bool null_matches_any = false;
};

namespace detail {

inline const char* json_type_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "bool";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "?";
}

inline void walk(const boost::json::value& expected, const boost::json::value& actual,
                 const std::string& path, const std::string& pattern, const shape_options& o,
                 std::vector<std::string>& out) {
  if (o.ignore.count(pattern)) return;
  const std::string te = json_type_name(expected), ta = json_type_name(actual);
  if (te != ta) {
    if (o.null_matches_any && (te == "null" || ta == "null")) return;
    out.push_back(path + ": expected " + te + ", got " + ta);
    return;
  }
  if (expected.is_object()) {
    const auto& e = expected.as_object();
    const auto& a = actual.as_object();
    for (const auto& [k, v] : e) {
      const std::string key(k);
      if (!a.contains(k)) {
        if (!o.allow_missing.count(pattern + "." + key))
          out.push_back(path + "." + key + ": missing");
        continue;
      }
      walk(v, a.at(k), path + "." + key, pattern + "." + key, o, out);
    }
    for (const auto& [k, v] : a) {
      const std::string key(k);
      if (!e.contains(k) && !o.allow_extra.count(pattern + "." + key))
        out.push_back(path + "." + key + ": unexpected key");
    }
  } else if (expected.is_array()) {
    // Element by element as far as both go: recorded lists mix element kinds (block types).
    const auto& e = expected.as_array();
    const auto& a = actual.as_array();
    for (std::size_t i = 0; i < std::min(e.size(), a.size()); ++i)
      walk(e[i], a[i], path + "[" + std::to_string(i) + "]", pattern + "[]", o, out);
  }
}

}  // namespace detail

// Every difference as "path: what", empty when the shapes match.
inline std::vector<std::string> shape_differences(const boost::json::value& expected,
                                                  const boost::json::value& actual,
                                                  const shape_options& options = {}) {
  std::vector<std::string> out;
  detail::walk(expected, actual, "$", "$", options, out);
  return out;
}

}  // namespace ngsync::sandbox::fidelity
