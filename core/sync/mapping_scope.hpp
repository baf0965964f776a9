#pragma once
// Which pages a mapping may sync: those whose parent is one of its data sources (or the
// database they belong to). A job names its mapping, but a webhook, a stale hint or a
// reconcile finding could name the wrong one; a page synced under another mapping would be
// written into that mapping's repository.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ngsync::sync {

struct mapping_scope {
  std::vector<std::string> data_source_ids;  // the data sources the mapping polls
  std::string database_id;                   // as configured; may be empty
};

// The mapping's data source that a page with these parent ids belongs to, or nothing when the
// page lies outside the mapping. A parent given only as the database (older API versions,
// webhook events) belongs when it is the mapping's database, under its first data source.
std::optional<std::string> data_source_in_scope(const mapping_scope& scope,
                                                std::string_view parent_data_source_id,
                                                std::string_view parent_database_id);

}  // namespace ngsync::sync
