#pragma once
// A small GraphQL parser for the GitHub emulator's POST /graphql: operations, variables,
// selection sets, arguments, aliases, inline fragments and named fragments (no directives).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::github {

struct gql_location {
  int line = 1;
  int column = 1;
};

// An argument value as written: a literal (enums become strings), a $variable, a list or an
// input object. Variables are resolved when the operation runs.
struct gql_value {
  enum class kind { literal, variable, list, object } what = kind::literal;
  boost::json::value literal;
  std::string variable;
  std::vector<gql_value> items;
  std::vector<std::pair<std::string, gql_value>> fields;
};

struct gql_selection {
  enum class kind { field, inline_fragment, fragment_spread } what = kind::field;
  std::string alias;  // the response key (the name when no alias is given)
  std::string name;   // field name, or the spread fragment's name
  std::vector<std::pair<std::string, gql_value>> arguments;
  std::string type_condition;  // inline fragments ("" = no condition)
  std::vector<gql_selection> selections;
  gql_location at;
};

struct gql_variable_definition {
  std::string name;
  std::string type;  // as written, e.g. "ID!"
  std::optional<gql_value> default_value;
};

struct gql_operation {
  std::string type = "query";  // "query" or "mutation" (subscriptions are refused)
  std::string name;
  std::vector<gql_variable_definition> variables;
  std::vector<gql_selection> selections;
  gql_location at;
};

struct gql_fragment {
  std::string name;
  std::string type_condition;
  std::vector<gql_selection> selections;
};

struct gql_document {
  std::vector<gql_operation> operations;
  std::map<std::string, gql_fragment> fragments;
};

// What GitHub says about a document it cannot parse: the message and where.
struct gql_parse_error {
  std::string message;  // e.g. `Parse error on "}" (RCURLY) at [1, 9]`
  gql_location at;
};

// Parses a whole document; on failure returns the error instead.
std::variant<gql_document, gql_parse_error> parse_graphql(const std::string& text);

// The value with variables replaced; an unset variable is null.
boost::json::value resolve_value(const gql_value& v, const boost::json::object& variables);

}  // namespace ngsync::sandbox::github
