#pragma once
// A configured mapping as the sync runs it: the planner's rules (from the config) and the
// Notion data sources it covers (a database resolves to its data sources at start-up).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/mapping_scope.hpp"

namespace ngsync::sync {

struct mapping_binding {
  std::string name;
  mapping_rules rules;
  std::vector<std::string> data_source_ids;  // filled at start-up
  std::string database_id;                   // as configured (may be empty)
  std::string draft_pr_base;
  config::mapping settings;  // as configured: project board, milestone and comment options

  // The pages this mapping may sync (core/sync/mapping_scope.hpp).
  mapping_scope scope() const { return {data_source_ids, database_id}; }
};

// The mapping that polls `data_source_id`, or null. The one lookup by data source.
const mapping_binding* mapping_of_data_source(
    const std::map<std::string, mapping_binding>& mappings, std::string_view data_source_id);

// The mapping a page with this parent (a data source or database id, or either when the kind
// is unknown) belongs to, with the data source it belongs under.
struct mapping_match {
  const mapping_binding* mapping = nullptr;
  std::string data_source_id;
};
mapping_match mapping_of_parent(const std::map<std::string, mapping_binding>& mappings,
                                std::string_view parent_data_source_id,
                                std::string_view parent_database_id);

// The planner's view of one configured mapping.
mapping_rules rules_from_config(const config::mapping& m);

}  // namespace ngsync::sync
