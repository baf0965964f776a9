#pragma once
// `ngsync setup-notion`'s decision: compares a Notion data source's schema with what a mapping
// reads and writes back, and builds the PATCH that adds what is missing without dropping options.
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/config/config.hpp"

namespace ngsync::daemon {

enum class schema_finding_kind {
  ok,
  missing,          // the property does not exist
  missing_options,  // a select/status lacks options the mapping uses
  wrong_type,       // the property exists with another type: never retyped automatically
};

struct schema_finding {
  std::string property;  // the Notion property name
  std::string role;      // what the mapping uses it for, e.g. "write-back: issue number"
  std::string expected;  // e.g. "number", "select (Pending, Success, Error)"
  schema_finding_kind kind = schema_finding_kind::ok;
  std::string detail;    // what is wrong, for people
  bool fixable = false;  // `--apply` fixes it
};

struct schema_report {
  std::vector<schema_finding> findings;
  // The "properties" of PATCH /v1/data_sources/{id}: only new properties, and for an existing
  // select that lacks options, the union of its options and the missing ones (PATCH replaces
  // an option list, so sending only the new ones would delete the rest).
  boost::json::object patch;

  std::size_t problems() const;
  std::size_t fixable() const;
};

// `data_source` is the answer of GET /v1/data_sources/{id}.
schema_report check_notion_schema(const config::mapping& m, const boost::json::object& data_source);

// One line per finding, "  ok       Name: title", "  missing  GitHub Issue URL: url (...)".
std::string describe(const schema_report& report);

}  // namespace ngsync::daemon
