#pragma once
// PATCH /v1/data_sources/{id}: applies a "properties" update to a data source's schema the way
// Notion does (add, rename, remove, retype; a select's option list is replaced, not merged).
#include <string>
#include <vector>

#include "tests/sandbox/src/notion/notion_model.hpp"

namespace ngsync::sandbox::notion {

struct schema_patch_result {
  std::vector<std::string> removed_property_ids;  // page values of these are dropped
  std::vector<std::string> retyped_property_ids;  // page values of these are reset
};

// `schema` is changed only when the whole patch is valid; otherwise validation_error is thrown
// with a Notion-like message and `schema` is left as it was.
schema_patch_result apply_schema_patch(json::object& schema, const json::object& patch,
                                       id_source& ids);

// Drops select / multi-select values whose option is no longer in the schema (Notion clears a
// value when its option is removed).
void drop_removed_options(const json::object& schema, std::map<std::string, json::value>& values);

}  // namespace ngsync::sandbox::notion
