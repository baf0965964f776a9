#include "core/sync/mapping_scope.hpp"

#include "core/notion/notion_id.hpp"

namespace ngsync::sync {

std::optional<std::string> data_source_in_scope(const mapping_scope& scope,
                                                std::string_view parent_data_source_id,
                                                std::string_view parent_database_id) {
  if (!parent_data_source_id.empty()) {
    for (const auto& ds : scope.data_source_ids) {
      if (notion::same_id(ds, parent_data_source_id)) return ds;
    }
    // A data source parent that is not ours: the database id beside it cannot make it ours
    // (a database may hold several data sources, and the mapping may poll only some).
    return std::nullopt;
  }
  if (!parent_database_id.empty() && !scope.data_source_ids.empty() &&
      notion::same_id(scope.database_id, parent_database_id)) {
    return scope.data_source_ids.front();
  }
  return std::nullopt;
}

}  // namespace ngsync::sync
