#pragma once
// The SQL files of migrations/, compiled into the binary by migrations/embed.cmake.
#include <string_view>
#include <vector>

namespace ngsync::storage::detail {

struct embedded_migration_file {
  std::string_view file_name;  // e.g. "0001_initial_schema.sql"
  std::string_view sql;
};

// Sorted by file name.
const std::vector<embedded_migration_file>& embedded_migration_files();

}  // namespace ngsync::storage::detail
