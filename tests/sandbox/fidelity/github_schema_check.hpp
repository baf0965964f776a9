#pragma once
// Checks GitHub emulator responses against GitHub's OpenAPI description
// (tests/reference/openapi/github-openapi-subset.json): $refs resolved, required keys present,
// types, nullability and enums as declared. Also compares webhook bodies with recorded examples.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::fidelity {

class openapi_document {
 public:
  explicit openapi_document(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    doc_ = boost::json::parse(text.str());
  }

  static const openapi_document& github() {
    static const openapi_document doc(std::string(NGSYNC_REFERENCE_DIR) +
                                      "/openapi/github-openapi-subset.json");
    return doc;
  }

  // The schema of one documented response, e.g. ("/repos/{owner}/{repo}/issues", "post", "201").
  const boost::json::value& response_schema(const std::string& path, const std::string& method,
                                            const std::string& status) const {
    const auto& response = resolve(doc_.at("paths").at(path).at(method).at("responses").at(status));
    return resolve(response.at("content").at("application/json").at("schema"));
  }

  const boost::json::value& component(const std::string& name) const {
    return doc_.at("components").at("schemas").at(name);
  }

  // Every way `instance` departs from `schema`, one line each, with a JSON path.
  std::vector<std::string> check(const boost::json::value& instance,
                                 const boost::json::value& schema_in,
                                 const std::string& where = "$") const {
    std::vector<std::string> errors;
    check_into(instance, resolve(schema_in), where, errors);
    return errors;
  }

 private:
  const boost::json::value& resolve(const boost::json::value& schema) const {
    const boost::json::value* s = &schema;
    for (int depth = 0; depth < 32 && s->is_object() && s->as_object().contains("$ref"); ++depth) {
      std::string ref(s->as_object().at("$ref").as_string());
      if (ref.rfind("#/", 0) != 0) throw std::runtime_error("external $ref " + ref);
      const boost::json::value* node = &doc_;
      std::size_t start = 2;
      while (start <= ref.size()) {
        auto slash = ref.find('/', start);
        if (slash == std::string::npos) slash = ref.size();
        node = &node->at(ref.substr(start, slash - start));
        start = slash + 1;
      }
      s = node;
    }
    return *s;
  }

  static bool nullable(const boost::json::object& schema) {
    const auto* n = schema.if_contains("nullable");
    return n && n->is_bool() && n->as_bool();
  }

  void check_into(const boost::json::value& instance, const boost::json::value& schema_value,
                  const std::string& where, std::vector<std::string>& errors) const {
    if (!schema_value.is_object()) return;
    const auto& schema = schema_value.as_object();
    if (const auto* all = schema.if_contains("allOf"))
      for (const auto& branch : all->as_array())
        check_into(instance, resolve(branch), where, errors);
    for (const char* key : {"anyOf", "oneOf"}) {
      const auto* branches = schema.if_contains(key);
      if (!branches) continue;
      if (instance.is_null() && nullable(schema)) return;
      std::vector<std::string> first;
      bool matched = false;
      for (const auto& branch : branches->as_array()) {
        std::vector<std::string> e;
        check_into(instance, resolve(branch), where, e);
        if (e.empty()) matched = true;
        if (first.empty()) first = e;
      }
      if (!matched) {
        errors.push_back(where + ": matches no branch of " + key);
        errors.insert(errors.end(), first.begin(), first.end());
      }
    }
    if (instance.is_null()) {
      if (!nullable(schema) && schema.contains("type"))
        errors.push_back(where + ": null where " + std::string(schema.at("type").as_string()) +
                         " is required");
      return;
    }
    const auto* type = schema.if_contains("type");
    const std::string t = type && type->is_string() ? std::string(type->as_string()) : "";
    if (t == "integer" && !(instance.is_int64() || instance.is_uint64()))
      errors.push_back(where + ": not an integer");
    if (t == "number" && !instance.is_number()) errors.push_back(where + ": not a number");
    if (t == "string" && !instance.is_string()) errors.push_back(where + ": not a string");
    if (t == "boolean" && !instance.is_bool()) errors.push_back(where + ": not a boolean");
    if (t == "array" && !instance.is_array()) errors.push_back(where + ": not an array");
    if (t == "object" && !instance.is_object()) errors.push_back(where + ": not an object");
    if (const auto* values = schema.if_contains("enum"); values && instance.is_string()) {
      bool found = false;
      for (const auto& v : values->as_array()) found = found || v == instance;
      if (!found)
        errors.push_back(where + ": \"" + std::string(instance.as_string()) + "\" not in enum");
    }
    if (instance.is_array()) {
      if (const auto* items = schema.if_contains("items")) {
        std::size_t i = 0;
        for (const auto& item : instance.as_array())
          check_into(item, resolve(*items), where + "[" + std::to_string(i++) + "]", errors);
      }
    }
    if (instance.is_object()) {
      const auto& object = instance.as_object();
      if (const auto* required = schema.if_contains("required"))
        for (const auto& key : required->as_array())
          if (!object.contains(key.as_string()))
            errors.push_back(where + ": missing required key \"" + std::string(key.as_string()) +
                             "\"");
      if (const auto* properties = schema.if_contains("properties"))
        for (const auto& [key, sub] : properties->as_object())
          if (const auto* value = object.if_contains(key))
            check_into(*value, resolve(sub), where + "." + std::string(key), errors);
    }
  }

  boost::json::value doc_;
};

// Keys of a recorded example that `actual` lacks (recursing where both hold objects or arrays).
inline void missing_keys(const boost::json::value& example, const boost::json::value& actual,
                         const std::string& where, std::vector<std::string>& out) {
  if (example.is_object() && actual.is_object()) {
    for (const auto& [key, value] : example.as_object()) {
      const auto* mine = actual.as_object().if_contains(key);
      if (!mine)
        out.push_back(where + "." + std::string(key));
      else
        missing_keys(value, *mine, where + "." + std::string(key), out);
    }
  } else if (example.is_array() && actual.is_array() && !example.as_array().empty() &&
             !actual.as_array().empty()) {
    missing_keys(example.as_array().front(), actual.as_array().front(), where + "[0]", out);
  }
}

}  // namespace ngsync::sandbox::fidelity
