#pragma once
// A configured mapping as the engine runs it: the planner's rules (from the config) and the
// Notion data sources it covers (a database resolves to its data sources at start-up).
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::engine {

struct mapping_binding {
  std::string name;
  sync::mapping_rules rules;
  std::vector<std::string> data_source_ids;  // filled at start-up
  std::string database_id;                   // as configured (may be empty)
  std::string draft_pr_base;
  config::mapping settings;  // as configured: project board, milestone and comment options
};

// The planner's view of one configured mapping.
sync::mapping_rules rules_from_config(const config::mapping& m);

}  // namespace ngsync::engine
