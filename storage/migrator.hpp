#pragma once
// Brings a database to the schema this binary was built with: the numbered SQL files of
// migrations/ (embedded at build time), applied in order, each in its own transaction, under
// an advisory lock, with their checksums recorded so an edited applied file is detected.
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/transaction.hpp"

namespace ngsync::storage {

struct migration {
  int version = 0;   // the NNNN prefix
  std::string name;  // file name without ".sql", e.g. "0001_initial_schema"
  std::string sql;
  std::string checksum;  // sha256 hex of sql
};

// Builds a migration from a file name "NNNN_name.sql" (or "NNNN_name") and its text.
// Throws migration_error on a name without a numeric prefix.
migration make_migration(const std::string& file_name, std::string sql);

// The migrations compiled into this binary, in version order.
const std::vector<migration>& embedded_migrations();

// Schema drift or a bad migration set: names the offending file.
class migration_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct migration_report {
  std::vector<std::string> applied;  // names applied by this call, in order
  int schema_version = 0;            // highest version present afterwards
};

// Applies what is pending. Safe to run from several processes at once: the second waits
// for the first's lock and then finds nothing to do. Throws migration_error when an applied
// file's checksum differs from the one recorded, or when the database has a migration this
// binary does not know.
migration_report migrate(session s,
                         const std::vector<migration>& migrations = embedded_migrations());

// The migrations not yet applied (after the same drift checks as migrate, without the lock).
std::vector<migration> pending_migrations(
    session s, const std::vector<migration>& migrations = embedded_migrations());

// True when every migration is applied and none drifted (for /readyz). Never throws for a
// drifted or empty schema; connection errors do propagate.
bool schema_is_current(session s,
                       const std::vector<migration>& migrations = embedded_migrations());

}  // namespace ngsync::storage
